"""Sinergi's entry point: page setup and page registration."""

import streamlit as st

from domain import ui

st.set_page_config(page_title="Sinergi", page_icon="🤝", layout="wide")
ui.ensure_database()
ui.language_switch()

pages = [
    st.Page("pages/overview.py", title=ui.t("nav.overview"), icon="📊", url_path="", default=True),
]
st.navigation(pages).run()

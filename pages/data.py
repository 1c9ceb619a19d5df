"""/data: enter and correct records by hand."""

import streamlit as st

from domain import entry_screens, ui
from domain.ui import t

viewer = ui.signed_in_page()

st.title(t("data.title"))
st.caption(t("data.caption"))
entry_screens.entry_section(viewer)

"""A shared page (/shared?token=…): one company's program or overview, read-only, without an account."""

import streamlit as st

from sinergi import ui
from sinergi.ui import screens, shared, t

ui.page_guard()

view = shared.open_shared_view(st.query_params.get("token", ""))
if isinstance(view, str):
    st.title(t("shared.title"))
    st.error(view, icon=":material/link_off:")
    st.stop()

st.info(shared.banner(view), icon=":material/visibility:")
if view.program_id is not None:
    screens.program_screen(view.viewer, view.program_id, back_link=False)
else:
    screens.overview_screen(view.viewer, view.filters)

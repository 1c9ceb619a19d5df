"""A shared page (/shared?token=…): one company's program or overview, read-only, without an account."""

from datetime import UTC, datetime

import streamlit as st

from sinergi import ui
from sinergi.core import db
from sinergi.i18n.formatting import long_date
from sinergi.ui import lang, screens, t
from sinergi.writes import sharing

ui.page_guard()

token = st.query_params.get("token", "")
# Open the link once per browser session: every rerun is not a new use.
opened: dict[str, sharing.SharedView] = st.session_state.setdefault("shared_views", {})
if token not in opened:
    try:
        with db.write_session() as session:
            opened[token] = sharing.open_link(session=session, token=token, now=datetime.now(UTC))
    except sharing.LinkUnusable as unusable:
        st.title(t("shared.title"))
        st.error(t(unusable.key), icon=":material/link_off:")
        st.stop()
view = opened[token]
if view.expires_at <= datetime.now(UTC):
    opened.pop(token)
    st.rerun()

until = long_date(view.expires_at.date(), lang())
st.info(
    t("shared.banner", label=view.label, until=until)
    if view.label
    else t("shared.banner_unlabelled", until=until),
    icon=":material/visibility:",
)
if view.program_id is not None:
    screens.program_screen(view.viewer, view.program_id, back_link=False)
else:
    screens.overview_screen(view.viewer, view.filters)

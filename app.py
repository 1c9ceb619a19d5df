"""Sinergi's entry point: page setup and page registration."""

import streamlit as st

from sinergi import ui
from sinergi.ui import inbox, signin, verify

ui.page_guard()
st.set_page_config(page_title="Sinergi", page_icon="🤝", layout="wide")
ui.ensure_database()
ui.freeze_loaded_objects()
ui.ensure_cookie_key()
viewer = signin.current_viewer()
bare = ui.is_bare_page()
if bare:
    # Keep the language chosen elsewhere although its switch is not drawn.
    st.session_state["lang"] = ui.lang()
else:
    # The navigation runs along the top; the language and the account sit at its right, above the page.
    top = st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center")
    ui.language_switch(top, label_visibility="collapsed")
    if viewer is not None:
        signin.account_box(viewer, top)

pages = [
    st.Page(
        "pages/overview.py",
        title=ui.t("nav.overview"),
        icon=":material/dashboard:",
        url_path="",
        default=True,
    ),
    st.Page("pages/programs.py", title=ui.t("nav.programs"), icon=":material/list:", url_path="programs"),
    st.Page(
        "pages/program.py",
        title=ui.t("nav.program"),
        icon=":material/insights:",
        url_path="program",
        visibility="hidden",
    ),
    st.Page(
        "pages/engagement.py", title=ui.t("nav.engagement"), icon=":material/forum:", url_path="engagement"
    ),
    st.Page(
        "pages/compliance.py",
        title=ui.t("nav.compliance"),
        icon=":material/fact_check:",
        url_path="compliance",
    ),
    st.Page(
        "pages/reporting.py",
        title=ui.t("nav.reporting"),
        icon=":material/assignment_turned_in:",
        url_path="reporting",
    ),
    st.Page(
        "pages/verify.py",
        title=ui.t("verify.nav"),
        icon=":material/verified:",
        url_path="verify",
        visibility=verify.nav_visibility(viewer),
    ),
    st.Page("pages/data.py", title=ui.t("data.nav"), icon=":material/edit_note:", url_path="data"),
    st.Page(
        "pages/inbox.py",
        title=inbox.nav_title(viewer),
        icon=":material/inbox:",
        url_path="inbox",
        visibility=inbox.nav_visibility(viewer),
    ),
    st.Page(
        "pages/account.py", title=ui.t("admin.nav_account"), icon=":material/person:", url_path="account"
    ),
    st.Page(
        "pages/admin.py",
        title=ui.t("admin.nav"),
        icon=":material/admin_panel_settings:",
        url_path="admin",
        visibility="visible" if viewer is not None and viewer.is_admin else "hidden",
    ),
    st.Page("pages/shared.py", title=ui.t("shared.title"), url_path="shared", visibility="hidden"),
    st.Page("pages/console.py", title=ui.t("live.nav"), icon=":material/co_present:", url_path="console"),
    st.Page(
        "pages/present.py",
        title=ui.t("live.audience_nav"),
        icon=":material/slideshow:",
        url_path="present",
        visibility="hidden",
    ),
    st.Page("pages/feedback.py", title=ui.t("live.form.title"), url_path="feedback", visibility="hidden"),
]
ui.run_page(st.navigation(pages, position="hidden" if bare else "top"))

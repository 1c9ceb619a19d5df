"""My account: who I am signed in as, and changing my own password."""

import streamlit as st

from sinergi import ui
from sinergi.ui import account, signin, t

viewer = ui.signed_in_page()

_DONE = "account-done"
_FIELDS = "account-password-"

st.title(t("admin.account_title"))
ui.show_notice(_DONE)

facts = account.profile_facts(viewer)
if facts is None:
    st.info(t("admin.account_none"))
    st.stop()
st.markdown(facts)

st.subheader(t("admin.change_password_heading"))
with st.form("account-password", enter_to_submit=False):
    current = st.text_input(
        t("admin.current_password"),
        type="password",
        key=f"{_FIELDS}current",
        autocomplete="current-password",
    )
    new = st.text_input(
        t("admin.new_password"),
        type="password",
        key=f"{_FIELDS}new",
        autocomplete="new-password",
        help=account.password_help(),
    )
    confirm = st.text_input(
        t("admin.password_confirm"), type="password", key=f"{_FIELDS}confirm", autocomplete="new-password"
    )
    submitted = st.form_submit_button(t("admin.change_password_submit"), type="primary")
st.caption(t("admin.change_password_note"))

if submitted:
    if new != confirm:
        st.error(t("admin.password_mismatch"), icon=":material/error:")
    elif signin.change_own_password(viewer, current=current, new=new):
        ui.rerun_with_notice(_DONE, t("admin.password_changed"), clear=_FIELDS)

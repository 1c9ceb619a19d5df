"""My account: who I am signed in as, and changing my own password."""

import streamlit as st

from sinergi import ui
from sinergi.ui import label, signin, t
from sinergi.writes import accounts

viewer = ui.signed_in_page()

_DONE = "account-done"
_FIELDS = "account-password-"

st.title(t("admin.account_title"))
if message := st.session_state.pop(_DONE, None):
    st.success(message, icon=":material/check_circle:")

profile = ui.read(accounts.own_profile, viewer=viewer)
if profile is None:
    st.info(t("admin.account_none"))
    st.stop()

facts = [
    f"- {t('admin.display_name')}: **{profile.display_name}**",
    f"- {t('admin.username')}: `{profile.username}`",
    f"- {t('admin.role')}: {label('role', profile.role)}",
]
if profile.company:
    facts.append(f"- {t('admin.company')}: {profile.company}")
if profile.regency:
    facts.append(f"- {t('admin.regency')}: {profile.regency}")
if profile.email:
    facts.append(f"- {t('admin.email')}: {profile.email}")
st.markdown("\n".join(facts))

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
        help=t("admin.password_help", min=accounts.MIN_PASSWORD_LENGTH),
    )
    confirm = st.text_input(
        t("admin.password_confirm"), type="password", key=f"{_FIELDS}confirm", autocomplete="new-password"
    )
    submitted = st.form_submit_button(t("admin.change_password_submit"), type="primary")
st.caption(t("admin.change_password_note"))

if submitted:
    if new != confirm:
        st.error(t("admin.password_mismatch"), icon=":material/error:")
        st.stop()
    if not signin.change_own_password(viewer, current=current, new=new):
        st.stop()
    for key in [k for k in st.session_state if str(k).startswith(_FIELDS)]:
        del st.session_state[key]
    st.session_state[_DONE] = t("admin.password_changed")
    st.rerun()

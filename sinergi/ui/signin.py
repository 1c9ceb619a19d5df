"""Signing in on Streamlit: the viewer of this session, the login form, logout, the cookie.

streamlit-authenticator writes and deletes the cookie (a JWT signed with the cookie key).
Sinergi reads it itself, before ``st.navigation``, so that a deep link survives a reload, and
checks it against the database, so that logout, a password change or disabling a user ends
every copy of it. The form is Sinergi's own: throttling has to run before a password is
checked, which the authenticator's form does not allow.
"""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime
from typing import Any

import jwt
import streamlit as st

from sinergi.core import db
from sinergi.core.access import Viewer
from sinergi.core.secrets import cookie_key
from sinergi.core.settings import COOKIE_EXPIRY_DAYS, COOKIE_NAME
from sinergi.ui import REFUSED, label, plain, run_command, t, t_plain
from sinergi.ui.client import client_address
from sinergi.writes import accounts

_VIEWER = "viewer"
_SIGNED_IN_AT = "signed_in_at"
_REFUSED_TOKEN = "refused_token"
_COOKIE_TODO = "cookie_todo"


def _now() -> datetime:
    return datetime.now(UTC)


def current_viewer() -> Viewer | None:
    """Who this session belongs to: from the session, else from a valid cookie; None if nobody.

    Runs on every script run, before ``st.navigation``; a session whose user has since logged
    out elsewhere, changed password or been disabled is ended here.
    """
    state = st.session_state
    viewer: Viewer | None = state.get(_VIEWER)
    if viewer is not None and viewer.user_id is not None:
        with db.read_session() as session:
            if accounts.user_session_valid(
                session=session, user_id=viewer.user_id, signed_in_at=state[_SIGNED_IN_AT]
            ):
                return viewer
        _forget()
        return None
    token = st.context.cookies.get(COOKIE_NAME)
    if not token or token == state.get(_REFUSED_TOKEN):
        return None
    try:
        payload: dict[str, Any] = jwt.decode(token, cookie_key(), algorithms=["HS256"])
    except jwt.PyJWTError:
        payload = {}
    with db.read_session() as session:
        found = accounts.viewer_from_token(
            session=session, payload=payload, now=_now(), expiry_days=COOKIE_EXPIRY_DAYS
        )
    if found is None:
        state[_REFUSED_TOKEN] = token
        return None
    state[_VIEWER], state[_SIGNED_IN_AT] = found
    return found[0]


def _forget() -> None:
    for key in (_VIEWER, _SIGNED_IN_AT):
        st.session_state.pop(key, None)


def _authenticator() -> Any:
    """streamlit-authenticator, built once per session (a second one raises a duplicate key)."""
    if "authenticator" not in st.session_state:
        import streamlit_authenticator as stauth

        st.session_state["authenticator"] = stauth.Authenticate(
            {"usernames": {}},
            cookie_name=COOKIE_NAME,
            cookie_key=cookie_key(),
            cookie_expiry_days=COOKIE_EXPIRY_DAYS,
            auto_hash=False,
        )
    return st.session_state["authenticator"]


def _schedule_cookie(username: str, issued_at: float) -> None:
    """Ask for a cookie for ``username`` issued at ``issued_at``: written on the following runs.

    The token has the authenticator's own form (its username and expiry, signed with the cookie key),
    so its cookie reader and ours agree.
    """
    expires = issued_at + COOKIE_EXPIRY_DAYS * 86_400
    token = jwt.encode({"username": username, "exp_date": expires}, cookie_key(), algorithm="HS256")
    st.session_state[_COOKIE_TODO] = ("set", token, datetime.fromtimestamp(expires))


def _settle_cookie() -> None:
    """Write or delete the browser's cookie as the last sign-in or logout asked.

    The cookie is written by a component in the browser, which a rerun can unmount before it has
    run; the write is repeated on every run until the browser reports the cookie back.
    """
    todo = st.session_state.get(_COOKIE_TODO)
    if todo is None:
        return
    manager = _authenticator().cookie_controller.cookie_model.cookie_manager
    if todo == "delete":
        st.session_state.pop(_COOKIE_TODO)
        # KeyError: the component had not read the cookie yet; the token is revoked anyway.
        with contextlib.suppress(KeyError):
            manager.delete(COOKIE_NAME, key="sinergi-cookie-delete")
        return
    _, token, expires = todo
    if manager.get_all(key="sinergi-cookie-check").get(COOKIE_NAME) == token:
        st.session_state.pop(_COOKIE_TODO)
        return
    manager.set(COOKIE_NAME, token, key="sinergi-cookie-set", expires_at=expires)


def require_viewer() -> Viewer:
    """The signed-in viewer; otherwise the login form in place of the page, and the run stops.

    The page's own address stays in the URL, so after signing in the reader lands where the
    link pointed.
    """
    viewer: Viewer | None = st.session_state.get(_VIEWER)
    _settle_cookie()
    if viewer is not None:
        return viewer
    _login_form()
    st.stop()
    raise AssertionError("unreachable")  # st.stop() ends the run


def _login_form() -> None:
    st.title(t("login.title"))
    st.caption(t("login.intro"))
    with st.form("login", clear_on_submit=False):
        username = st.text_input(t("login.username"), key="login-username", autocomplete="username")
        password = st.text_input(
            t("login.password"), type="password", key="login-password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(t("login.submit"), type="primary")
    if not submitted:
        return
    now = _now()
    with db.write_session() as session:
        result = accounts.sign_in(
            session=session, username=username, password=password, now=now, address=client_address()
        )
    if result.viewer is None:
        time.sleep(result.delay_seconds)
        st.error(t("login.failed"))
        return
    st.session_state[_VIEWER] = result.viewer
    st.session_state[_SIGNED_IN_AT] = now.timestamp()
    _schedule_cookie(result.viewer.username, now.timestamp())
    st.rerun()


def change_own_password(viewer: Viewer, *, current: str, new: str) -> bool:
    """Change the viewer's own password, checking the current one through the sign-in's throttle;
    whether it changed (if not, the reason is shown where the form stands)."""
    now = _now()
    outcome = run_command(
        lambda session: accounts.change_password(
            session=session, viewer=viewer, current=current, new=new, now=now, address=client_address()
        )
    )
    if outcome is REFUSED:
        return False
    if not outcome.changed:
        time.sleep(outcome.delay_seconds)
        st.error(t("error.password_wrong"), icon=":material/error:")
        return False
    _keep_signed_in_after_password_change(now)
    return True


def _keep_signed_in_after_password_change(changed_at: datetime) -> None:
    """Keep this session signed in after its user changed their own password.

    The change ended every session and cookie issued before it, this one's included; this
    session starts afresh and gets a new cookie on the next run, every other one stays ended.
    """
    st.session_state[_SIGNED_IN_AT] = max(time.time(), changed_at.timestamp() + 0.001)
    viewer: Viewer = st.session_state[_VIEWER]
    _schedule_cookie(viewer.username, st.session_state[_SIGNED_IN_AT])


def account_box(viewer: Viewer, where: Any = st) -> None:
    """Who is signed in, and the logout button, behind a button named for the user (``where`` the page
    puts it: the bar at the top)."""
    box = where.popover(plain(viewer.username), icon=":material/person:")
    box.caption(t_plain("login.signed_in_as", name=viewer.username, role=label("role", viewer.role.value)))
    box.button(t("login.logout"), on_click=_logout, key="logout", icon=":material/logout:")


def _logout() -> None:
    viewer: Viewer | None = st.session_state.get(_VIEWER)
    if viewer is not None:
        with db.write_session() as session:
            accounts.sign_out(session=session, viewer=viewer, now=_now())
    _forget()
    st.session_state[_COOKIE_TODO] = "delete"

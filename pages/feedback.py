"""The public input form of a meeting open for input (/feedback?code=…), made for a phone, without an
account: check in, then send expectations and input. Nothing else of the app is reachable from here."""

import secrets
from datetime import UTC, datetime

import streamlit as st

import models as m
from sinergi import ui
from sinergi.core import db
from sinergi.core.errors import DomainError
from sinergi.i18n.formatting import long_date
from sinergi.ui import label, lang, t
from sinergi.writes import live

ui.page_guard()

# This session's devices: normalised code -> the secret its check-in returned.
devices: dict[str, str] = st.session_state.setdefault("live_devices", {})
_FLASH = "live-flash"


def _code_form(code: str) -> None:
    with st.form("live-code"):
        typed = st.text_input(t("live.form.code"), value=code, max_chars=20, autocomplete="off")
        if st.form_submit_button(t("live.form.open"), type="primary"):
            st.query_params["code"] = live.normalise_code(typed)
            st.rerun()


ui.language_switch(st, label_visibility="collapsed")
code = live.normalise_code(st.query_params.get("code", ""))
if not code:
    st.title(t("live.form.title"))
    st.caption(t("live.form.enter_code"))
    _code_form("")
    st.stop()

try:
    with db.read_session() as session:
        meeting = live.meeting_for_code(session=session, code=code, now=datetime.now(UTC))
except DomainError as refused:
    st.title(t("live.form.title"))
    st.error(t(refused.key), icon=":material/block:")
    devices.pop(code, None)
    _code_form(code)
    st.stop()

st.title(t("live.form.title"))
st.caption(
    " · ".join(part for part in (meeting.title, long_date(meeting.held_on, lang()), meeting.venue) if part)
)


def _check_in() -> None:
    state = st.session_state
    device = ui.run_command(
        lambda session: live.check_in(
            session=session,
            code=code,
            now=datetime.now(UTC),
            org_type=state.get("live-org-type") or "",
            organisation_name=state.get("live-organisation", ""),
            name=state.get("live-name", ""),
        ),
        refused=_flash_refusal,
    )
    if device is not ui.REFUSED:
        devices[code] = device
        state[_FLASH] = ("success", t("live.checkin.done", organisation=state.get("live-organisation", "")))


def _flash_refusal(error: DomainError) -> None:
    """Keep a refusal for the next draw; a device no longer checked in forgets its token."""
    if isinstance(error, live.NotCheckedIn):
        devices.pop(code, None)
    st.session_state[_FLASH] = ("error", ui.refusal(error))


def _send() -> None:
    state = st.session_state
    program = state.get("live-program")
    sent = ui.run_command(
        lambda session: live.submit_input(
            session=session,
            code=code,
            device_token=devices.get(code, ""),
            now=datetime.now(UTC),
            kind=state.get("live-kind") or "",
            text=state.get("live-text", ""),
            program_id=int(program) if program else None,
            submission_key=state.setdefault("live-submission", secrets.token_urlsafe(16)),
        ),
        refused=_flash_refusal,
    )
    if sent is ui.REFUSED:
        return
    # The next form is a new submission; what was typed is cleared only once it is stored.
    state["live-submission"] = secrets.token_urlsafe(16)
    state["live-text"] = ""
    state["live-sent"] = state.get("live-sent", 0) + 1
    state[_FLASH] = ("success", t("live.input.sent"))


flash = st.session_state.pop(_FLASH, None)
if flash is not None:
    kind, message = flash
    (st.success if kind == "success" else st.error)(
        message, icon=":material/check_circle:" if kind == "success" else ":material/error:"
    )

org_types = [org_type.value for org_type in m.OrgType]
if code not in devices:
    st.subheader(t("live.checkin.heading"))
    with st.form("live-check-in"):
        st.text_input(t("live.checkin.name"), max_chars=live.MAX_NAME, key="live-name", autocomplete="name")
        st.text_input(t("live.checkin.organisation"), max_chars=live.MAX_NAME, key="live-organisation")
        st.selectbox(
            t("live.checkin.org_type"),
            org_types,
            index=None,
            format_func=lambda value: label("org_type", value),
            key="live-org-type",
            placeholder=t("entry.choose"),
        )
        st.form_submit_button(t("live.checkin.submit"), type="primary", on_click=_check_in, width="stretch")
    st.stop()

st.subheader(t("live.input.heading"))
programs = {str(program_id): name for program_id, name in meeting.programs}
with st.form("live-input"):
    if programs:
        st.selectbox(
            t("live.input.program"),
            ["", *programs],
            format_func=lambda value: programs.get(value, t("live.input.no_program")),
            key="live-program",
        )
    st.selectbox(
        t("live.input.kind"),
        [kind.value for kind in m.FeedbackKind],
        format_func=lambda value: label("feedback_kind", value),
        key="live-kind",
    )
    st.text_area(t("live.input.text"), max_chars=live.MAX_INPUT_TEXT, key="live-text", height=140)
    st.form_submit_button(t("live.input.submit"), type="primary", on_click=_send, width="stretch")
sent = int(st.session_state.get("live-sent", 0))
if sent:
    st.caption(t("live.input.count", count=sent))

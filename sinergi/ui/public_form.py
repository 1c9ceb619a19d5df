"""The public input form of a meeting (/feedback?code=…): the code, check-in and input, for a phone and
without an account. A device is known by the secret its check-in returned, kept in the page's address
(``&device=…``) so that a reload or a lost connection neither checks it in again nor starts its limits
afresh; what one client address may do is limited as well (see :mod:`sinergi.writes.live`)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import streamlit as st

import models as m
from sinergi import ui
from sinergi.core import db
from sinergi.core.errors import DomainError
from sinergi.i18n.formatting import long_date
from sinergi.ui import label, lang, t
from sinergi.ui.client import client_address
from sinergi.writes import live, voting

# This session's devices: normalised code -> the secret its check-in returned.
_DEVICES = "live_devices"
# What the last check-in or input came to, drawn by the page's full run under its form; why the last
# dots were refused, drawn by the vote's own refresh. Apart, so that neither run takes the other's.
_FLASH = "live-flash"
_VOTE_FLASH = "live-vote-flash"


def _devices() -> dict[str, str]:
    devices: dict[str, str] = st.session_state.setdefault(_DEVICES, {})
    return devices


def code_in_address() -> str:
    """The meeting's code the address carries, as the form keeps it (upper case, no spaces)."""
    return live.normalise_code(st.query_params.get("code", ""))


def code_form(code: str) -> None:
    """A field for the code, which opens its meeting's form."""
    with st.form("live-code"):
        typed = st.text_input(t("live.form.code"), value=code, max_chars=20, autocomplete="off")
        if st.form_submit_button(t("live.form.open"), type="primary"):
            st.query_params["code"] = live.normalise_code(typed)
            st.rerun()


def open_meeting(code: str) -> live.PublicMeeting | str:
    """The meeting open for input under ``code``, or why there is none, in the reader's language (the
    device then forgets its check-in there). A code that opens nothing counts against the client's
    address, which is refused once it tried too many."""
    address, now = client_address(), datetime.now(UTC)
    try:
        with db.read_session() as session:
            return live.meeting_for_code(session=session, code=code, now=now, address=address)
    except DomainError as refused:
        _devices().pop(code, None)
        if isinstance(refused, live.UnknownCode):
            ui.run_command(lambda session: live.note_code_miss(session=session, address=address, now=now))
        return t(refused.key)


def meeting_line(meeting: live.PublicMeeting) -> str:
    """The meeting's title, date and venue on one line, as Markdown that shows them as typed."""
    return " · ".join(
        ui.plain(part) for part in (meeting.title, long_date(meeting.held_on, lang()), meeting.venue) if part
    )


def show_flash(key: str = _FLASH) -> None:
    """What the last check-in or input came to (or, with ``_VOTE_FLASH``, why dots were refused), once."""
    flash = st.session_state.pop(key, None)
    if flash is None:
        return
    kind, message = flash
    if kind == "success":
        st.success(message, icon=":material/check_circle:")
    else:
        st.error(message, icon=":material/error:")


def checked_in(code: str) -> bool:
    """Whether this device checked in to the meeting of ``code``: in this browser session, or earlier,
    as the token in the address says (a phone that reloaded the page)."""
    if code in _devices():
        return True
    token = st.query_params.get("device", "")
    if not token:
        return False
    with db.read_session() as session:
        known = live.device_checked_in(session=session, code=code, device_token=token, now=datetime.now(UTC))
    if known:
        _devices()[code] = token
    else:
        del st.query_params["device"]
    return known


def check_in_form(code: str, organisations: tuple[str, ...] = ()) -> None:
    """Name, organisation and its type: checking in lets the device send input. The organisations
    registered for the meeting are offered as the participant types; any other can be typed."""
    with st.form("live-check-in"):
        st.text_input(t("live.checkin.name"), max_chars=live.MAX_NAME, key="live-name", autocomplete="name")
        st.selectbox(
            t("live.checkin.organisation"),
            organisations,
            index=None,
            accept_new_options=True,
            placeholder=t("live.checkin.organisation_placeholder"),
            key="live-organisation",
        )
        st.selectbox(
            t("live.checkin.org_type"),
            [org_type.value for org_type in m.OrgType],
            index=None,
            format_func=lambda value: label("org_type", value),
            key="live-org-type",
            placeholder=t("entry.choose"),
        )
        st.form_submit_button(
            t("live.checkin.submit"), type="primary", on_click=_check_in, args=(code,), width="stretch"
        )


def input_form(code: str, programs: tuple[tuple[int, str], ...]) -> None:
    """What the participant says: its kind, its text, and the program it is about if any."""
    names = {str(program_id): name for program_id, name in programs}
    with st.form("live-input"):
        if names:
            st.selectbox(
                t("live.input.program"),
                ["", *names],
                format_func=lambda value: names.get(value, t("live.input.no_program")),
                key="live-program",
            )
        st.selectbox(
            t("live.input.kind"),
            [kind.value for kind in m.FeedbackKind],
            format_func=lambda value: label("feedback_kind", value),
            key="live-kind",
        )
        st.text_area(t("live.input.text"), max_chars=live.MAX_INPUT_TEXT, key="live-text", height=140)
        st.form_submit_button(
            t("live.input.submit"), type="primary", on_click=_send, args=(code,), width="stretch"
        )


def _check_in(code: str) -> None:
    state = st.session_state
    device = ui.run_command(
        lambda session: live.check_in(
            session=session,
            code=code,
            now=datetime.now(UTC),
            org_type=state.get("live-org-type") or "",
            organisation_name=state.get("live-organisation") or "",
            name=state.get("live-name", ""),
            address=client_address(),
        ),
        refused=lambda error: _flash_refusal(code, error),
    )
    if device is not ui.REFUSED:
        _devices()[code] = device
        st.query_params["device"] = device
        state[_FLASH] = (
            "success",
            ui.t_plain("live.checkin.done", organisation=state.get("live-organisation") or ""),
        )


def _send(code: str) -> None:
    state = st.session_state
    program = state.get("live-program")
    sent = ui.run_command(
        lambda session: live.submit_input(
            session=session,
            code=code,
            device_token=_devices().get(code, ""),
            now=datetime.now(UTC),
            kind=state.get("live-kind") or "",
            text=state.get("live-text", ""),
            program_id=int(program) if program else None,
            submission_key=state.setdefault("live-submission", secrets.token_urlsafe(16)),
            address=client_address(),
        ),
        refused=lambda error: _flash_refusal(code, error),
    )
    if sent is ui.REFUSED:
        return
    # The next form is a new submission; what was typed is cleared only once it is stored.
    state["live-submission"] = secrets.token_urlsafe(16)
    state["live-text"] = ""
    state[_FLASH] = ("success", t("live.input.sent"))


def _flash_refusal(code: str, error: DomainError, key: str = _FLASH) -> None:
    """Keep a refusal for the next draw; a device no longer checked in forgets its token (and is told
    so under the check-in form, which the page draws instead of the vote)."""
    if isinstance(error, live.NotCheckedIn):
        _devices().pop(code, None)
        st.query_params.pop("device", None)
        key = _FLASH
    st.session_state[key] = ("error", ui.refusal(error))


# How often a phone looks at what it sent and for a vote: a hall of phones each asking costs the server a
# run per look.
LOOK_SECONDS = 10


@st.fragment(run_every=timedelta(seconds=LOOK_SECONDS))
def device_part(code: str) -> None:
    """The part of the phone's page that looks at the server on its own every ``LOOK_SECONDS``: how many
    inputs this device has sent, as stored, so a page whose redraw after a send was lost still shows it
    counted (and its participant sees no reason to send it again); and while the facilitator has a vote
    open, the vote, which so appears without a reload.

    The page draws it high up, after parts that are always there. Streamlit knows a part that refreshes
    on its own by its place on the page, and a phone has been sent such a part for a place its page did
    not have yet, which broke the page ("Bad delta path index"); up here every page has that place."""
    device = _devices().get(code, "")
    with db.read_session() as session:
        sent = live.inputs_sent(session=session, device_token=device)
        vote = voting.phone_vote(session=session, code=code, device_token=device, now=datetime.now(UTC))
    if sent:
        st.caption(t("live.input.count", count=sent))
    if vote is not None:
        _vote_form(code, vote)


def _vote_form(code: str, vote: voting.PhoneVote) -> None:
    """The open vote: its options, a number of dots to spread over them, and where this phone put them
    (it may move them until the vote closes)."""
    st.subheader(t("vote.phone.heading"))
    show_flash(_VOTE_FLASH)
    # What this phone's dots are, as stored: it stays for as long as the vote, so a participant who
    # looked away (or a page that missed a redraw) still sees them saved.
    if spent := sum(vote.spent.values()):
        st.success(t("vote.phone.saved", dots=spent), icon=":material/check_circle:")
    st.markdown(ui.t_plain("vote.phone.question", question=vote.question))
    with st.form(f"vote-{vote.id}"):
        st.caption(t("vote.phone.dots", dots=vote.dots))
        for option_id, label_text in vote.options:
            st.number_input(
                ui.plain(label_text),
                min_value=0,
                max_value=vote.dots,
                value=vote.spent.get(option_id, 0),
                step=1,
                key=f"vote-{vote.id}-{option_id}",
            )
        st.form_submit_button(
            t("vote.phone.submit"),
            type="primary",
            on_click=_spend,
            args=(code, vote.id, tuple(option for option, _ in vote.options)),
            width="stretch",
        )


def _spend(code: str, vote_id: int, options: tuple[int, ...]) -> None:
    state = st.session_state
    allocation = {option: int(state.get(f"vote-{vote_id}-{option}") or 0) for option in options}
    ui.run_command(
        lambda session: voting.spend_dots(
            session=session,
            code=code,
            device_token=_devices().get(code, ""),
            vote_id=vote_id,
            allocation=allocation,
            now=datetime.now(UTC),
        ),
        refused=lambda error: _flash_refusal(code, error, _VOTE_FLASH),
    )

"""FGD live mode: opening a meeting for input from phones, check-in, inputs, moderation, the wall.

A meeting is run live by admins, by the staff of the company that organises it and by the agency of
its regency. Participants need no account: a short code, valid while the facilitator keeps input open
and the meeting has not ended, lets them check in and send input, at most ``RATE.max_items`` inputs
per ``RATE.window`` from one device.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

import models as m
from sinergi.core import audit, urls
from sinergi.core.access import Viewer, refuse
from sinergi.core.db import reads, rows, select_columns
from sinergi.core.errors import DomainError
from sinergi.core.settings import env_setting
from sinergi.writes.feedback import SOURCE_TYPES, InvalidFeedback, record_feedback
from sinergi.writes.versions import new_version

# No 0/O, 1/I/L: the code is read off a projector and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_INPUT_TEXT = 500
MAX_NAME = 200
DEFAULT_OPEN_HOURS = 3
MAX_OPEN_HOURS = 24
# The projector's wall shows at most this many approved items, the newest.
WALL_LIMIT = 200


@dataclass(frozen=True)
class RatePolicy:
    """How many inputs one device may send within a sliding window."""

    max_items: int
    window: timedelta


RATE = RatePolicy(max_items=20, window=timedelta(minutes=1))
# The windows of the limits per client address; their sizes are settings.
INPUT_WINDOW = timedelta(minutes=1)
CODE_MISS_WINDOW = timedelta(minutes=10)
# The same text from the same device within this span is a resend (a phone whose page did not show
# that it was sent, sent again), stored once.
RESEND_WINDOW = timedelta(minutes=10)


def _limit(name: str) -> int:
    return int(env_setting(name))


class MeetingNotFound(DomainError):
    key = "live.error.meeting_not_found"


class UnknownCode(DomainError):
    key = "live.error.code_unknown"


class InputClosed(DomainError):
    key = "live.error.code_closed"


class BadOpenUntil(DomainError):
    key = "live.error.open_until"


class InvalidCheckIn(DomainError):
    key = "live.error.check_in"


class NotCheckedIn(DomainError):
    key = "live.error.not_checked_in"


class InvalidInput(DomainError):
    key = "live.error.input"


class TooManyCheckIns(DomainError):
    key = "live.error.too_many_check_ins"


class TooManyCodes(DomainError):
    key = "live.error.too_many_codes"


class TooFast(DomainError):
    key = "live.error.too_fast"


class ItemNotFound(DomainError):
    key = "live.error.item_not_found"


class InvalidCorrection(DomainError):
    key = "live.error.correction"


class InvalidMerge(DomainError):
    key = "live.error.merge"


class InvalidMatch(DomainError):
    key = "live.error.match"


def meeting_to_run(session: Session, viewer: Viewer, meeting_id: int, action: str) -> m.Meeting:
    meeting = session.get(m.Meeting, meeting_id)
    if meeting is None:
        raise MeetingNotFound()
    if not viewer.may_run_meeting(meeting):
        refuse(viewer=viewer, entity="meeting", entity_id=meeting_id, detail=action)
    return meeting


def _input_open(
    code: str | None, closed_at: datetime | None, open_until: datetime | None, now: datetime
) -> bool:
    """Whether input with ``code`` is taken at ``now``: opened, not closed, and not yet expired."""
    return code is not None and closed_at is None and open_until is not None and now < open_until


def _meeting_programs(session: Session, meeting_id: int) -> tuple[tuple[int, str], ...]:
    """The programs a meeting discusses, by name."""
    programs = session.exec(
        select(m.Program.id, m.Program.name)
        .join(m.MeetingProgram, col(m.MeetingProgram.program_id) == col(m.Program.id))
        .where(m.MeetingProgram.meeting_id == meeting_id)
        .order_by(col(m.Program.name))
    ).all()
    return tuple((int(pid), str(name)) for pid, name in programs if pid is not None)


@dataclass(frozen=True)
class LiveMeeting:
    """A meeting as its facilitator sees it in live mode."""

    id: int
    title: str
    kind: str
    held_on: date
    venue: str
    regency_id: int | None
    attendee_count: int
    code: str | None
    open_until: datetime | None
    closed_at: datetime | None
    programs: tuple[tuple[int, str], ...]
    slide: int = 0  # the slide the console shows the room
    slide_at: datetime | None = None  # since when

    def was_opened(self) -> bool:
        """Whether input was ever opened: the room is told it closed, rather than not yet open."""
        return self.code is not None

    def is_open(self, now: datetime) -> bool:
        return _input_open(self.code, self.closed_at, self.open_until, now)


@reads(m.Meeting, m.MeetingProgram, m.Program)
def live_meeting(*, session: Session, viewer: Viewer, meeting_id: int) -> LiveMeeting:
    """The meeting, its input code and the programs it discusses; refused for anyone who may not run it."""
    meeting = meeting_to_run(session, viewer, meeting_id, "run live")
    assert meeting.id is not None
    return LiveMeeting(
        id=meeting.id,
        title=meeting.title,
        kind=meeting.kind,
        held_on=meeting.held_on,
        venue=meeting.venue,
        regency_id=meeting.regency_id,
        attendee_count=meeting.attendee_count,
        code=meeting.input_code,
        open_until=meeting.input_open_until,
        closed_at=meeting.input_closed_at,
        programs=_meeting_programs(session, meeting.id),
        slide=meeting.live_slide,
        slide_at=meeting.live_slide_at,
    )


@reads(m.Meeting)
def runnable_meetings(*, session: Session, viewer: Viewer) -> list[tuple[int, str, date]]:
    """The meetings this viewer may run live, newest first: (id, title, date)."""
    if viewer.shared_link_id is not None or viewer.role is m.Role.VIEWER:
        return []
    statement = (
        select_columns(m.Meeting.id, m.Meeting.title, m.Meeting.held_on)
        .where(*viewer.meeting_conditions())
        .order_by(col(m.Meeting.held_on).desc(), col(m.Meeting.id).desc())
    )
    return [(int(i), str(title), held) for i, title, held in rows(session, statement)]


def new_code() -> str:
    """A short code nobody can guess: 8 characters of 31, about 10^12 codes."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What a participant typed, as stored: capitals, without spaces or dashes."""
    return "".join(code.split()).replace("-", "").upper()


def open_input(
    *, session: Session, viewer: Viewer, meeting_id: int, now: datetime, open_until: datetime
) -> str:
    """Open the meeting for input until ``open_until`` (the meeting's end) and return a new code.

    An earlier code of the meeting stops working. Refused when ``open_until`` is not in the next
    ``MAX_OPEN_HOURS`` hours.
    """
    meeting = meeting_to_run(session, viewer, meeting_id, "open input")
    if not now < open_until <= now + timedelta(hours=MAX_OPEN_HOURS):
        raise BadOpenUntil(hours=MAX_OPEN_HOURS)
    while True:
        code = new_code()
        if session.exec(select(func.count()).where(m.Meeting.input_code == code)).one() == 0:
            break
    before = {"code": meeting.input_code, "closed_at": meeting.input_closed_at}
    meeting.input_code = code
    meeting.input_opened_at = now
    meeting.input_open_until = open_until
    meeting.input_closed_at = None
    session.add(meeting)
    audit.record(
        session=session,
        actor=viewer,
        action="open_input",
        entity="meeting",
        entity_id=meeting_id,
        before=before,
        after={"open_until": open_until},
    )
    return code


def close_input(*, session: Session, viewer: Viewer, meeting_id: int, now: datetime) -> None:
    """Close input: the code is refused from now on."""
    meeting = meeting_to_run(session, viewer, meeting_id, "close input")
    if meeting.input_code is None or meeting.input_closed_at is not None:
        return
    meeting.input_closed_at = now
    session.add(meeting)
    audit.record(session=session, actor=viewer, action="close_input", entity="meeting", entity_id=meeting_id)


def show_slide(*, session: Session, viewer: Viewer, meeting_id: int, slide: int, now: datetime) -> None:
    """Show the room slide ``slide`` (counted from 0): every audience view of the meeting follows."""
    meeting = meeting_to_run(session, viewer, meeting_id, "show slide")
    slide = max(slide, 0)
    if meeting.live_slide == slide:
        return
    before = meeting.live_slide
    meeting.live_slide = slide
    meeting.live_slide_at = now
    session.add(meeting)
    audit.record(
        session=session,
        actor=viewer,
        action="show_slide",
        entity="meeting",
        entity_id=meeting_id,
        before={"slide": before},
        after={"slide": slide},
    )


@dataclass(frozen=True)
class PublicMeeting:
    """What a participant sees of a meeting open for input."""

    id: int
    title: str
    held_on: date
    venue: str
    programs: tuple[tuple[int, str], ...]
    # The organisations registered as attending, offered as the participant types theirs.
    organisations: tuple[str, ...] = ()


def _attending_organisations(session: Session, meeting_id: int) -> tuple[str, ...]:
    names = session.exec(
        select(m.Organisation.name)
        .join(m.MeetingAttendance, col(m.MeetingAttendance.organisation_id) == col(m.Organisation.id))
        .where(m.MeetingAttendance.meeting_id == meeting_id)
        .order_by(col(m.Organisation.name))
    ).all()
    return tuple(str(name) for name in names)


def open_meeting(session: Session, code: str, now: datetime, *, lock: bool = False) -> m.Meeting:
    normalised = normalise_code(code)
    if not normalised or len(normalised) > CODE_LENGTH * 2:
        raise UnknownCode()
    statement = select(m.Meeting).where(m.Meeting.input_code == normalised)
    if lock:
        # Check-ins of one meeting take turns on PostgreSQL (SQLite writers always do).
        statement = statement.with_for_update()
    meeting = session.exec(statement).first()
    if meeting is None:
        raise UnknownCode()
    if not _input_open(meeting.input_code, meeting.input_closed_at, meeting.input_open_until, now):
        raise InputClosed()
    return meeting


def _events(
    session: Session, kind: str, address: str, since: datetime | None = None, meeting_id: int | None = None
) -> int:
    statement = select(func.count()).where(m.ClientEvent.kind == kind, m.ClientEvent.address == address)
    if since is not None:
        statement = statement.where(col(m.ClientEvent.at) > since)
    if meeting_id is not None:
        statement = statement.where(m.ClientEvent.meeting_id == meeting_id)
    return int(session.exec(statement).one())


def _event(session: Session, kind: str, address: str, now: datetime, meeting_id: int | None = None) -> None:
    session.add(m.ClientEvent(kind=kind, address=address, meeting_id=meeting_id, at=now))


def meeting_for_code(
    *, session: Session, code: str, now: datetime, address: str = "unknown"
) -> PublicMeeting:
    """The meeting a code opens; :class:`UnknownCode` or :class:`InputClosed` otherwise, and
    :class:`TooManyCodes`, before looking, for an address that tried too many codes that opened nothing
    (:func:`note_code_miss` counts them)."""
    misses = _events(session, "code_miss", address, since=now - CODE_MISS_WINDOW)
    if misses >= _limit("SINERGI_LIVE_CODE_MISSES_PER_ADDRESS"):
        raise TooManyCodes()
    meeting = open_meeting(session, code, now)
    assert meeting.id is not None
    return PublicMeeting(
        id=meeting.id,
        title=meeting.title,
        held_on=meeting.held_on,
        venue=meeting.venue,
        programs=_meeting_programs(session, meeting.id),
        organisations=_attending_organisations(session, meeting.id),
    )


def note_code_miss(*, session: Session, address: str, now: datetime) -> None:
    """Count a meeting code that opened nothing against the address that tried it."""
    _event(session, "code_miss", address, now)


def device_checked_in(*, session: Session, code: str, device_token: str, now: datetime) -> bool:
    """Whether ``device_token`` is a check-in to the meeting ``code`` opens (a phone that reloads
    keeps its token in its address and is not counted again)."""
    if not device_token:
        return False
    meeting = open_meeting(session, code, now)
    participant = session.exec(
        select(m.MeetingParticipant.meeting_id).where(m.MeetingParticipant.device_token == device_token)
    ).first()
    return participant is not None and participant == meeting.id


def check_in(
    *,
    session: Session,
    code: str,
    now: datetime,
    org_type: str,
    organisation_name: str,
    name: str = "",
    address: str = "unknown",
) -> str:
    """Check a participant in and return the secret their device sends its inputs with.

    The meeting's head count grows by one; an organisation named as one already known is counted
    among the meeting's attending organisations. One client address checks in at most
    ``SINERGI_LIVE_CHECKINS_PER_ADDRESS`` times per meeting, so a head count cannot grow by more
    than that from one place.
    """
    meeting = open_meeting(session, code, now, lock=True)
    assert meeting.id is not None
    if _events(session, "check_in", address, meeting_id=meeting.id) >= _limit(
        "SINERGI_LIVE_CHECKINS_PER_ADDRESS"
    ):
        raise TooManyCheckIns()
    name, organisation_name = name.strip(), organisation_name.strip()
    too_long = max(len(name), len(organisation_name)) > MAX_NAME
    if org_type not in SOURCE_TYPES or not organisation_name or too_long:
        raise InvalidCheckIn(max=MAX_NAME)
    _event(session, "check_in", address, now, meeting.id)
    organisation_id = session.exec(
        select(m.Organisation.id).where(func.lower(m.Organisation.name) == organisation_name.lower())
    ).first()
    token = secrets.token_urlsafe(32)
    session.add(
        m.MeetingParticipant(
            meeting_id=meeting.id,
            device_token=token,
            name=name,
            organisation_name=organisation_name,
            organisation_id=organisation_id,
            org_type=org_type,
            checked_in_at=now,
        )
    )
    meeting.attendee_count += 1
    session.add(meeting)
    if organisation_id is not None:
        attendance = session.get(m.MeetingAttendance, (meeting.id, organisation_id))
        if attendance is None:
            session.add(
                m.MeetingAttendance(meeting_id=meeting.id, organisation_id=organisation_id, head_count=1)
            )
        else:
            attendance.head_count += 1
            session.add(attendance)
    session.flush()
    return token


def submit_input(
    *,
    session: Session,
    code: str,
    device_token: str,
    now: datetime,
    kind: str,
    text: str,
    program_id: int | None = None,
    submission_key: str | None = None,
    address: str = "unknown",
) -> int:
    """Store a participant's input, pending moderation, and return its id.

    A form sent twice (same ``submission_key``) is stored once, and so is the same kind and text about
    the same program sent again by the device within ``RESEND_WINDOW``. Refused while the code is closed,
    for a device that has not checked in to this meeting, for text longer than ``MAX_INPUT_TEXT``,
    a program the meeting does not discuss, and when the device sent ``RATE.max_items`` inputs
    within ``RATE.window``, or the device's address ``SINERGI_LIVE_INPUTS_PER_ADDRESS`` within
    ``INPUT_WINDOW`` (:class:`TooFast`, with the seconds to wait).
    """
    meeting = open_meeting(session, code, now)
    participant = session.exec(
        select(m.MeetingParticipant).where(m.MeetingParticipant.device_token == device_token)
    ).first()
    if participant is None or participant.meeting_id != meeting.id:
        raise NotCheckedIn()
    assert participant.id is not None and meeting.id is not None
    if submission_key is not None:
        earlier = session.exec(
            select(m.FeedbackItem.id).where(
                m.FeedbackItem.submission_key == submission_key,
                m.FeedbackItem.participant_id == participant.id,
            )
        ).first()
        if earlier is not None:
            return earlier
    resent = session.exec(
        select(m.FeedbackItem.id).where(
            m.FeedbackItem.participant_id == participant.id,
            m.FeedbackItem.kind == kind,
            m.FeedbackItem.text == text.strip(),
            col(m.FeedbackItem.program_id).is_(None)
            if program_id is None
            else m.FeedbackItem.program_id == program_id,
            m.FeedbackItem.created_at > now - RESEND_WINDOW,
        )
    ).first()
    if resent is not None:
        return resent
    if len(text.strip()) > MAX_INPUT_TEXT:
        raise InvalidInput(max=MAX_INPUT_TEXT)
    if program_id is not None:
        discussed = session.exec(
            select(func.count()).where(
                m.MeetingProgram.meeting_id == meeting.id, m.MeetingProgram.program_id == program_id
            )
        ).one()
        if not discussed:
            raise InvalidInput(max=MAX_INPUT_TEXT)
    recent = session.exec(
        select(m.FeedbackItem.created_at)
        .where(m.FeedbackItem.participant_id == participant.id, m.FeedbackItem.created_at > now - RATE.window)
        .order_by(col(m.FeedbackItem.created_at))
    ).all()
    if len(recent) >= RATE.max_items:
        wait = recent[len(recent) - RATE.max_items] + RATE.window - now
        raise TooFast(seconds=max(1, int(wait.total_seconds()) + 1))
    if _events(session, "input", address, since=now - INPUT_WINDOW) >= _limit(
        "SINERGI_LIVE_INPUTS_PER_ADDRESS"
    ):
        raise TooFast(seconds=int(INPUT_WINDOW.total_seconds()))
    _event(session, "input", address, now, meeting.id)
    try:
        item = record_feedback(
            session=session,
            meeting_id=meeting.id,
            kind=kind,
            text=text,
            source_type=participant.org_type,
            speaker=participant.name,
            program_id=program_id,
        )
    except InvalidFeedback:
        raise InvalidInput(max=MAX_INPUT_TEXT) from None
    item.organisation_id = participant.organisation_id
    item.participant_id = participant.id
    item.submission_key = submission_key
    item.created_at = item.updated_at = now
    session.add(item)
    session.flush()
    assert item.id is not None
    return item.id


def inputs_sent(*, session: Session, device_token: str) -> int:
    """How many inputs the device of ``device_token`` has sent (0 for a token nobody checked in with)."""
    if not device_token:
        return 0
    return int(
        session.exec(
            select(func.count())
            .select_from(m.FeedbackItem)
            .join(m.MeetingParticipant, col(m.MeetingParticipant.id) == col(m.FeedbackItem.participant_id))
            .where(m.MeetingParticipant.device_token == device_token)
        ).one()
    )


def _item_changed(
    session: Session,
    viewer: Viewer,
    item: m.FeedbackItem,
    now: datetime,
    action: str,
    *,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """Write what the meeting's runner changed of ``item`` at ``now`` (``action``: moderate, correct,
    merge): a new version of it, with its audit row."""
    new_version(session, item, now)
    audit.record(
        session=session,
        actor=viewer,
        action=action,
        entity="feedback_item",
        entity_id=item.id,
        before=before,
        after=after,
    )


def moderate(*, session: Session, viewer: Viewer, item_ids: list[int], moderation: str, now: datetime) -> int:
    """Approve or hide feedback items of meetings the viewer runs; returns how many changed."""
    target = m.Moderation(moderation)
    changed = 0
    for item_id in item_ids:
        item = session.get(m.FeedbackItem, item_id)
        if item is None:
            continue
        meeting_to_run(session, viewer, item.meeting_id, "moderate")
        if item.moderation == target:
            continue
        before = item.moderation
        item.moderation = target
        if target is m.Moderation.APPROVED:
            item.merged_into_id = None  # a merged duplicate approved after all stands on its own again
        _item_changed(
            session,
            viewer,
            item,
            now,
            "moderate",
            before={"moderation": before},
            after={"moderation": target.value},
        )
        changed += 1
    return changed


@reads(m.Meeting, m.MeetingParticipant)
def typed_organisations(*, session: Session, viewer: Viewer, meeting_id: int) -> list[tuple[str, int]]:
    """Organisations participants typed that match no registered one: (name as typed, how many
    participants), most first."""
    meeting_to_run(session, viewer, meeting_id, "read participants")
    name = col(m.MeetingParticipant.organisation_name)
    statement = (
        select(name, func.count())
        .where(
            col(m.MeetingParticipant.meeting_id) == meeting_id,
            col(m.MeetingParticipant.organisation_id).is_(None),
            name != "",
        )
        .group_by(name)
        .order_by(func.count().desc(), name)
    )
    return [(str(typed), int(count)) for typed, count in session.exec(statement).all()]


@reads(m.Organisation)
def registered_organisations(*, session: Session, viewer: Viewer, meeting_id: int) -> dict[int, str]:
    """Every registered organisation, by name: what a typed one can be matched to."""
    meeting_to_run(session, viewer, meeting_id, "read organisations")
    statement = select(m.Organisation.id, m.Organisation.name).order_by(col(m.Organisation.name))
    return {int(org_id): str(name) for org_id, name in session.exec(statement).all() if org_id is not None}


def match_organisation(
    *, session: Session, viewer: Viewer, meeting_id: int, typed: str, organisation_id: int
) -> int:
    """Match an organisation participants typed to a registered one: they, and what they sent, count
    for it from now on (in the meeting's attendance too). Returns how many participants matched."""
    meeting = meeting_to_run(session, viewer, meeting_id, "match organisation")
    organisation = session.get(m.Organisation, organisation_id)
    if organisation is None:
        raise InvalidMatch()
    participants = session.exec(
        select(m.MeetingParticipant).where(
            m.MeetingParticipant.meeting_id == meeting_id,
            col(m.MeetingParticipant.organisation_id).is_(None),
            func.lower(m.MeetingParticipant.organisation_name) == typed.strip().lower(),
        )
    ).all()
    if not participants:
        raise InvalidMatch()
    for participant in participants:
        participant.organisation_id = organisation_id
        session.add(participant)
        for item in session.exec(
            select(m.FeedbackItem).where(m.FeedbackItem.participant_id == participant.id)
        ):
            item.organisation_id = organisation_id
            item.version += 1
            session.add(item)
    attendance = session.get(m.MeetingAttendance, (meeting_id, organisation_id))
    if attendance is None:
        session.add(
            m.MeetingAttendance(
                meeting_id=meeting_id, organisation_id=organisation_id, head_count=len(participants)
            )
        )
    else:
        attendance.head_count += len(participants)
        session.add(attendance)
    audit.record(
        session=session,
        actor=viewer,
        action="match_organisation",
        entity="meeting",
        entity_id=meeting.id,
        before={"organisation": typed},
        after={"organisation_id": organisation_id, "participants": len(participants)},
    )
    return len(participants)


def correct_item(*, session: Session, viewer: Viewer, item_id: int, text: str, now: datetime) -> None:
    """Fix a typo in an item before the room sees it; the text as sent is kept beside it."""
    item = session.get(m.FeedbackItem, item_id)
    if item is None:
        raise ItemNotFound()
    meeting_to_run(session, viewer, item.meeting_id, "correct")
    text = text.strip()
    if not text or len(text) > MAX_INPUT_TEXT:
        raise InvalidCorrection(limit=MAX_INPUT_TEXT)
    if text == item.text:
        return
    before = item.text
    item.original_text = item.original_text or item.text
    item.text = text
    _item_changed(session, viewer, item, now, "correct", before={"text": before}, after={"text": text})


def merge_items(
    *, session: Session, viewer: Viewer, keep_id: int, duplicate_ids: list[int], now: datetime
) -> int:
    """Merge duplicates into the item kept: each is hidden and counted with that one (its text and
    sender stay in the meeting's record). All must be of the same meeting; returns how many merged."""
    keep = session.get(m.FeedbackItem, keep_id)
    if keep is None:
        raise ItemNotFound()
    if keep.merged_into_id is not None:
        raise InvalidMerge()
    meeting_to_run(session, viewer, keep.meeting_id, "merge")
    merged = 0
    for item_id in dict.fromkeys(duplicate_ids):
        item = session.get(m.FeedbackItem, item_id)
        if item is None or item_id == keep_id or item.meeting_id != keep.meeting_id:
            raise InvalidMerge()
        if item.merged_into_id == keep_id:
            continue
        before = {"moderation": item.moderation, "merged_into_id": item.merged_into_id}
        item.merged_into_id = keep_id
        item.moderation = m.Moderation.HIDDEN
        _item_changed(
            session,
            viewer,
            item,
            now,
            "merge",
            before=before,
            after={"moderation": m.Moderation.HIDDEN.value, "merged_into_id": keep_id},
        )
        # What was merged into the duplicate now counts with the item kept.
        for earlier in session.exec(select(m.FeedbackItem).where(m.FeedbackItem.merged_into_id == item_id)):
            earlier.merged_into_id = keep_id
            session.add(earlier)
        merged += 1
    return merged


_ITEM_COLUMNS = [
    "id",
    "kind",
    "source_type",
    "speaker",
    "organisation",
    "program",
    "text",
    "created_at",
    "original_text",
    "duplicates",
]


def _items(
    session: Session,
    meeting_id: int,
    moderation: m.Moderation,
    *,
    newest_first: bool,
    limit: int | None = None,
) -> pd.DataFrame:
    created, item_id = col(m.FeedbackItem.created_at), col(m.FeedbackItem.id)
    duplicate = aliased(m.FeedbackItem)
    duplicates = (
        select(func.count())
        .where(col(duplicate.merged_into_id) == item_id)
        .correlate(m.FeedbackItem)
        .scalar_subquery()
    )
    statement = (
        select_columns(
            m.FeedbackItem.id,
            m.FeedbackItem.kind,
            m.FeedbackItem.source_type,
            m.FeedbackItem.speaker,
            func.coalesce(m.Organisation.name, m.MeetingParticipant.organisation_name, ""),
            func.coalesce(m.Program.name, ""),
            m.FeedbackItem.text,
            m.FeedbackItem.created_at,
            m.FeedbackItem.original_text,
            duplicates,
        )
        .select_from(m.FeedbackItem)
        .outerjoin(m.MeetingParticipant, col(m.MeetingParticipant.id) == col(m.FeedbackItem.participant_id))
        .outerjoin(m.Organisation, col(m.Organisation.id) == col(m.FeedbackItem.organisation_id))
        .outerjoin(m.Program, col(m.Program.id) == col(m.FeedbackItem.program_id))
        .where(
            col(m.FeedbackItem.meeting_id) == meeting_id, col(m.FeedbackItem.moderation) == moderation.value
        )
        .order_by(*((created.desc(), item_id.desc()) if newest_first else (created, item_id)))
        .limit(limit)
    )
    return pd.DataFrame(rows(session, statement), columns=_ITEM_COLUMNS)


@reads(m.Meeting, m.FeedbackItem, m.MeetingParticipant, m.Organisation, m.Program)
def wall_items(*, session: Session, viewer: Viewer, meeting_id: int, limit: int = WALL_LIMIT) -> pd.DataFrame:
    """The ``limit`` newest approved items of the meeting, newest first: what the wall shows."""
    meeting_to_run(session, viewer, meeting_id, "read wall")
    return _items(session, meeting_id, m.Moderation.APPROVED, newest_first=True, limit=limit)


@reads(m.Meeting, m.FeedbackItem, m.MeetingParticipant, m.Organisation, m.Program)
def pending_items(*, session: Session, viewer: Viewer, meeting_id: int) -> pd.DataFrame:
    """Items awaiting moderation, oldest first."""
    meeting_to_run(session, viewer, meeting_id, "read pending")
    return _items(session, meeting_id, m.Moderation.PENDING, newest_first=False)


@dataclass(frozen=True)
class LiveCounts:
    """The live figures of a meeting: who checked in, what came in, the approved items by kind and type."""

    checked_in: int
    attendee_count: int
    received: int
    pending: int
    approved: int
    by_kind: tuple[tuple[str, int], ...]
    by_org_type: tuple[tuple[str, int], ...]


@reads(m.Meeting, m.FeedbackItem, m.MeetingParticipant)
def live_counts(*, session: Session, viewer: Viewer, meeting_id: int) -> LiveCounts:
    meeting = meeting_to_run(session, viewer, meeting_id, "read counts")
    checked_in = session.exec(select(func.count()).where(m.MeetingParticipant.meeting_id == meeting_id)).one()
    by_moderation = dict(
        session.exec(
            select(m.FeedbackItem.moderation, func.count())
            .where(m.FeedbackItem.meeting_id == meeting_id)
            .group_by(col(m.FeedbackItem.moderation))
        ).all()
    )
    approved = (
        col(m.FeedbackItem.meeting_id) == meeting_id,
        col(m.FeedbackItem.moderation) == m.Moderation.APPROVED.value,
    )
    kinds = dict(
        session.exec(
            select(m.FeedbackItem.kind, func.count()).where(*approved).group_by(col(m.FeedbackItem.kind))
        ).all()
    )
    types = dict(
        session.exec(
            select(m.FeedbackItem.source_type, func.count())
            .where(*approved)
            .group_by(col(m.FeedbackItem.source_type))
        ).all()
    )
    return LiveCounts(
        checked_in=int(checked_in),
        attendee_count=meeting.attendee_count,
        received=sum(by_moderation.values()),
        pending=by_moderation.get(m.Moderation.PENDING.value, 0),
        approved=by_moderation.get(m.Moderation.APPROVED.value, 0),
        by_kind=tuple((kind.value, kinds.get(kind.value, 0)) for kind in m.FeedbackKind),
        by_org_type=tuple(
            (org_type.value, types[org_type.value]) for org_type in m.OrgType if types.get(org_type.value)
        ),
    )


@functools.lru_cache(maxsize=32)
def qr_png(url: str) -> bytes:
    """A QR code of ``url`` as PNG, large enough to scan from the back of a meeting room; made once
    per address (the projector's slide is redrawn every few seconds)."""
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=2)
    return buffer.getvalue()


def feedback_url(app_url: str | None, code: str) -> str:
    """The public form's address for ``code``, on the server the facilitator is using."""
    return urls.page_url(app_url, f"feedback?code={code}")

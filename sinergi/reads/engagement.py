"""Figures of the engagement page: meetings and who came, feedback and what became of it.

Every figure covers the meetings the filters select (organising company, regency, year or semester);
feedback follows its meeting. Counts are aggregated in SQL; only the per-item tables come back row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

import pandas as pd
from sqlalchemy import ColumnElement, and_, case, func, literal, or_, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

import models as m
from sinergi.core.access import Viewer, refuse
from sinergi.core.db import reads, rows
from sinergi.i18n import registry
from sinergi.i18n.formatting import long_date
from sinergi.i18n.registry import enum_key
from sinergi.i18n.texts import feedback_status_text, translate
from sinergi.reads.filters import Filters

# Statuses that show someone acted on an item: it is being worked on, done, or declined with a reason.
FOLLOWED_UP = (
    m.FeedbackStatus.IN_PROGRESS.value,
    m.FeedbackStatus.DONE.value,
    m.FeedbackStatus.DECLINED.value,
)
STILL_OPEN = (m.FeedbackStatus.OPEN.value, m.FeedbackStatus.IN_PROGRESS.value)
ACTION_FINISHED = (m.ActionStatus.DONE.value, m.ActionStatus.CANCELLED.value)
# A stakeholder should hear back within a month of the meeting: an item still open with no response
# after this many days counts as overdue even when no action was agreed for it.
RESPONSE_DAYS = 30
# Source type of a participant who names neither an organisation nor its type.
PUBLIC = "public"
ORG_TYPES = [t.value for t in m.OrgType]
# A source type is read as an organisation type, the public among them.
SOURCE_TYPE = registry.family(enum_key("org_type", "{}"), lambda: [*ORG_TYPES, PUBLIC])

FeedbackGrouping = Literal["kind", "status", "source_type"]
# The groups of each grouping, as counted per meeting in ``meeting_feedback_figure``.
FIGURE_GROUPS: dict[FeedbackGrouping, list[str]] = {
    "kind": [v.value for v in m.FeedbackKind],
    "status": [v.value for v in m.FeedbackStatus],
    "source_type": [*ORG_TYPES, PUBLIC],
}
_FIGURE_PREFIX: dict[FeedbackGrouping, str] = {"kind": "kind_", "status": "status_", "source_type": "source_"}

MEETING_COLUMNS = ["id", "held_on", "kind", "title", "organiser", "venue", "attendee_count", "organisations"]
FEEDBACK_COLUMNS = [
    "id",
    "meeting_date",
    "meeting",
    "speaker",
    "organisation",
    "source_type",
    "kind",
    "text",
    "program",
    "response",
    "status",
    "decline_reason",
    "closed_on",
    "days_open",
    "action",
    "action_owner",
    "action_status",
    "action_due",
]
OVERDUE_COLUMNS = [*FEEDBACK_COLUMNS, "reason"]
# Long tables show this many rows on the page; the rest is one CSV download away. A browser table of
# tens of thousands of rows is slow to build and to send, and nobody reads past the first screens.
SHOWN_ROWS = 200
# The columns of the feedback tables as the reader sees them, with the key of each column's heading.
FEEDBACK_HEADINGS = {
    "reason": "engagement.col.reason",
    "meeting_date": "engagement.col.meeting_date",
    "source": "engagement.col.source",
    "kind": "engagement.col.kind",
    "text": "engagement.col.text",
    "program": "engagement.col.program",
    "response": "engagement.col.response",
    "status": "engagement.col.status",
    "days_open": "engagement.col.days_open",
    "action": "engagement.col.action",
    "action_owner": "engagement.col.action_owner",
    "action_status": "engagement.col.action_status",
    "action_due": "engagement.col.action_due",
}

WideSelect = Select[*tuple[Any, ...]]
# Feedback counted per meeting, kept by every write (``sinergi.writes.feedback_figures``).
Figure = m.MeetingFeedbackFigure
Due = m.MeetingFeedbackDue
# A list of the meetings whose items a table shows is read as one list of ids up to this length.
MEETINGS_LISTED = 500


def _select(*columns: Any) -> WideSelect:
    """A SELECT of any number of columns (sqlmodel's ``select`` is typed for at most four)."""
    return Select(*columns)


def meeting_dates(filters: Filters) -> tuple[date, date] | None:
    """First and last day of the chosen semester, else of the chosen year; None when neither is set."""
    if filters.period:
        year, semester = int(filters.period[:4]), int(filters.period[-1])
        return (
            (date(year, 1, 1), date(year, 6, 30)) if semester == 1 else (date(year, 7, 1), date(year, 12, 31))
        )
    if filters.year is not None:
        return date(filters.year, 1, 1), date(filters.year, 12, 31)
    return None


def meeting_conditions(filters: Filters, viewer: Viewer) -> list[ColumnElement[bool]]:
    """Conditions on ``meeting``: the chosen organising company, regency and year or semester, within
    the meetings the viewer may see."""
    conditions: list[ColumnElement[bool]] = viewer.meeting_conditions()
    if filters.company_id is not None:
        conditions.append(col(m.Meeting.organiser_company_id) == filters.company_id)
    if filters.regency_id is not None:
        conditions.append(col(m.Meeting.regency_id) == filters.regency_id)
    dates = meeting_dates(filters)
    if dates is not None:
        conditions.append(col(m.Meeting.held_on).between(*dates))
    return conditions


def figure_column(by: FeedbackGrouping, value: str) -> str:
    """The column of ``meeting_feedback_figure`` counting a meeting's items of one group."""
    return _FIGURE_PREFIX[by] + value


def source_type_sql() -> ColumnElement[str]:
    """The type of organisation an item came from: its own, else its organisation's, else the public."""
    return func.coalesce(col(m.FeedbackItem.source_type), col(m.Organisation.org_type), literal(PUBLIC))


def _action_past_due(today: date) -> ColumnElement[bool]:
    return and_(
        col(m.FollowUpAction.due_date) < today,
        col(m.FollowUpAction.status).not_in(ACTION_FINISHED),
    )


def _unanswered(today: date) -> ColumnElement[bool]:
    return and_(
        col(m.FeedbackItem.status) == m.FeedbackStatus.OPEN.value,
        func.trim(col(m.FeedbackItem.response)) == "",
        col(m.Meeting.held_on) < today - timedelta(days=RESPONSE_DAYS),
    )


def _overdue(today: date) -> ColumnElement[bool]:
    """Still open or in progress, and either its action is past due or nobody answered in time."""
    return and_(
        col(m.FeedbackItem.status).in_(STILL_OPEN),
        or_(_action_past_due(today), _unanswered(today)),
    )


@dataclass(frozen=True)
class EngagementTiles:
    """The tiles at the top of the engagement page."""

    meetings: int
    attendees: int
    feedback_items: int
    followed_up: int
    overdue: int

    @property
    def followed_up_share(self) -> float | None:
        return self.followed_up / self.feedback_items if self.feedback_items else None


def _overdue_parts(conditions: list[ColumnElement[bool]], today: date) -> Any:
    """How many items of each meeting under ``conditions`` are overdue on ``today``, in parts to add up
    per ``meeting_id`` (``overdue``): the unanswered items of a meeting a month past, and the items
    whose action was due before ``today`` (less those counted as unanswered already)."""
    old = col(m.Meeting.held_on) < today - timedelta(days=RESPONSE_DAYS)
    unanswered = (
        _select(col(Figure.meeting_id).label("meeting_id"), col(Figure.unanswered).label("overdue"))
        .join(m.Meeting, col(m.Meeting.id) == col(Figure.meeting_id))
        .where(*conditions, old, col(Figure.unanswered) > 0)
    )
    past_due = (
        _select(
            col(Due.meeting_id).label("meeting_id"),
            (col(Due.items) - case((old, col(Due.unanswered)), else_=0)).label("overdue"),
        )
        .join(m.Meeting, col(m.Meeting.id) == col(Due.meeting_id))
        .where(*conditions, col(Due.due_date) < today)
    )
    return union_all(unanswered, past_due).subquery()


@reads(m.Meeting, m.MeetingFeedbackFigure, m.MeetingFeedbackDue)
def engagement_tiles(*, session: Session, filters: Filters, viewer: Viewer, today: date) -> EngagementTiles:
    """Meetings, people present, feedback items, how many were followed up and how many are overdue."""
    conditions = meeting_conditions(filters, viewer)
    followed = sum((col(getattr(Figure, figure_column("status", s))) for s in FOLLOWED_UP), literal(0))
    meetings, attendees, items, followed_up = session.exec(
        _select(
            func.count(),
            func.coalesce(func.sum(m.Meeting.attendee_count), 0),
            func.coalesce(func.sum(col(Figure.items)), 0),
            func.coalesce(func.sum(followed), 0),
        )
        .select_from(m.Meeting)
        .outerjoin(Figure, col(Figure.meeting_id) == col(m.Meeting.id))
        .where(*conditions)
    ).one()
    parts = _overdue_parts(conditions, today)
    overdue = session.exec(select(func.coalesce(func.sum(parts.c.overdue), 0)).select_from(parts)).one()
    return EngagementTiles(
        meetings=int(meetings),
        attendees=int(attendees),
        feedback_items=int(items),
        followed_up=int(followed_up),
        overdue=int(overdue),
    )


@reads(m.Meeting, m.MeetingAttendance, m.Organisation, m.Company)
def meeting_list(
    *, session: Session, filters: Filters, viewer: Viewer, limit: int | None = None
) -> pd.DataFrame:
    """One row per meeting (the first ``limit`` when given), latest first, with the people each
    organisation type sent.

    Columns: ``MEETING_COLUMNS`` and one head-count column per organisation type (``ORG_TYPES``).
    ``attendee_count`` counts everyone present; the organisation-type columns only those listed.
    """
    conditions = meeting_conditions(filters, viewer)
    latest_first = (col(m.Meeting.held_on).desc(), col(m.Meeting.id))
    if limit is not None:
        # The attendance of the meetings listed only.
        listed = select(col(m.Meeting.id)).where(*conditions).order_by(*latest_first).limit(limit).subquery()
        conditions = [col(m.Meeting.id).in_(select(listed.c.id))]
    per_type = [
        func.coalesce(
            func.sum(
                case((col(m.Organisation.org_type) == org_type, col(m.MeetingAttendance.head_count)), else_=0)
            ),
            0,
        ).label(org_type)
        for org_type in ORG_TYPES
    ]
    attendance = (
        select(
            col(m.MeetingAttendance.meeting_id).label("meeting_id"),
            func.count().label("organisations"),
            *per_type,
        )
        .join(m.Organisation, col(m.Organisation.id) == col(m.MeetingAttendance.organisation_id))
        .join(m.Meeting, col(m.Meeting.id) == col(m.MeetingAttendance.meeting_id))
        .where(*conditions)
        .group_by(col(m.MeetingAttendance.meeting_id))
        .subquery()
    )
    organiser = aliased(m.Organisation)
    statement = (
        _select(
            col(m.Meeting.id),
            col(m.Meeting.held_on),
            col(m.Meeting.kind),
            col(m.Meeting.title),
            func.coalesce(col(m.Company.name), col(organiser.name), literal("")),
            col(m.Meeting.venue),
            col(m.Meeting.attendee_count),
            func.coalesce(attendance.c.organisations, 0),
            *(func.coalesce(attendance.c[org_type], 0) for org_type in ORG_TYPES),
        )
        .outerjoin(m.Company, col(m.Company.id) == col(m.Meeting.organiser_company_id))
        .outerjoin(organiser, col(organiser.id) == col(m.Meeting.organiser_organisation_id))
        .outerjoin(attendance, attendance.c.meeting_id == col(m.Meeting.id))
        .where(*conditions)
        .order_by(*latest_first)
    )
    frame = pd.DataFrame(session.exec(statement).all(), columns=[*MEETING_COLUMNS, *ORG_TYPES])
    return frame.astype({column: int for column in ["attendee_count", "organisations", *ORG_TYPES]})


@reads(m.Meeting, m.MeetingAttendance, m.Organisation)
def attendance_by_org_type(*, session: Session, filters: Filters, viewer: Viewer) -> pd.DataFrame:
    """People present by the type of organisation they came for, most first.

    Columns: ``org_type``, ``organisations`` (distinct organisations), ``head_count``.
    """
    # Per organisation first, then per type: a province's attendance rows are added up once, and
    # only its organisations are joined to their types.
    conditions = meeting_conditions(filters, viewer)
    per_organisation = _select(
        col(m.MeetingAttendance.organisation_id).label("organisation_id"),
        func.sum(col(m.MeetingAttendance.head_count)).label("head_count"),
    ).select_from(m.MeetingAttendance)
    if conditions:
        per_organisation = per_organisation.join(
            m.Meeting, col(m.Meeting.id) == col(m.MeetingAttendance.meeting_id)
        ).where(*conditions)
    attended = per_organisation.group_by(col(m.MeetingAttendance.organisation_id)).subquery()
    statement = (
        select(col(m.Organisation.org_type), func.count(), func.sum(attended.c.head_count))
        .select_from(attended)
        .join(m.Organisation, col(m.Organisation.id) == attended.c.organisation_id)
        .group_by(col(m.Organisation.org_type))
    )
    frame = pd.DataFrame(session.exec(statement).all(), columns=["org_type", "organisations", "head_count"])
    frame = frame.astype({"organisations": int, "head_count": int})
    return frame.sort_values(["head_count", "org_type"], ascending=[False, True], ignore_index=True)


@reads(m.Meeting, m.MeetingFeedbackFigure)
def feedback_counts(
    *, session: Session, filters: Filters, viewer: Viewer, by: FeedbackGrouping
) -> pd.DataFrame:
    """Feedback items counted by kind, by status or by the type of organisation that spoke.

    Columns: ``group`` and ``items``. Kinds and statuses come in their natural order, every one of
    them listed even at zero; source types only where there is feedback, most first, a participant
    without an organisation counted as ``public``.
    """
    groups = FIGURE_GROUPS[by]
    totals = session.exec(
        _select(*(func.coalesce(func.sum(getattr(Figure, figure_column(by, g))), 0) for g in groups))
        .select_from(Figure)
        .join(m.Meeting, col(m.Meeting.id) == col(Figure.meeting_id))
        .where(*meeting_conditions(filters, viewer))
    ).one()
    counted = {group: int(items) for group, items in zip(groups, totals, strict=True)}
    if by == "source_type":
        frame = pd.DataFrame([(g, n) for g, n in counted.items() if n], columns=["group", "items"])
        return frame.astype({"items": int}).sort_values(
            ["items", "group"], ascending=[False, True], ignore_index=True
        )
    return pd.DataFrame({"group": groups, "items": [counted[group] for group in groups]})


def _feedback_rows(filters: Filters, viewer: Viewer, today: date) -> WideSelect:
    """Every feedback item of the selected meetings with its meeting, source, program and action."""
    return (
        _select(
            col(m.FeedbackItem.id).label("id"),
            col(m.Meeting.held_on).label("meeting_date"),
            col(m.Meeting.title).label("meeting"),
            col(m.FeedbackItem.speaker).label("speaker"),
            # A participant's organisation as typed on the phone, until it is matched to a registered one.
            func.coalesce(
                col(m.Organisation.name), col(m.MeetingParticipant.organisation_name), literal("")
            ).label("organisation"),
            source_type_sql().label("source_type"),
            col(m.FeedbackItem.kind).label("kind"),
            col(m.FeedbackItem.text).label("text"),
            func.coalesce(col(m.Program.name), literal("")).label("program"),
            col(m.FeedbackItem.response).label("response"),
            col(m.FeedbackItem.status).label("status"),
            col(m.FeedbackItem.decline_reason).label("decline_reason"),
            col(m.FeedbackItem.closed_at).label("closed_at"),
            func.coalesce(col(m.FollowUpAction.description), literal("")).label("action"),
            func.coalesce(col(m.FollowUpAction.owner), literal("")).label("action_owner"),
            col(m.FollowUpAction.status).label("action_status"),
            col(m.FollowUpAction.due_date).label("action_due"),
            case((_action_past_due(today), literal("action_past_due")), else_=literal("no_response")).label(
                "reason"
            ),
        )
        .select_from(m.FeedbackItem)
        .join(m.Meeting, col(m.Meeting.id) == col(m.FeedbackItem.meeting_id))
        .outerjoin(m.Organisation, col(m.Organisation.id) == col(m.FeedbackItem.organisation_id))
        .outerjoin(m.MeetingParticipant, col(m.MeetingParticipant.id) == col(m.FeedbackItem.participant_id))
        .outerjoin(m.Program, col(m.Program.id) == col(m.FeedbackItem.program_id))
        .outerjoin(m.FollowUpAction, col(m.FollowUpAction.id) == col(m.FeedbackItem.follow_up_id))
        .where(*meeting_conditions(filters, viewer))
    )


def _utc_day(moment: datetime | None) -> date | None:
    return moment.astimezone(UTC).date() if moment is not None else None


def days_open(meeting_date: date, closed_at: datetime | None, today: date) -> int:
    """Days from the meeting to the day the item was closed, or to ``today`` while it is not."""
    end = _utc_day(closed_at) or today
    return max((end - meeting_date).days, 0)


def _feedback_frame(session: Session, statement: WideSelect, today: date, columns: list[str]) -> pd.DataFrame:
    fields = list(statement.selected_columns.keys())
    # Plain rows into one frame: tens of thousands of items, so no ORM rows and no dict per item.
    found = rows(session, statement)
    held, closed = fields.index("meeting_date"), fields.index("closed_at")
    frame = pd.DataFrame(found, columns=fields)
    frame["closed_on"] = pd.Series([_utc_day(row[closed]) for row in found], dtype=object)
    frame["days_open"] = pd.Series([days_open(row[held], row[closed], today) for row in found], dtype=int)
    return frame[columns]


def _first_rows(session: Session, statement: WideSelect, per_meeting: WideSelect, limit: int) -> WideSelect:
    """``statement`` (over feedback items) limited to its first ``limit`` rows, read only from the
    meetings that hold them (when they are not more than a list of ids should hold)."""
    meetings = _first_meetings(session, per_meeting, limit)
    if meetings is not None:
        statement = statement.where(col(m.FeedbackItem.meeting_id).in_(meetings))
    return statement.limit(limit)


def _first_meetings(session: Session, per_meeting: WideSelect, limit: int) -> list[int] | None:
    """The meetings whose items the first ``limit`` items are among: ``per_meeting`` gives (meeting,
    day, items) in the items' order by day, and every meeting of the last day taken is taken (items of
    one day are ordered by id across its meetings). None when that is more meetings than a list of ids
    should hold: the items are read without one then."""
    taken: list[int] = []
    counted, last_day = 0, None
    found = session.connection().execute(per_meeting)
    try:
        for meeting_id, day, items in found:
            if counted >= limit and day != last_day:
                break
            taken.append(meeting_id)
            counted, last_day = counted + int(items), day
            if len(taken) > MEETINGS_LISTED:
                return None
    finally:
        found.close()
    return taken


# What a list of feedback items reads: the items with their meeting, source, program and action, and
# the per-meeting figures that say which meetings hold its first rows.
FEEDBACK_TABLES = (
    m.Meeting,
    m.FeedbackItem,
    m.Organisation,
    m.MeetingParticipant,
    m.Program,
    m.FollowUpAction,
    m.MeetingFeedbackFigure,
)


@reads(*FEEDBACK_TABLES)
def feedback_log(
    *, session: Session, filters: Filters, viewer: Viewer, today: date, limit: int | None = None
) -> pd.DataFrame:
    """ "You said, we did": every feedback item (the first ``limit`` when given) with its response,
    status, days open and linked action, latest meeting first. Columns: ``FEEDBACK_COLUMNS``.
    """
    conditions = meeting_conditions(filters, viewer)
    statement = _feedback_rows(filters, viewer, today).order_by(
        col(m.Meeting.held_on).desc(), col(m.FeedbackItem.id)
    )
    if limit is not None:
        # Only the items of the latest meetings: which ones, their figures tell.
        statement = _first_rows(
            session,
            statement,
            _select(col(m.Meeting.id), col(m.Meeting.held_on), col(Figure.items))
            .select_from(Figure)
            .join(m.Meeting, col(m.Meeting.id) == col(Figure.meeting_id))
            .where(*conditions)
            .order_by(col(m.Meeting.held_on).desc(), col(m.Meeting.id)),
            limit,
        )
    return _feedback_frame(session, statement, today, FEEDBACK_COLUMNS)


@reads(*FEEDBACK_TABLES, m.MeetingFeedbackDue)
def overdue_feedback(
    *, session: Session, filters: Filters, viewer: Viewer, today: date, limit: int | None = None
) -> pd.DataFrame:
    """Items still open or in progress whose action is past due, or that nobody answered within
    ``RESPONSE_DAYS`` of the meeting; longest waiting first (the first ``limit`` when given).

    Columns: ``OVERDUE_COLUMNS``; ``reason`` is ``action_past_due`` or ``no_response``.
    """
    statement = (
        _feedback_rows(filters, viewer, today)
        .where(_overdue(today))
        .order_by(col(m.Meeting.held_on), col(m.FeedbackItem.id))
    )
    if limit is not None:
        # Only the items of the earliest meetings with overdue ones: which, their figures tell.
        parts = _overdue_parts(meeting_conditions(filters, viewer), today)
        overdue = func.sum(parts.c.overdue)
        statement = _first_rows(
            session,
            statement,
            _select(col(m.Meeting.id), col(m.Meeting.held_on), overdue)
            .select_from(parts)
            .join(m.Meeting, col(m.Meeting.id) == parts.c.meeting_id)
            .group_by(col(m.Meeting.id), col(m.Meeting.held_on))
            .having(overdue > 0)
            .order_by(col(m.Meeting.held_on), col(m.Meeting.id)),
            limit,
        )
    return _feedback_frame(session, statement, today, OVERDUE_COLUMNS)


def _formatted(values: pd.Series, format_one: Any) -> pd.Series:
    """``values`` with each distinct value formatted once: a log repeats few dates, kinds and statuses
    over tens of thousands of rows."""
    distinct = {value: format_one(value) for value in values.drop_duplicates()}
    return values.map(distinct).astype(object)


def _day_text(language: str) -> Any:
    return lambda day: long_date(day, language) if isinstance(day, date) else ""


def _label_text(kind: str, language: str) -> Any:
    return lambda value: translate(enum_key(kind, value), language) if isinstance(value, str) else ""


def _who(speaker: str | None, organisation: str, source_type: str, language: str) -> str:
    """The speaker and the organisation they spoke for, or the participant's type."""
    parts = [part for part in (speaker, organisation) if part]
    if len(parts) == 2 and parts[0] != parts[1]:
        return f"{parts[0]} ({parts[1]})"
    return parts[0] if parts else translate(SOURCE_TYPE.key(source_type), language)


def feedback_view(frame: pd.DataFrame, *, language: str) -> pd.DataFrame:
    """Feedback items (``feedback_log`` or ``overdue_feedback`` rows) as the reader sees them: who, what,
    the answer and the action behind it, in ``language``. Columns: those of ``FEEDBACK_HEADINGS`` that
    apply (``reason`` only for overdue items).
    """
    shown = pd.DataFrame(
        {
            "meeting_date": _formatted(frame["meeting_date"], _day_text(language)),
            "source": [
                _who(speaker, organisation, source_type, language)
                for speaker, organisation, source_type in zip(
                    frame["speaker"], frame["organisation"], frame["source_type"], strict=True
                )
            ],
            "kind": _formatted(frame["kind"], _label_text("feedback_kind", language)),
            "text": frame["text"],
            "program": frame["program"],
            "response": frame["response"].fillna(""),
            "status": [
                feedback_status_text(status, reason, language)
                for status, reason in zip(frame["status"], frame["decline_reason"], strict=True)
            ],
            "days_open": frame["days_open"],
            "action": frame["action"],
            "action_owner": frame["action_owner"],
            "action_status": _formatted(frame["action_status"], _label_text("action_status", language)),
            "action_due": _formatted(frame["action_due"], _day_text(language)),
        },
        index=frame.index,
    )
    if "reason" in frame:
        reasons = {
            "action_past_due": translate("engagement.reason.action_past_due", language),
            "no_response": translate("engagement.reason.no_response", language, days=RESPONSE_DAYS),
        }
        shown.insert(0, "reason", frame["reason"].map(reasons))
    return shown.reset_index(drop=True)


def feedback_download(frame: pd.DataFrame, *, language: str) -> pd.DataFrame:
    """``feedback_view`` with the headings the reader sees on screen, for a CSV download."""
    shown = feedback_view(frame, language=language)
    return shown.rename(columns={name: translate(key, language) for name, key in FEEDBACK_HEADINGS.items()})


@dataclass(frozen=True)
class MeetingSummary:
    """What a meeting came to, to send to its participants: who came, what they said and what became
    of it, and the follow-up actions it led to."""

    title: str
    kind: str
    held_on: date
    venue: str
    attendee_count: int
    checked_in: int
    # Columns: org_type, organisations, head_count (registered organisations and phones not matched to one).
    attendance: pd.DataFrame
    # Columns: kind, status, items: every input not hidden, by kind and status.
    inputs: pd.DataFrame
    # Columns: kind, text, organisation, status, response, decline_reason.
    items: pd.DataFrame
    # Columns: action, owner, due_date, status: the actions its input led to.
    actions: pd.DataFrame


@reads(m.Meeting, m.MeetingAttendance, m.MeetingParticipant, m.Organisation, m.FeedbackItem, m.FollowUpAction)
def meeting_summary(*, session: Session, viewer: Viewer, meeting_id: int) -> MeetingSummary:
    """The summary of a meeting the viewer may read; refused (and logged) for any other."""
    meeting = session.exec(
        select(m.Meeting).where(col(m.Meeting.id) == meeting_id, *viewer.meeting_conditions())
    ).first()
    if meeting is None:
        refuse(viewer=viewer, entity="meeting", entity_id=meeting_id, detail="read summary")
    registered = session.exec(
        select(m.Organisation.org_type, func.count(), func.sum(m.MeetingAttendance.head_count))
        .join(m.MeetingAttendance, col(m.MeetingAttendance.organisation_id) == col(m.Organisation.id))
        .where(m.MeetingAttendance.meeting_id == meeting_id)
        .group_by(col(m.Organisation.org_type))
    ).all()
    unmatched = session.exec(
        select(
            m.MeetingParticipant.org_type,
            func.count(func.distinct(m.MeetingParticipant.organisation_name)),
            func.count(),
        )
        .where(
            m.MeetingParticipant.meeting_id == meeting_id, col(m.MeetingParticipant.organisation_id).is_(None)
        )
        .group_by(col(m.MeetingParticipant.org_type))
    ).all()
    by_type: dict[str, list[int]] = {}
    for org_type, organisations, heads in [*registered, *unmatched]:
        counts = by_type.setdefault(str(org_type), [0, 0])
        counts[0] += int(organisations)
        counts[1] += int(heads or 0)
    attendance = pd.DataFrame(
        [(org_type, organisations, heads) for org_type, (organisations, heads) in by_type.items()],
        columns=["org_type", "organisations", "head_count"],
    ).sort_values("head_count", ascending=False, ignore_index=True)
    shown = (
        col(m.FeedbackItem.meeting_id) == meeting_id,
        col(m.FeedbackItem.moderation) != m.Moderation.HIDDEN.value,
    )
    inputs = pd.DataFrame(
        session.exec(
            select(m.FeedbackItem.kind, m.FeedbackItem.status, func.count())
            .where(*shown)
            .group_by(col(m.FeedbackItem.kind), col(m.FeedbackItem.status))
            .order_by(col(m.FeedbackItem.kind), col(m.FeedbackItem.status))
        ).all(),
        columns=["kind", "status", "items"],
    )
    items = pd.DataFrame(
        rows(
            session,
            _select(
                m.FeedbackItem.kind,
                m.FeedbackItem.text,
                func.coalesce(m.Organisation.name, m.MeetingParticipant.organisation_name, ""),
                m.FeedbackItem.status,
                m.FeedbackItem.response,
                m.FeedbackItem.decline_reason,
            )
            .select_from(m.FeedbackItem)
            .outerjoin(m.Organisation, col(m.Organisation.id) == col(m.FeedbackItem.organisation_id))
            .outerjoin(
                m.MeetingParticipant, col(m.MeetingParticipant.id) == col(m.FeedbackItem.participant_id)
            )
            .where(*shown)
            .order_by(col(m.FeedbackItem.kind), col(m.FeedbackItem.id)),
        ),
        columns=["kind", "text", "organisation", "status", "response", "decline_reason"],
    )
    actions = pd.DataFrame(
        rows(
            session,
            _select(
                m.FollowUpAction.description,
                m.FollowUpAction.owner,
                m.FollowUpAction.due_date,
                m.FollowUpAction.status,
            )
            .select_from(m.FollowUpAction)
            .join(m.FeedbackItem, col(m.FeedbackItem.follow_up_id) == col(m.FollowUpAction.id))
            .where(*shown)
            .distinct()
            .order_by(col(m.FollowUpAction.due_date), col(m.FollowUpAction.description)),
        ),
        columns=["action", "owner", "due_date", "status"],
    )
    checked_in = session.exec(select(func.count()).where(m.MeetingParticipant.meeting_id == meeting_id)).one()
    return MeetingSummary(
        title=meeting.title,
        kind=meeting.kind,
        held_on=meeting.held_on,
        venue=meeting.venue,
        attendee_count=meeting.attendee_count,
        checked_in=int(checked_in),
        attendance=attendance,
        inputs=inputs,
        items=items,
        actions=actions,
    )

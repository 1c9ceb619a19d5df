"""Meetings, their attendance, stakeholder feedback, evaluations and follow-up actions."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from models.base import (
    PEOPLE,
    ActionStatus,
    FeedbackKind,
    FeedbackStatus,
    MeetingKind,
    Moderation,
    OrgType,
    check_bounds,
    check_in,
    check_non_negative,
    utcnow,
)


class Meeting(SQLModel, table=True):
    """An FGD, monev, rakor, semester evaluation or socialisation."""

    __tablename__ = "meeting"
    __bounds__ = {"attendee_count": PEOPLE}
    __table_args__ = (
        check_in("kind", MeetingKind),
        *check_non_negative("attendee_count"),
        *check_bounds(__bounds__),
        Index("ix_meeting_held_on", "held_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30)
    title: str = Field(max_length=300)
    held_on: date
    venue: str = Field(default="", max_length=200)
    organiser_company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    organiser_organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    regency_id: int | None = Field(default=None, foreign_key="regency.id", index=True)
    purpose: str = Field(default="")
    # Head count of everyone present, also those not listed by organisation.
    attendee_count: int = 0
    # Live mode: the code participants type or scan to send input, while input is open.
    input_code: str | None = Field(default=None, max_length=16, unique=True)
    input_opened_at: datetime | None = None
    # When the meeting ends: the code stops working then, if the facilitator has not closed it.
    input_open_until: datetime | None = None
    input_closed_at: datetime | None = None
    # The slide the facilitator's console shows the room, and since when: every audience view follows it.
    live_slide: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    live_slide_at: datetime | None = None


class MeetingAttendance(SQLModel, table=True):
    """An organisation present at a meeting, and how many of its people came."""

    __tablename__ = "meeting_attendance"
    __bounds__ = {"head_count": PEOPLE}
    __table_args__ = (*check_non_negative("head_count"), *check_bounds(__bounds__))

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True, index=True)
    head_count: int = 1


class MeetingParticipant(SQLModel, table=True):
    """Someone who checked in to a meeting from their own phone, without an account."""

    __tablename__ = "meeting_participant"
    __table_args__ = (check_in("org_type", OrgType),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    # A secret of the participant's browser session: their later inputs are theirs.
    device_token: str = Field(max_length=64, unique=True)
    name: str = Field(default="", max_length=200)
    organisation_name: str = Field(default="", max_length=200)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    org_type: str = Field(max_length=30)
    checked_in_at: datetime = Field(default_factory=utcnow)


class MeetingProgram(SQLModel, table=True):
    """A program discussed at a meeting."""

    __tablename__ = "meeting_program"

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    program_id: int = Field(foreign_key="program.id", primary_key=True, index=True)


class Evaluation(SQLModel, table=True):
    """A monev or semester evaluation session of one company's programs for one period."""

    __tablename__ = "evaluation"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    title: str = Field(max_length=300)
    held_on: date
    notes: str = Field(default="")


class EvaluationProgram(SQLModel, table=True):
    """A program covered by an evaluation."""

    __tablename__ = "evaluation_program"

    evaluation_id: int = Field(foreign_key="evaluation.id", primary_key=True)
    program_id: int = Field(foreign_key="program.id", primary_key=True, index=True)


class FollowUpAction(SQLModel, table=True):
    """An action agreed to close a gap or answer a feedback item."""

    __tablename__ = "follow_up_action"
    __table_args__ = (
        check_in("status", ActionStatus),
        Index("ix_follow_up_action_status_due", "status", "due_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    evaluation_id: int | None = Field(default=None, foreign_key="evaluation.id", index=True)
    indicator_id: int | None = Field(default=None, foreign_key="indicator.id")
    description: str
    owner: str = Field(default="", max_length=200)
    due_date: date | None = None
    status: str = Field(default=ActionStatus.OPEN, max_length=20)
    completed_on: date | None = None
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


class FeedbackItem(SQLModel, table=True):
    """An expectation, suggestion, concern, offer or appreciation voiced by a stakeholder."""

    __tablename__ = "feedback_item"
    __table_args__ = (
        check_in("kind", FeedbackKind),
        check_in("status", FeedbackStatus),
        check_in("moderation", Moderation),
        check_in("source_type", OrgType, nullable=True),
        CheckConstraint("status <> 'declined' OR decline_reason <> ''", name="declined_has_reason"),
        CheckConstraint("length(text) > 0", name="text_not_empty"),
        Index("ix_feedback_item_meeting_status", "meeting_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id")
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    # The speaker's organisation type; also set for a public participant who names no organisation.
    source_type: str | None = Field(default=None, max_length=30)
    speaker: str = Field(default="", max_length=200)
    program_id: int | None = Field(default=None, foreign_key="program.id", index=True)
    kind: str = Field(max_length=30)
    text: str
    response: str = Field(default="")
    status: str = Field(default=FeedbackStatus.OPEN, max_length=20)
    decline_reason: str = Field(default="")
    follow_up_id: int | None = Field(default=None, foreign_key="follow_up_action.id", index=True)
    # Sent from a phone in live mode: who sent it, and the form submission it came from (sent once).
    participant_id: int | None = Field(default=None, foreign_key="meeting_participant.id", index=True)
    submission_key: str | None = Field(default=None, max_length=64, unique=True)
    moderation: str = Field(default=Moderation.PENDING, max_length=20)
    # A typo the facilitator fixed before the room saw it: the text as it was sent ("" when unchanged).
    original_text: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # A duplicate of another item of the meeting, hidden and counted with that one.
    merged_into_id: int | None = Field(default=None, foreign_key="feedback_item.id")
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


class MeetingFeedbackFigure(SQLModel, table=True):
    """What a meeting's feedback adds up to: its items by kind, by status and by the type of
    organisation that spoke (``public`` for a participant who names neither), kept by every write of
    the rows it comes from (feedback items, organisations' types) in that write's own transaction, so
    the engagement page reads a row per meeting instead of every item. A meeting without feedback has
    no row. Derived data: ``manage.py rebuild-summaries`` makes it again from the source rows.
    """

    __tablename__ = "meeting_feedback_figure"

    meeting_id: int = Field(primary_key=True)
    items: int = 0
    kind_expectation: int = 0
    kind_suggestion: int = 0
    kind_concern: int = 0
    kind_collaboration_offer: int = 0
    kind_appreciation: int = 0
    status_open: int = 0
    status_in_progress: int = 0
    status_done: int = 0
    status_declined: int = 0
    source_government_agency: int = 0
    source_village_government: int = 0
    source_community_group: int = 0
    source_implementing_partner: int = 0
    source_state_owned: int = 0
    source_private_company: int = 0
    source_academia: int = 0
    source_media: int = 0
    source_community_leader: int = 0
    source_public: int = 0
    # Open with no response yet: overdue once the meeting is more than a month past.
    unanswered: int = 0


class MeetingFeedbackDue(SQLModel, table=True):
    """A meeting's items still open or in progress whose follow-up action is unfinished, by the
    action's due date: overdue from the day after it. ``unanswered`` counts those of them also open
    with no response (overdue anyway once the meeting is a month past, so counted once). Kept like
    :class:`MeetingFeedbackFigure`, also by every write of an action's status or due date.
    """

    __tablename__ = "meeting_feedback_due"

    meeting_id: int = Field(primary_key=True)
    due_date: date = Field(primary_key=True)
    items: int = 0
    unanswered: int = 0

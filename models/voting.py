"""Live prioritising at a meeting: a vote on its approved input (or on a list of options), with a number
of dots each phone spreads over the options."""

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class Vote(SQLModel, table=True):
    """A vote the facilitator opened at a meeting; it is over once closed."""

    __tablename__ = "vote"
    __table_args__ = (CheckConstraint("dots BETWEEN 1 AND 10", name="dots_in_range"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    question: str = Field(max_length=300)
    # How many dots each phone spreads over the options.
    dots: int = 3
    opened_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class VoteOption(SQLModel, table=True):
    """One thing to vote for: an approved input of the meeting, or a line of a list."""

    __tablename__ = "vote_option"

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="vote.id", index=True)
    position: int
    label: str = Field(max_length=500)
    feedback_item_id: int | None = Field(default=None, foreign_key="feedback_item.id")
    # The follow-up action a top option became, once it did.
    follow_up_id: int | None = Field(default=None, foreign_key="follow_up_action.id")


class VoteDot(SQLModel, table=True):
    """The dots one phone put on one option (a phone may move its dots until the vote closes)."""

    __tablename__ = "vote_dot"
    __table_args__ = (
        UniqueConstraint("option_id", "participant_id"),
        CheckConstraint("dots > 0", name="dots_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="vote.id", index=True)
    option_id: int = Field(foreign_key="vote_option.id", index=True)
    participant_id: int = Field(foreign_key="meeting_participant.id", index=True)
    dots: int

"""Notices: what a user is told of in the app's inbox (and by e-mail), one row per recipient."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.base import NoticeKind, check_in, utcnow


class Notice(SQLModel, table=True):
    """Something that happened or is due, addressed to one user: read and marked by that user alone.

    Only the kind and what it is about are stored (``entity``, ``entity_id`` and ``params``, a JSON
    object of ids, dates and counts); the text is made in the reader's language when it is shown.
    ``key`` is set for notices found from dates (an action due, a feedback item waiting): finding them
    again makes nothing new, whoever finds them and however often.
    """

    __tablename__ = "notice"
    __table_args__ = (
        check_in("kind", NoticeKind),
        Index("ix_notice_user_id_read_at", "user_id", "read_at"),
        Index("ix_notice_mailed_at", "mailed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id")
    kind: str = Field(max_length=30)
    # What the notice is about: "program", "follow_up_action" or "feedback_item", and its id.
    entity: str = Field(max_length=40)
    entity_id: int
    params: str = Field(default="{}", max_length=2000)
    key: str | None = Field(default=None, max_length=120, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None
    mailed_at: datetime | None = None

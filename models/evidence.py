"""Evidence documents: files (PDF, JPEG, PNG) attached to a result or to a compliance record."""

from datetime import datetime

from sqlalchemy import CheckConstraint, LargeBinary
from sqlmodel import Field, SQLModel

from models.base import utcnow


class EvidenceFile(SQLModel, table=True):
    """One file kept in the database (so every app server reads it), on exactly one result or one
    compliance record; its type is what its content is, whatever its name says."""

    __tablename__ = "evidence_file"
    __table_args__ = (
        CheckConstraint("(result_id IS NULL) <> (compliance_record_id IS NULL)", name="one_owner"),
        CheckConstraint(
            "content_type IN ('application/pdf', 'image/jpeg', 'image/png')", name="content_type_valid"
        ),
        CheckConstraint("size > 0", name="size_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    result_id: int | None = Field(default=None, foreign_key="result.id", index=True)
    compliance_record_id: int | None = Field(default=None, foreign_key="compliance_record.id", index=True)
    # As the person's computer named it: shown as text, never used as a path.
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=40)
    size: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_type=LargeBinary)
    added_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    added_at: datetime = Field(default_factory=utcnow)

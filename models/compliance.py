"""A regency's coordination framework, its ordered points, and each company's compliance."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import ComplianceStatus, PointRule, check_in, utcnow


class Framework(SQLModel, table=True):
    """Coordination points a regency issued at a meeting for a plan year."""

    __tablename__ = "framework"
    __table_args__ = (UniqueConstraint("regency_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    regency_id: int = Field(foreign_key="regency.id", index=True)
    name: str = Field(max_length=200)
    plan_year: int
    issued_on: date
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")


class FrameworkPoint(SQLModel, table=True):
    """One numbered point of a framework and how it is judged."""

    __tablename__ = "framework_point"
    __table_args__ = (
        UniqueConstraint("framework_id", "number"),
        check_in("rule", PointRule),
        CheckConstraint("rule_min IS NULL OR rule_min >= 1", name="rule_min_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    framework_id: int = Field(foreign_key="framework.id", index=True)
    number: int
    title: str = Field(max_length=200)
    text: str
    deadline: date | None = None
    evidence_needed: str = Field(default="")
    rule: str = Field(default=PointRule.MANUAL, max_length=30)
    # For min_poverty_programs: how many poverty-alleviation programs the plan year needs.
    rule_min: int | None = None


class FrameworkParticipation(SQLModel, table=True):
    """Whether a company takes part in a framework, or declined and sent its reasons."""

    __tablename__ = "framework_participation"

    framework_id: int = Field(foreign_key="framework.id", primary_key=True)
    company_id: int = Field(foreign_key="company.id", primary_key=True, index=True)
    declined: bool = False
    decline_reason: str = Field(default="")
    decline_letter_on: date | None = None


class ComplianceRecord(SQLModel, table=True):
    """A company's evidence for one point, and a verified status where someone judged it by hand."""

    __tablename__ = "compliance_record"
    __table_args__ = (
        UniqueConstraint("company_id", "point_id"),
        check_in("manual_status", ComplianceStatus, nullable=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    point_id: int = Field(foreign_key="framework_point.id", index=True)
    evidence: str = Field(default="")
    document_date: date | None = None
    # A status set by hand overrides what the rule derives from the data.
    manual_status: str | None = Field(default=None, max_length=20)
    note: str = Field(default="")
    verified_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    verified_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)

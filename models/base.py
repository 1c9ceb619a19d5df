"""Shared pieces of the table definitions: enumerations, naming convention, check helpers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlmodel import SQLModel

# Stable constraint names make Alembic migrations identical on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time in UTC; SQLModel stores aware times and reads them back in UTC."""
    return datetime.now(UTC)


def check_in(column: str, enum: type[StrEnum], *, nullable: bool = False) -> CheckConstraint:
    """A CHECK constraint that keeps ``column`` inside the values of ``enum``."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    condition = f"{column} IN ({values})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=f"{column}_valid")


@dataclass(frozen=True)
class Bounds:
    """The range a stored number lies in: finite, and no larger than any real figure could be.

    Declared once per column on its table (``__bounds__``): the write commands check typed values
    against it, and a CHECK constraint keeps the database to it whatever writes.
    """

    low: float
    high: float


# Targets, actuals and baselines: any unit, from rupiah of income to tonnes, either sign.
INDICATOR_VALUE = Bounds(-1e12, 1e12)
# Budgets in rupiah: up to a thousand trillion.
RUPIAH = Bounds(0, 1e15)
# People, families and head counts.
PEOPLE = Bounds(0, 1e8)


def bounds_of(model: type) -> Mapping[str, Bounds]:
    """The bounds a table declares for its numeric columns; none for a table without numbers."""
    bounds: Mapping[str, Bounds] = getattr(model, "__bounds__", {})
    return bounds


def check_bounds(bounds: Mapping[str, Bounds]) -> list[CheckConstraint]:
    """CHECK constraints that keep each column within its bounds (NaN and infinity fall outside)."""
    return [
        CheckConstraint(
            f"{column} IS NULL OR ({column} >= {limits.low:.0f} AND {column} <= {limits.high:.0f})",
            name=f"{column}_in_range",
        )
        for column, limits in bounds.items()
    ]


def check_non_negative(*columns: str) -> list[CheckConstraint]:
    """CHECK constraints that refuse negative amounts and counts."""
    return [
        CheckConstraint(f"{column} IS NULL OR {column} >= 0", name=f"{column}_non_negative")
        for column in columns
    ]


class RegencyKind(StrEnum):
    KABUPATEN = "kabupaten"
    KOTA = "kota"


class VillageKind(StrEnum):
    DESA = "desa"
    KELURAHAN = "kelurahan"


class Sector(StrEnum):
    OIL_GAS = "oil_gas"
    COAL_MINING = "coal_mining"
    PLANTATION = "plantation"
    OTHER = "other"


class OrgType(StrEnum):
    GOVERNMENT_AGENCY = "government_agency"
    VILLAGE_GOVERNMENT = "village_government"
    COMMUNITY_GROUP = "community_group"
    IMPLEMENTING_PARTNER = "implementing_partner"
    STATE_OWNED = "state_owned"
    PRIVATE_COMPANY = "private_company"
    ACADEMIA = "academia"
    MEDIA = "media"
    COMMUNITY_LEADER = "community_leader"


class Pillar(StrEnum):
    ECONOMY = "economy"
    ENVIRONMENT = "environment"
    DISASTER_RESILIENCE = "disaster_resilience"
    HEALTH = "health"
    EDUCATION = "education"
    INFRASTRUCTURE = "infrastructure"
    SOCIAL = "social"


class Stage(StrEnum):
    PLANNING = "planning"
    IMPLEMENTATION = "implementation"
    MONITORING_EVALUATION = "monitoring_evaluation"
    REPORTING = "reporting"
    COMPLETED = "completed"


class PartnerRole(StrEnum):
    BENEFICIARY_GROUP = "beneficiary_group"  # mitra binaan
    IMPLEMENTING_PARTNER = "implementing_partner"  # mitra pelaksana


class IndicatorKind(StrEnum):
    OUTPUT = "output"
    OUTCOME = "outcome"
    IMPACT = "impact"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class Accumulation(StrEnum):
    PERIODIC = "periodic"
    CUMULATIVE = "cumulative"


class ResultState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    # Sent back to the company by the agency, with a note; submitted again once corrected.
    RETURNED = "returned"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class MeetingKind(StrEnum):
    FGD = "fgd"
    MONEV = "monev"
    RAKOR = "rakor"
    SEMESTER_EVALUATION = "semester_evaluation"
    SOCIALISATION = "socialisation"


class FeedbackKind(StrEnum):
    EXPECTATION = "expectation"
    SUGGESTION = "suggestion"
    CONCERN = "concern"
    COLLABORATION_OFFER = "collaboration_offer"
    APPRECIATION = "appreciation"


class FeedbackStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DECLINED = "declined"


class Moderation(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    HIDDEN = "hidden"


class PointRule(StrEnum):
    MANUAL = "manual"
    MIN_POVERTY_PROGRAMS = "min_poverty_programs"
    DOCUMENT_BY_DEADLINE = "document_by_deadline"
    DECLINED_ONLY = "declined_only"


class ComplianceStatus(StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"
    PENDING = "pending"


class Role(StrEnum):
    ADMIN = "admin"
    COMPANY = "company"
    AGENCY = "agency"
    VIEWER = "viewer"


class NoticeKind(StrEnum):
    SUBMITTED = "submitted"  # results sent for verification, to the agency of the program's regencies
    VERIFIED = "verified"  # results verified, to the company
    RETURNED = "returned"  # a result sent back with a note, to the company
    ACTION_DUE = "action_due"  # a follow-up action due within a week, to the company
    ACTION_OVERDUE = "action_overdue"  # a follow-up action past its due date, to the company
    FEEDBACK_WAITING = "feedback_waiting"  # a feedback item with no response for 30 days, to its keepers


class ShareKind(StrEnum):
    PROGRAM = "program"
    OVERVIEW = "overview"

"""Queries of the compliance page: a framework's matrix, status counts, deadlines and one company's record.

Statuses come from :func:`sinergi.reads.queries.compliance_matrix`, so every figure here follows the rules of
:mod:`sinergi.rules.achievement` and the data as it is now.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, col, select

import models as m
from sinergi.core.access import Viewer, ensure_framework_visible, refuse
from sinergi.core.db import reads
from sinergi.reads.queries import MATRIX_TABLES, compliance_matrix, framework_points
from sinergi.rules.activity import program_runs_in_year

# Statuses that still ask something of a company; met and not applicable ask nothing more.
OPEN_STATUSES: frozenset[m.ComplianceStatus] = frozenset(
    {m.ComplianceStatus.PENDING, m.ComplianceStatus.NOT_MET, m.ComplianceStatus.PARTLY_MET}
)

MATRIX_COLUMNS = [
    "company_id",
    "company",
    "point_id",
    "point",
    "point_title",
    "point_text",
    "status",
    "manual",
    "rule",
    "evidence_files",
]


@dataclass(frozen=True)
class FrameworkSummary:
    """Who issued a framework, when, for which plan year, and how large it is."""

    id: int
    name: str
    regency: str
    plan_year: int
    issued_on: date
    meeting_title: str | None
    points: int
    companies: int


@reads(m.Framework, m.Regency, m.Meeting, m.FrameworkPoint, m.CompanyRegency)
def framework_summary(*, session: Session, viewer: Viewer, framework_id: int) -> FrameworkSummary | None:
    """The framework with its regency and meeting, and how many points and companies it covers."""
    if not ensure_framework_visible(session=session, viewer=viewer, framework_id=framework_id):
        return None
    framework = session.get(m.Framework, framework_id)
    if framework is None or framework.id is None:
        return None
    points = (
        select(func.count())
        .select_from(m.FrameworkPoint)
        .where(m.FrameworkPoint.framework_id == framework.id)
        .scalar_subquery()
    )
    companies = (
        select(func.count())
        .select_from(m.CompanyRegency)
        .where(m.CompanyRegency.regency_id == framework.regency_id)
        .scalar_subquery()
    )
    meeting = select(m.Meeting.title).where(m.Meeting.id == framework.meeting_id).scalar_subquery()
    regency, meeting_title, point_count, company_count = session.exec(
        select(col(m.Regency.name), meeting, points, companies).where(m.Regency.id == framework.regency_id)
    ).one()
    return FrameworkSummary(
        id=framework.id,
        name=framework.name,
        regency=regency,
        plan_year=framework.plan_year,
        issued_on=framework.issued_on,
        meeting_title=meeting_title,
        points=int(point_count),
        companies=int(company_count),
    )


@reads(*MATRIX_TABLES, m.EvidenceFile)
def compliance_matrix_frame(
    *, session: Session, viewer: Viewer, framework_id: int, today: date
) -> pd.DataFrame:
    """Every company against every point, one row per cell, for the matrix chart and its CSV.

    Columns: ``company_id``, ``company``, ``point_id``, ``point`` (its number), ``point_title``,
    ``point_text``, ``status`` (a :class:`ComplianceStatus` value), ``manual`` (set by hand), ``rule``
    and ``evidence_files`` (how many documents the company's record on the point has).
    """
    points = {p.id: p for p in framework_points(session=session, viewer=viewer, framework_id=framework_id)}
    files: dict[tuple[int, int], int] = {
        (company, point): count
        for company, point, count in session.exec(
            select(m.ComplianceRecord.company_id, m.ComplianceRecord.point_id, func.count())
            .join(m.EvidenceFile, col(m.EvidenceFile.compliance_record_id) == col(m.ComplianceRecord.id))
            .where(col(m.ComplianceRecord.point_id).in_(list(points)))
            .group_by(col(m.ComplianceRecord.company_id), col(m.ComplianceRecord.point_id))
        )
    }
    rows = [
        (
            cell.company_id,
            cell.company_name,
            cell.point_id,
            cell.point_number,
            points[cell.point_id].title,
            points[cell.point_id].text,
            cell.status.value,
            cell.manual,
            points[cell.point_id].rule,
            files.get((cell.company_id, cell.point_id), 0),
        )
        for cell in compliance_matrix(session=session, viewer=viewer, framework_id=framework_id, today=today)
    ]
    return pd.DataFrame(rows, columns=MATRIX_COLUMNS).astype(
        {"company_id": int, "point_id": int, "point": int, "manual": bool, "evidence_files": int}
    )


@dataclass(frozen=True)
class StatusCount:
    """How many company × point cells of a framework have one status."""

    status: m.ComplianceStatus
    cells: int


@reads(*MATRIX_TABLES)
def status_counts(*, session: Session, viewer: Viewer, framework_id: int, today: date) -> list[StatusCount]:
    """Cells per status, every status listed (zero included) in the order of :class:`ComplianceStatus`."""
    counted = Counter(
        cell.status
        for cell in compliance_matrix(session=session, viewer=viewer, framework_id=framework_id, today=today)
    )
    return [StatusCount(status=status, cells=counted[status]) for status in m.ComplianceStatus]


@dataclass(frozen=True)
class PointDeadline:
    """A point's deadline seen from ``today``, and how many companies still owe something on it."""

    point_id: int
    number: int
    title: str
    deadline: date
    days_left: int  # 0 once the deadline is today or past
    days_overdue: int  # 0 until the day after the deadline
    open_companies: int

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@reads(*MATRIX_TABLES)
def point_deadlines(
    *, session: Session, viewer: Viewer, framework_id: int, today: date
) -> list[PointDeadline]:
    """The points that have a deadline, in their order, with days left or overdue on ``today``.

    ``open_companies`` counts the companies whose status on the point is pending, not met or partly met.
    """
    open_per_point = Counter(
        cell.point_id
        for cell in compliance_matrix(session=session, viewer=viewer, framework_id=framework_id, today=today)
        if cell.status in OPEN_STATUSES
    )
    deadlines: list[PointDeadline] = []
    for point in framework_points(session=session, viewer=viewer, framework_id=framework_id):
        if point.deadline is None or point.id is None:
            continue
        days = (point.deadline - today).days
        deadlines.append(
            PointDeadline(
                point_id=point.id,
                number=point.number,
                title=point.title,
                deadline=point.deadline,
                days_left=max(days, 0),
                days_overdue=max(-days, 0),
                open_companies=open_per_point[point.id],
            )
        )
    return deadlines


class Basis(StrEnum):
    """How a company's status on a point came about."""

    HAND = "hand"  # someone verified it and set the status
    DATA = "data"  # the point's rule judged it from the data
    DECLINED = "declined"  # not applicable: the company declined in writing to take part
    AWAITING = "awaiting"  # a point judged by hand that nobody has judged yet


def _basis(*, manual: bool, rule: str, declined: bool) -> Basis:
    # In the order judge_point applies: a status set by hand, the point for companies that declined,
    # the other points of a company that declined, then the point's own rule.
    if manual:
        return Basis.HAND
    if rule == m.PointRule.DECLINED_ONLY:
        return Basis.DATA
    if declined:
        return Basis.DECLINED
    return Basis.AWAITING if rule == m.PointRule.MANUAL else Basis.DATA


@dataclass(frozen=True)
class PointRecord:
    """One point of a company's record: its status, how it came about, the evidence and who verified it."""

    point_id: int
    number: int
    title: str
    text: str
    deadline: date | None
    evidence_needed: str
    rule: str
    status: m.ComplianceStatus
    manual: bool
    evidence: str
    document_date: date | None
    note: str
    verified_by: str | None
    verified_at: datetime | None
    basis: Basis


@dataclass(frozen=True)
class Participation:
    """Whether a company takes part in a framework, or declined and sent its reasons."""

    declined: bool
    reason: str
    letter_on: date | None


@dataclass(frozen=True)
class CountedProgram:
    """A poverty-alleviation program that counts for the framework's plan year."""

    id: int
    name: str
    stage: str
    start_date: date
    end_date: date | None


@dataclass(frozen=True)
class CompanyCompliance:
    """One company's standing on a framework."""

    company_id: int
    company: str
    sector: str
    plan_year: int
    participation: Participation | None
    poverty_programs: tuple[CountedProgram, ...]
    points: tuple[PointRecord, ...]


# Long: one read, in order, of everything the company's compliance page shows, each part used once.
@reads(*MATRIX_TABLES, m.User)
def company_compliance(
    *, session: Session, viewer: Viewer, framework_id: int, company_id: int, today: date
) -> CompanyCompliance | None:
    """A company's status, evidence and verification per point, its participation and counted programs.

    None when the framework does not exist or the company does not operate in its regency; another
    company's record asked for by a company user is refused and logged.
    """
    framework = session.get(m.Framework, framework_id)
    company = session.get(m.Company, company_id)
    if framework is None or company is None or company.id is None:
        return None
    if not session.exec(
        select(func.count()).where(col(m.Company.id) == company_id, *viewer.company_conditions())
    ).one():
        refuse(viewer=viewer, entity="company", entity_id=company_id, detail="compliance")
    cells = {
        cell.point_id: cell
        for cell in compliance_matrix(session=session, viewer=viewer, framework_id=framework_id, today=today)
        if cell.company_id == company_id
    }
    if not cells:
        return None
    points = framework_points(session=session, viewer=viewer, framework_id=framework_id)
    records = {
        record.point_id: (record, verifier)
        for record, verifier in session.exec(
            select(m.ComplianceRecord, m.User.display_name)
            .outerjoin(m.User, col(m.User.id) == col(m.ComplianceRecord.verified_by_id))
            .where(
                m.ComplianceRecord.company_id == company_id,
                col(m.ComplianceRecord.point_id).in_(list(cells)),
            )
        )
    }
    participation = session.get(m.FrameworkParticipation, (framework_id, company_id))
    declined = bool(participation and participation.declined)
    # The same window as queries.poverty_program_counts, which the rule of the points counts with.
    programs = session.exec(
        select(m.Program)
        .where(
            m.Program.company_id == company_id,
            col(m.Program.poverty_alleviation).is_(True),
            program_runs_in_year(framework.plan_year),
        )
        .order_by(col(m.Program.start_date), col(m.Program.name))
    ).all()

    point_records: list[PointRecord] = []
    for point in points:
        assert point.id is not None
        record, verifier = records.get(point.id, (None, None))
        cell = cells[point.id]
        point_records.append(
            PointRecord(
                point_id=point.id,
                number=point.number,
                title=point.title,
                text=point.text,
                deadline=point.deadline,
                evidence_needed=point.evidence_needed,
                rule=point.rule,
                status=cell.status,
                manual=cell.manual,
                evidence=record.evidence if record else "",
                document_date=record.document_date if record else None,
                note=record.note if record else "",
                verified_by=verifier,
                verified_at=record.verified_at if record else None,
                basis=_basis(manual=cell.manual, rule=point.rule, declined=declined),
            )
        )
    return CompanyCompliance(
        company_id=company.id,
        company=company.name,
        sector=company.sector,
        plan_year=framework.plan_year,
        participation=(
            Participation(
                declined=participation.declined,
                reason=participation.decline_reason,
                letter_on=participation.decline_letter_on,
            )
            if participation
            else None
        ),
        poverty_programs=tuple(
            CountedProgram(id=p.id, name=p.name, stage=p.stage, start_date=p.start_date, end_date=p.end_date)
            for p in programs
            if p.id is not None
        ),
        points=tuple(point_records),
    )

"""Queries of the compliance page: a framework's matrix, status counts, deadlines and one company's record.

The page reads the matrix once (:func:`compliance_matrix_frame`) and counts its statuses and each
deadline's open companies from it (:func:`counts_of`, :func:`deadlines_of`); one company's record judges
that company alone. Statuses are judged by :func:`sinergi.rules.points.judge_point` from the same facts as
:func:`sinergi.reads.queries.compliance_matrix`, so every figure follows the rules and the data as it is now.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, col, select

import models as m
from sinergi.core.access import Viewer, ensure_framework_visible, refuse
from sinergi.core.db import reads
from sinergi.reads.queries import MATRIX_TABLES, framework_points, poverty_program_counts
from sinergi.rules.activity import program_runs_in_year
from sinergi.rules.points import PointFacts, judge_point

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


@dataclass(frozen=True)
class _Judged:
    """Companies judged against a framework's points: every company against every point, the cells
    company by company (by name), within a company point by point (in their order)."""

    companies: list[tuple[int, str]]  # id and name
    points: list[m.FrameworkPoint]
    statuses: list[m.ComplianceStatus]
    manual: list[bool]  # set by hand

    def of_company(self, company_id: int) -> dict[int, tuple[m.ComplianceStatus, bool]]:
        """Per point id, the status of ``company_id`` and whether it was set by hand."""
        n = next((i for i, (company, _) in enumerate(self.companies) if company == company_id), None)
        if n is None:
            return {}
        first = n * len(self.points)
        return {
            point.id: (self.statuses[first + i], self.manual[first + i])
            for i, point in enumerate(self.points)
            if point.id is not None
        }


def _judge(
    *,
    session: Session,
    viewer: Viewer,
    framework: m.Framework,
    points: list[m.FrameworkPoint],
    today: date,
    company_id: int | None = None,
) -> _Judged:
    """Every company the viewer may see operating in the framework's regency (``company_id`` alone when
    given), judged against every point by :func:`judge_point`.

    Three reads whatever the size of the database, each as large as the companies shown: the companies
    with their participation, the records of the framework's points (of the one company when given), and
    the companies' poverty-alleviation programs of the plan year. Rows are read as plain values.
    """
    nobody = _Judged(companies=[], points=points, statuses=[], manual=[])
    if not points:
        return nobody
    participation = m.FrameworkParticipation
    one_company = [col(m.Company.id) == company_id] if company_id is not None else []
    rows = session.exec(
        select(
            col(m.Company.id),
            col(m.Company.name),
            col(participation.declined),
            col(participation.decline_letter_on),
        )
        .join(m.CompanyRegency, col(m.CompanyRegency.company_id) == col(m.Company.id))
        .outerjoin(
            participation,
            (col(participation.company_id) == col(m.Company.id))
            & (col(participation.framework_id) == framework.id),
        )
        .where(
            m.CompanyRegency.regency_id == framework.regency_id, *viewer.company_conditions(), *one_company
        )
        .order_by(col(m.Company.name))
    ).all()
    companies = [
        (company, name, bool(declined), letter_on)
        for company, name, declined, letter_on in rows
        if company is not None
    ]
    if not companies:
        return nobody
    record = m.ComplianceRecord
    records = {
        (company, point): (manual_status, document_date)
        for company, point, manual_status, document_date in session.exec(
            select(
                col(record.company_id),
                col(record.point_id),
                col(record.manual_status),
                col(record.document_date),
            ).where(
                col(record.point_id).in_([p.id for p in points]),
                *([col(record.company_id) == company_id] if company_id is not None else []),
            )
        )
    }
    poverty_programs = poverty_program_counts(
        session=session, year=framework.plan_year, company_ids=[company for company, *_ in companies]
    )
    rules = [
        (point.id, point.rule, point.rule_min, point.deadline) for point in points if point.id is not None
    ]
    # Cells with the same facts get the same status: most companies share theirs on most points.
    judged: dict[tuple[object, ...], m.ComplianceStatus] = {}
    statuses: list[m.ComplianceStatus] = []
    manual: list[bool] = []
    for company, _, declined, letter_on in companies:
        programs = poverty_programs.get(company, 0)
        for point_id, rule, rule_min, deadline in rules:
            manual_status, document_date = records.get((company, point_id), (None, None))
            key = (point_id, manual_status, document_date, programs, declined, letter_on)
            status = judged.get(key)
            if status is None:
                facts = PointFacts(
                    rule=rule,
                    rule_min=rule_min,
                    deadline=deadline,
                    manual_status=manual_status,
                    document_date=document_date,
                    poverty_programs=programs,
                    declined=declined,
                    decline_letter_on=letter_on,
                )
                status = judged[key] = judge_point(facts, today=today)
            statuses.append(status)
            manual.append(manual_status is not None)
    return _Judged(
        companies=[(company, name) for company, name, *_ in companies],
        points=points,
        statuses=statuses,
        manual=manual,
    )


@reads(*MATRIX_TABLES, m.EvidenceFile)
def compliance_matrix_frame(
    *, session: Session, viewer: Viewer, framework_id: int, today: date
) -> pd.DataFrame:
    """Every company against every point, one row per cell, for the matrix chart, its CSV, the status
    counts (:func:`counts_of`) and the deadlines' open companies (:func:`deadlines_of`).

    Columns: ``company_id``, ``company``, ``point_id``, ``point`` (its number), ``point_title``,
    ``point_text``, ``status`` (a :class:`ComplianceStatus` value), ``manual`` (set by hand), ``rule``
    and ``evidence_files`` (how many documents the company's record on the point has).
    """
    points = framework_points(session=session, viewer=viewer, framework_id=framework_id)
    framework = session.get(m.Framework, framework_id)
    if framework is None:
        return _matrix_frame({})
    judged = _judge(session=session, viewer=viewer, framework=framework, points=points, today=today)
    if not judged.companies:
        return _matrix_frame({})
    files: dict[tuple[int, int], int] = {
        (company, point): count
        for company, point, count in session.exec(
            select(m.ComplianceRecord.company_id, m.ComplianceRecord.point_id, func.count())
            .join(m.EvidenceFile, col(m.EvidenceFile.compliance_record_id) == col(m.ComplianceRecord.id))
            .where(col(m.ComplianceRecord.point_id).in_([p.id for p in points]))
            .group_by(col(m.ComplianceRecord.company_id), col(m.ComplianceRecord.point_id))
        )
    }
    # Every company against every point: a company's columns repeat it once per point, the points'
    # columns repeat the points once per company.
    company_ids = [company for company, _ in judged.companies]
    point_ids = [point.id or 0 for point in points]

    def per_company(values: list[Any]) -> Any:
        return np.repeat(values, len(points))

    def per_point(values: list[Any]) -> Any:
        return np.tile(values, len(company_ids))

    return _matrix_frame(
        {
            "company_id": per_company(company_ids),
            "company": per_company([name for _, name in judged.companies]),
            "point_id": per_point(point_ids),
            "point": per_point([point.number for point in points]),
            "point_title": per_point([point.title for point in points]),
            "point_text": per_point([point.text for point in points]),
            "status": [status.value for status in judged.statuses],
            "manual": judged.manual,
            "rule": per_point([point.rule for point in points]),
            "evidence_files": [
                files.get((company, point), 0) for company in company_ids for point in point_ids
            ],
        }
    )


def _matrix_frame(columns: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(columns or {name: [] for name in MATRIX_COLUMNS}, columns=MATRIX_COLUMNS).astype(
        {"company_id": int, "point_id": int, "point": int, "manual": bool, "evidence_files": int}
    )


@dataclass(frozen=True)
class StatusCount:
    """How many company × point cells of a framework have one status."""

    status: m.ComplianceStatus
    cells: int


def counts_of(matrix: pd.DataFrame) -> list[StatusCount]:
    """Cells of ``matrix`` (a :func:`compliance_matrix_frame`) per status, every status listed (zero
    included) in the order of :class:`ComplianceStatus`."""
    counted = matrix["status"].value_counts()
    return [
        StatusCount(status=status, cells=int(counted.get(status.value, 0))) for status in m.ComplianceStatus
    ]


@dataclass(frozen=True)
class ComplianceSummary:
    """How many company × point cells of a framework are met, out of those that apply."""

    met: int
    applicable: int
    by_status: tuple[tuple[str, int], ...]


@reads(*MATRIX_TABLES)
def compliance_summary(
    *, session: Session, viewer: Viewer, framework_id: int, today: date
) -> ComplianceSummary:
    """The cells of the framework's matrix the viewer may see, counted by status (the overview's tile,
    the compliance slide)."""
    points = framework_points(session=session, viewer=viewer, framework_id=framework_id)
    framework = session.get(m.Framework, framework_id)
    statuses = (
        []
        if framework is None
        else _judge(session=session, viewer=viewer, framework=framework, points=points, today=today).statuses
    )
    counted = Counter(statuses)
    return ComplianceSummary(
        met=counted[m.ComplianceStatus.MET],
        applicable=len(statuses) - counted[m.ComplianceStatus.NOT_APPLICABLE],
        by_status=tuple((status.value, counted[status]) for status in m.ComplianceStatus),
    )


@reads(*MATRIX_TABLES, m.EvidenceFile)
def status_counts(*, session: Session, viewer: Viewer, framework_id: int, today: date) -> list[StatusCount]:
    """Cells per status, every status listed (zero included) in the order of :class:`ComplianceStatus`."""
    return counts_of(
        compliance_matrix_frame(session=session, viewer=viewer, framework_id=framework_id, today=today)
    )


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


def deadlines_of(points: list[m.FrameworkPoint], matrix: pd.DataFrame, today: date) -> list[PointDeadline]:
    """The ``points`` (of a framework, in their order) that have a deadline, with days left or overdue on
    ``today``, and how many companies of ``matrix`` (a :func:`compliance_matrix_frame`) are still open on
    each: pending, not met or partly met."""
    is_open = matrix["status"].isin([status.value for status in OPEN_STATUSES])
    open_per_point = matrix.loc[is_open, "point_id"].value_counts()
    deadlines: list[PointDeadline] = []
    for point in points:
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
                open_companies=int(open_per_point.get(point.id, 0)),
            )
        )
    return deadlines


@reads(*MATRIX_TABLES, m.EvidenceFile)
def point_deadlines(
    *, session: Session, viewer: Viewer, framework_id: int, today: date
) -> list[PointDeadline]:
    """The points that have a deadline, in their order, with days left or overdue on ``today``.

    ``open_companies`` counts the companies whose status on the point is pending, not met or partly met.
    """
    return deadlines_of(
        framework_points(session=session, viewer=viewer, framework_id=framework_id),
        compliance_matrix_frame(session=session, viewer=viewer, framework_id=framework_id, today=today),
        today,
    )


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
    points = framework_points(session=session, viewer=viewer, framework_id=framework_id)
    cells = _judge(
        session=session, viewer=viewer, framework=framework, points=points, today=today, company_id=company_id
    ).of_company(company_id)
    if not cells:
        return None
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
        status, manual = cells[point.id]
        point_records.append(
            PointRecord(
                point_id=point.id,
                number=point.number,
                title=point.title,
                text=point.text,
                deadline=point.deadline,
                evidence_needed=point.evidence_needed,
                rule=point.rule,
                status=status,
                manual=manual,
                evidence=record.evidence if record else "",
                document_date=record.document_date if record else None,
                note=record.note if record else "",
                verified_by=verifier,
                verified_at=record.verified_at if record else None,
                basis=_basis(manual=manual, rule=point.rule, declined=declined),
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

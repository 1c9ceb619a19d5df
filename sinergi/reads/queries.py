"""Read-only queries the pages call. Each takes a keyword-only session and returns plain data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

import models as m
from sinergi.core.access import Viewer, ensure_framework_visible
from sinergi.core.db import reads
from sinergi.core.settings import ADMIN_SETTINGS
from sinergi.rules.achievement import Thresholds
from sinergi.rules.activity import program_runs_in_year
from sinergi.rules.points import PointFacts, judge_point


@dataclass(frozen=True)
class DatabaseCounts:
    """How many of the main records the viewer may read there are."""

    companies: int
    programs: int
    meetings: int
    frameworks: int

    @property
    def is_empty(self) -> bool:
        return self.companies == 0 and self.programs == 0 and self.meetings == 0


@reads(
    m.Company,
    m.CompanyRegency,
    m.Program,
    m.ProgramVillage,
    m.Village,
    m.District,
    m.Meeting,
    m.Framework,
)
def database_counts(*, session: Session, viewer: Viewer) -> DatabaseCounts:
    """How many companies, programs, meetings and frameworks the viewer may read, in one round trip:
    whether there is nothing yet for them, rather than nothing that matches their filters. (Their
    results and feedback are never counted here: that would read every one of them.)"""
    programs = viewer.program_conditions()
    meetings = viewer.meeting_conditions()
    counts = {
        "companies": select(func.count()).select_from(m.Company).where(*viewer.company_conditions()),
        "programs": select(func.count()).select_from(m.Program).where(*programs),
        "meetings": select(func.count()).select_from(m.Meeting).where(*meetings),
        "frameworks": select(func.count()).select_from(m.Framework).where(*viewer.framework_conditions()),
    }
    columns = [statement.scalar_subquery().label(name) for name, statement in counts.items()]
    row = session.exec(select(*columns)).one()
    return DatabaseCounts(**{name: int(value) for name, value in zip(counts, row, strict=True)})


@reads(m.Framework, m.CompanyRegency)
def frameworks(*, session: Session, viewer: Viewer) -> list[m.Framework]:
    """The coordination frameworks the viewer may read, newest plan year first."""
    statement = (
        select(m.Framework)
        .where(*viewer.framework_conditions())
        .order_by(col(m.Framework.plan_year).desc(), m.Framework.name)
    )
    return list(session.exec(statement))


@reads(m.FrameworkPoint)
def framework_points(*, session: Session, viewer: Viewer, framework_id: int) -> list[m.FrameworkPoint]:
    """The points of a framework in their order, if the viewer may read the framework."""
    if not ensure_framework_visible(session=session, viewer=viewer, framework_id=framework_id):
        return []
    statement = (
        select(m.FrameworkPoint)
        .where(m.FrameworkPoint.framework_id == framework_id)
        .order_by(col(m.FrameworkPoint.number))
    )
    return list(session.exec(statement))


@reads(m.Setting)
def thresholds(*, session: Session, viewer: Viewer) -> Thresholds:
    """The achievement thresholds in force: what an admin set, else the defaults. Every viewer reads
    them, the readers of a shared link included: they say how every figure shown is judged."""
    del viewer
    stored = {s.key: float(s.value) for s in session.exec(select(m.Setting))}
    values = {spec.key: stored.get(spec.key, spec.default) for spec in ADMIN_SETTINGS}
    return Thresholds(**values)


@dataclass(frozen=True)
class ComplianceCell:
    """One company against one point of a framework."""

    company_id: int
    company_name: str
    point_id: int
    point_number: int
    status: m.ComplianceStatus
    manual: bool


# Every table compliance_matrix reads; the queries that call it read these too.
MATRIX_TABLES = (
    m.Framework,
    m.FrameworkPoint,
    m.Company,
    m.CompanyRegency,
    m.ComplianceRecord,
    m.FrameworkParticipation,
    m.Program,
)


@reads(*MATRIX_TABLES)
def compliance_matrix(
    *, session: Session, viewer: Viewer, framework_id: int, today: date
) -> list[ComplianceCell]:
    """Every company operating in the framework's regency, judged against every point.

    Points judged from the data follow it: a company that adds its first poverty-alleviation
    program for the plan year meets that point on the next read.
    """
    framework = session.get(m.Framework, framework_id)
    if framework is None:
        return []
    points = framework_points(session=session, viewer=viewer, framework_id=framework_id)
    companies = session.exec(
        select(m.Company)
        .join(m.CompanyRegency, col(m.CompanyRegency.company_id) == m.Company.id)
        .where(m.CompanyRegency.regency_id == framework.regency_id, *viewer.company_conditions())
        .order_by(m.Company.name)
    ).all()
    records = {
        (r.company_id, r.point_id): r
        for r in session.exec(
            select(m.ComplianceRecord).where(col(m.ComplianceRecord.point_id).in_([p.id for p in points]))
        )
    }
    participation = {
        p.company_id: p
        for p in session.exec(
            select(m.FrameworkParticipation).where(m.FrameworkParticipation.framework_id == framework_id)
        )
    }
    poverty_programs = poverty_program_counts(
        session=session, year=framework.plan_year, company_ids=[c.id for c in companies if c.id is not None]
    )
    cells: list[ComplianceCell] = []
    for company in companies:
        assert company.id is not None
        taking_part = participation.get(company.id)
        for point in points:
            assert point.id is not None
            record = records.get((company.id, point.id))
            facts = PointFacts(
                rule=point.rule,
                rule_min=point.rule_min,
                deadline=point.deadline,
                manual_status=record.manual_status if record else None,
                document_date=record.document_date if record else None,
                poverty_programs=poverty_programs.get(company.id, 0),
                declined=bool(taking_part and taking_part.declined),
                decline_letter_on=taking_part.decline_letter_on if taking_part else None,
            )
            cells.append(
                ComplianceCell(
                    company_id=company.id,
                    company_name=company.name,
                    point_id=point.id,
                    point_number=point.number,
                    status=judge_point(facts, today=today),
                    manual=facts.manual_status is not None,
                )
            )
    return cells


@reads(m.Program)
def poverty_program_counts(
    *, session: Session, year: int, company_ids: Sequence[int] | None = None
) -> dict[int, int]:
    """Per company (of ``company_ids`` when given), how many poverty-alleviation programs run during
    ``year``."""
    statement = (
        select(m.Program.company_id, func.count())
        .where(
            col(m.Program.poverty_alleviation).is_(True),
            program_runs_in_year(year),
        )
        .group_by(col(m.Program.company_id))
    )
    if company_ids is not None:
        statement = statement.where(col(m.Program.company_id).in_(company_ids))
    return {company_id: int(count) for company_id, count in session.exec(statement)}


@reads(m.Framework, m.CompanyRegency)
def framework_for_overview(*, session: Session, viewer: Viewer, regency_id: int | None) -> m.Framework | None:
    """The framework the overview reports on: the newest of the chosen regency, else the newest,
    among those the viewer may read."""
    statement = (
        select(m.Framework)
        .where(*viewer.framework_conditions())
        .order_by(col(m.Framework.plan_year).desc(), col(m.Framework.id))
    )
    if regency_id is not None:
        statement = statement.where(m.Framework.regency_id == regency_id)
    return session.exec(statement).first()

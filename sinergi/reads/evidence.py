"""Evidence files as a viewer may see them: those of the results and compliance records it may read,
listed without their bytes (who added each and when), and one file's bytes when it is opened."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

import models as m
from sinergi.core.access import Viewer, refuse, verified_results
from sinergi.core.db import reads, rows, select_columns


@dataclass(frozen=True)
class EvidenceEntry:
    """One file as a list shows it; ``about`` says what it is evidence of (an indicator and period, or
    a coordination point), ``owner_id`` is the result's or the compliance record's id."""

    id: int
    owner_id: int
    about: str
    filename: str
    content_type: str
    size: int
    added_by: str
    added_at: datetime


@dataclass(frozen=True)
class EvidenceContent:
    filename: str
    content_type: str
    data: bytes


# The tables a scoped read of a result's files joins: the result, its program, the places an agency's
# scope reads, the period it names and who added the file.
RESULT_TABLES = (
    m.EvidenceFile,
    m.Result,
    m.Indicator,
    m.Program,
    m.Period,
    m.ProgramVillage,
    m.Village,
    m.District,
    m.User,
)
COMPLIANCE_TABLES = (
    m.EvidenceFile,
    m.ComplianceRecord,
    m.FrameworkPoint,
    m.Framework,
    m.Company,
    m.CompanyRegency,
    m.User,
)


def _listed(*extra: Any) -> Any:
    return select_columns(
        col(m.EvidenceFile.id),
        col(m.EvidenceFile.filename),
        col(m.EvidenceFile.content_type),
        col(m.EvidenceFile.size),
        col(m.User.display_name),
        col(m.EvidenceFile.added_at),
        *extra,
    ).outerjoin(m.User, col(m.User.id) == col(m.EvidenceFile.added_by_id))


def _result_files(session: Session, conditions: Iterable[ColumnElement[bool]]) -> list[EvidenceEntry]:
    statement = (
        _listed(col(m.Result.id), col(m.Indicator.name), col(m.Period.code))
        .join(m.Result, col(m.Result.id) == col(m.EvidenceFile.result_id))
        .join(m.Indicator, col(m.Indicator.id) == col(m.Result.indicator_id))
        .join(m.Program, col(m.Program.id) == col(m.Indicator.program_id))
        .join(m.Period, col(m.Period.id) == col(m.Result.period_id))
        .where(*conditions)
        .order_by(col(m.Period.start_date).desc(), col(m.Indicator.name), col(m.EvidenceFile.added_at))
    )
    return [
        EvidenceEntry(file_id, result_id, f"{indicator} · {period}", name, kind, size, who or "–", at)
        for file_id, name, kind, size, who, at, result_id, indicator, period in rows(session, statement)
    ]


@reads(*RESULT_TABLES)
def result_files(*, session: Session, viewer: Viewer, result_ids: tuple[int, ...]) -> list[EvidenceEntry]:
    """The files of the results ``result_ids`` the viewer may read (others are left out)."""
    if not result_ids:
        return []
    return _result_files(session, [col(m.Result.id).in_(result_ids), *viewer.evidence_result_conditions()])


@reads(*RESULT_TABLES)
def program_files(
    *, session: Session, viewer: Viewer, program_id: int, verified_only: bool = False
) -> list[EvidenceEntry]:
    """The files of a program's results the viewer may read, the newest period first; of its verified
    results only with ``verified_only`` (a reader of verified figures only gets no others anyway)."""
    conditions = [col(m.Program.id) == program_id, *viewer.evidence_result_conditions()]
    if verified_only:
        conditions += verified_results()
    return _result_files(session, conditions)


@reads(*COMPLIANCE_TABLES)
def compliance_files(
    *, session: Session, viewer: Viewer, company_id: int, point_id: int
) -> list[EvidenceEntry]:
    """The files of a company's compliance record on a point, if the viewer may read it."""
    statement = (
        _listed(col(m.ComplianceRecord.id), col(m.FrameworkPoint.number), col(m.FrameworkPoint.title))
        .join(m.ComplianceRecord, col(m.ComplianceRecord.id) == col(m.EvidenceFile.compliance_record_id))
        .join(m.FrameworkPoint, col(m.FrameworkPoint.id) == col(m.ComplianceRecord.point_id))
        .join(m.Framework, col(m.Framework.id) == col(m.FrameworkPoint.framework_id))
        .where(
            col(m.ComplianceRecord.company_id) == company_id,
            col(m.ComplianceRecord.point_id) == point_id,
            *viewer.evidence_compliance_conditions(),
        )
        .order_by(col(m.EvidenceFile.added_at))
    )
    return [
        EvidenceEntry(file_id, record_id, f"{number}. {title}", name, kind, size, who or "–", at)
        for file_id, name, kind, size, who, at, record_id, number, title in rows(session, statement)
    ]


@reads(*RESULT_TABLES, *COMPLIANCE_TABLES)
def file_content(*, session: Session, viewer: Viewer, file_id: int) -> EvidenceContent | None:
    """A file's bytes, for a viewer who may read its result or compliance record; None when there is
    no such file. One the viewer may not read is refused and the attempt logged."""
    file = session.get(m.EvidenceFile, file_id)
    if file is None:
        return None
    if file.result_id is not None:
        scope = (
            select(col(m.Result.id))
            .join(m.Indicator, col(m.Indicator.id) == col(m.Result.indicator_id))
            .join(m.Program, col(m.Program.id) == col(m.Indicator.program_id))
            .where(col(m.Result.id) == file.result_id, *viewer.evidence_result_conditions())
        )
    else:
        scope = (
            select(col(m.ComplianceRecord.id))
            .join(m.FrameworkPoint, col(m.FrameworkPoint.id) == col(m.ComplianceRecord.point_id))
            .join(m.Framework, col(m.Framework.id) == col(m.FrameworkPoint.framework_id))
            .where(
                col(m.ComplianceRecord.id) == file.compliance_record_id,
                *viewer.evidence_compliance_conditions(),
            )
        )
    if session.exec(scope).first() is None:
        refuse(viewer=viewer, entity="evidence_file", entity_id=file_id, detail="read")
    return EvidenceContent(file.filename, file.content_type, file.data)


@reads(m.EvidenceFile, m.Result, m.Indicator, m.Program, m.Period, m.ProgramVillage, m.Village, m.District)
def result_choices(*, session: Session, viewer: Viewer, program_id: int) -> list[tuple[int, str, str]]:
    """The recorded results of a program the viewer may read, as (result id, "indicator · period",
    state), the newest period first: what a file can be added to."""
    statement = (
        select_columns(col(m.Result.id), col(m.Indicator.name), col(m.Period.code), col(m.Result.state))
        .select_from(m.Result)
        .join(m.Indicator, col(m.Indicator.id) == col(m.Result.indicator_id))
        .join(m.Program, col(m.Program.id) == col(m.Indicator.program_id))
        .join(m.Period, col(m.Period.id) == col(m.Result.period_id))
        .where(col(m.Program.id) == program_id, *viewer.evidence_result_conditions())
        .order_by(col(m.Period.start_date).desc(), col(m.Indicator.name))
    )
    return [
        (result_id, f"{name} · {code}", state) for result_id, name, code, state in rows(session, statement)
    ]

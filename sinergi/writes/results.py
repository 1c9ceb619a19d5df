"""Writes: each command is one user action in one transaction, allowed or refused here."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

import models as m
from sinergi.core import audit
from sinergi.core.access import Viewer, refuse
from sinergi.core.errors import ResultChanged, ResultLocked
from sinergi.writes.fields import EntitySpec, F, FieldSpec, checked

# What a result holds that people type: in the grid, the import and the command line alike.
RESULT = EntitySpec(
    "result",
    m.Result,
    (
        FieldSpec("target", F.NUMBER),
        FieldSpec("actual", F.NUMBER),
        FieldSpec("narrative", F.LONG_TEXT, max_length=2000),
        FieldSpec("evidence", F.LONG_TEXT, max_length=2000),
        # Why an actual far from what was expected is right (see sinergi.rules.plausibility).
        FieldSpec("plausibility_note", F.LONG_TEXT, max_length=500),
    ),
    creatable=False,
)


def _indicator_company(session: Session, indicator_id: int) -> tuple[int, int | None]:
    """The company that owns an indicator, and the regency of one of its program's villages."""
    row = session.exec(
        select(m.Program.company_id, m.District.regency_id)
        .select_from(m.Indicator)
        .join(m.Program, col(m.Program.id) == col(m.Indicator.program_id))
        .outerjoin(m.ProgramVillage, col(m.ProgramVillage.program_id) == col(m.Program.id))
        .outerjoin(m.Village, col(m.Village.id) == col(m.ProgramVillage.village_id))
        .outerjoin(m.District, col(m.District.id) == col(m.Village.district_id))
        .where(col(m.Indicator.id) == indicator_id)
    ).first()
    if row is None:
        raise LookupError(f"indicator {indicator_id}")
    return int(row[0]), row[1]


def check_result(
    *,
    viewer: Viewer,
    company_id: int,
    indicator_id: int | None,
    result: m.Result | None,
    target: float | None,
    actual: float | None,
    narrative: str = "",
    evidence: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """The values :func:`record_result` would store in ``result`` (None: a new one) of an indicator of
    ``company_id``'s; refused unless the viewer may write the company's results, FieldErrors for what
    does not fit, ResultLocked when it is verified. Reads nothing, so a preview can ask it too."""
    if not viewer.may_write_company(company_id):
        refuse(viewer=viewer, entity="result", entity_id=indicator_id, detail="write")
    typed = {"target": target, "actual": actual, "narrative": narrative}
    if evidence is not None:
        typed["evidence"] = evidence
    if note is not None:
        typed["plausibility_note"] = note
    values = checked(RESULT, typed, typed)
    if result is not None and result.state == m.ResultState.VERIFIED:
        raise ResultLocked(result_id=result.id)
    return values


def apply_result(result: m.Result, values: dict[str, Any], *, existed: bool) -> dict[str, Any] | None:
    """Put checked ``values`` into ``result``; what it held before (None when it is new). Evidence and
    the plausibility note are kept unless ``values`` holds them; a changed figure sends a submitted
    result back to draft."""
    before = None
    if existed:
        before = {"target": result.target, "actual": result.actual, "narrative": result.narrative}
        for kept in ("evidence", "plausibility_note"):
            if kept in values:
                before[kept] = getattr(result, kept)
        if before != {k: values[k] for k in before}:
            # A changed figure is not what was submitted: it goes back to draft, to be submitted again.
            result.state = m.ResultState.DRAFT
            result.submitted_at = None
        result.version += 1
        result.updated_at = m.utcnow()
    result.target = values["target"]
    result.actual = values["actual"]
    result.narrative = values["narrative"]
    if "evidence" in values:
        result.evidence = values["evidence"]
    if "plausibility_note" in values:
        result.plausibility_note = values["plausibility_note"]
    return before


def record_result(
    *,
    session: Session,
    viewer: Viewer,
    indicator_id: int,
    period_id: int,
    target: float | None,
    actual: float | None,
    narrative: str = "",
    evidence: str | None = None,
    note: str | None = None,
) -> m.Result:
    """Create or update the result of an indicator for a period.

    Only the program's company (or an admin) may write it; verified results are locked; figures and
    texts are held to :data:`RESULT` (:class:`~sinergi.writes.fields.FieldErrors` names each field
    that does not fit). ``evidence`` None keeps what the result holds, as does ``note`` None (the
    plausibility note: why an actual far from what was expected is right).
    """
    company_id, _ = _indicator_company(session, indicator_id)
    result = session.exec(
        select(m.Result).where(m.Result.indicator_id == indicator_id, m.Result.period_id == period_id)
    ).first()
    values = check_result(
        viewer=viewer,
        company_id=company_id,
        indicator_id=indicator_id,
        result=result,
        target=target,
        actual=actual,
        narrative=narrative,
        evidence=evidence,
        note=note,
    )
    existed = result is not None
    if result is None:
        result = m.Result(indicator_id=indicator_id, period_id=period_id)
    before = apply_result(result, values, existed=existed)
    session.add(result)
    session.flush()
    audit.record(
        session=session,
        actor=viewer,
        action="update" if before else "create",
        entity="result",
        entity_id=result.id,
        before=before,
        after=values,
    )
    return result


def result_regencies(session: Session, indicator_id: int) -> set[int]:
    """The regencies whose agencies verify an indicator's results: where its program works."""
    return set(
        session.exec(
            select(m.District.regency_id)
            .select_from(m.Indicator)
            .join(m.ProgramVillage, col(m.ProgramVillage.program_id) == col(m.Indicator.program_id))
            .join(m.Village, col(m.Village.id) == col(m.ProgramVillage.village_id))
            .join(m.District, col(m.District.id) == col(m.Village.district_id))
            .where(col(m.Indicator.id) == indicator_id)
        )
    )


def result_to_verify(session: Session, viewer: Viewer, result_id: int, detail: str) -> m.Result | None:
    """The result, locked until the write commits (``FOR UPDATE`` on PostgreSQL), or None if there is
    none; refused, and the refusal audited as ``detail``, for anyone who may not verify it: the agency
    of a regency where the program works, or an admin."""
    result = session.get(m.Result, result_id, with_for_update=True)
    if result is not None:
        regencies = result_regencies(session, result.indicator_id)
        if not (viewer.is_admin or any(viewer.may_verify_in(regency) for regency in regencies)):
            refuse(viewer=viewer, entity="result", entity_id=result_id, detail=detail)
    return result


def verify_result(
    *, session: Session, viewer: Viewer, result_id: int, version: int | None = None
) -> m.Result:
    """Mark a submitted result verified: the agency of a regency where the program works, or an admin.

    With ``version`` (the version the verifier was shown), a result changed since is refused.
    """
    result = result_to_verify(session, viewer, result_id, "verify")
    if result is None:
        raise LookupError(f"result {result_id}")
    if result.state != m.ResultState.SUBMITTED or (version is not None and result.version != version):
        raise ResultChanged(result_id=result_id)
    before = {"state": result.state}
    result.state = m.ResultState.VERIFIED
    result.verified_by_id = viewer.user_id
    result.verified_at = m.utcnow()
    result.version += 1
    session.add(result)
    audit.record(
        session=session,
        actor=viewer,
        action="verify",
        entity="result",
        entity_id=result_id,
        before=before,
        after={"state": result.state},
    )
    return result

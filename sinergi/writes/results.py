"""Writes: each command is one user action in one transaction, allowed or refused here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlmodel import Session, col, select

import models as m
from sinergi.core import audit
from sinergi.core.access import Viewer, refuse
from sinergi.core.errors import (
    ResultChanged,
    ResultLocked,
    ResultSubmitted,
    ReturnNoteMissing,
    ReturnNoteTooLong,
)
from sinergi.writes import notices
from sinergi.writes.batch import Batch, NewResult, ResultOp, refused
from sinergi.writes.fields import EntitySpec, F, FieldSpec, checked
from sinergi.writes.versions import new_version

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


def _held(result: m.Result, values: dict[str, Any]) -> dict[str, Any]:
    """What ``result`` holds of the fields ``values`` would write: the "before" of its audit row."""
    held = {"target": result.target, "actual": result.actual, "narrative": result.narrative}
    for kept in ("evidence", "plausibility_note"):
        if kept in values:
            held[kept] = getattr(result, kept)
    return held


def changes_result(result: m.Result, values: dict[str, Any]) -> bool:
    """Whether writing checked ``values`` would change what ``result`` holds."""
    held = _held(result, values)
    return held != {k: values[k] for k in held}


def apply_result(result: m.Result, values: dict[str, Any], *, existed: bool) -> dict[str, Any] | None:
    """Put checked ``values`` into ``result``; what it held before (None when it is new). Evidence and
    the plausibility note are kept unless ``values`` holds them; a changed figure sends a submitted
    result back to draft (a returned one stays returned, its note beside it, until it is submitted)."""
    before = None
    if existed:
        before = _held(result, values)
        if result.state == m.ResultState.SUBMITTED and changes_result(result, values):
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


def plan_result(
    batch: Batch,
    *,
    company_id: int,
    indicator: m.Indicator,
    period: m.Period,
    typed: Mapping[str, Any],
    state: str | None = None,
    from_file: bool = False,
    withdraw: bool | None = None,
) -> ResultOp | None:
    """A result's figures, held to :func:`check_result` and :func:`apply_result`: a submitted result
    whose figures change goes back to draft unless ``state`` submits it again. ``typed`` without
    ``evidence`` (or ``plausibility_note``) keeps what the result has.

    ``from_file`` (an import): a verified result a row leaves as it is counts as unchanged rather
    than refused, and a result left as it is is not written again (written again, it would look
    changed to a verifier). Returns what the write will do, or None when nothing is to be written.

    ``withdraw`` False (one result changed by hand): a submitted result that would change is refused
    (:class:`~sinergi.core.errors.ResultSubmitted`) unless the writer agreed to withdraw it (True).
    """
    result = batch.result(indicator, period)
    if from_file and result is not None and result.state == m.ResultState.VERIFIED:
        changed = [k for k, v in typed.items() if getattr(result, k) != v]
        if changed or (state and state != result.state):
            raise refused(changed[0] if changed else "result_state", "transfer.err.result_locked")
        batch.count("unchanged", "results")
        return None
    if state == m.ResultState.VERIFIED and not batch.viewer.is_admin:
        raise refused("result_state", "transfer.err.verify_not_allowed")
    sent_back = state == m.ResultState.RETURNED and (result is None or result.state != m.ResultState.RETURNED)
    if sent_back and not batch.viewer.is_admin:
        # A verifier sends a result back, with a note, on /verify; an admin moving a database's
        # records (an export imported elsewhere) brings them as they were, as with verified ones.
        raise refused("result_state", "transfer.err.return_not_allowed")
    values = check_result(
        viewer=batch.viewer,
        company_id=company_id,
        indicator_id=indicator.id,
        result=result,
        target=typed["target"],
        actual=typed["actual"],
        narrative=typed["narrative"],
        evidence=typed.get("evidence"),
        note=typed.get("plausibility_note"),
    )
    if (
        withdraw is False
        and result is not None
        and result.state == m.ResultState.SUBMITTED
        and changes_result(result, values)
    ):
        raise ResultSubmitted(result_id=result.id)
    existed = result is not None
    before = None if result is None else (*(getattr(result, k) for k in typed), result.state)
    if from_file and result is not None and before == (*(values[k] for k in typed), state or result.state):
        batch.count("unchanged", "results")
        return None
    if result is None:
        result = cast(m.Result, NewResult(indicator_id=indicator.id or 0, period_id=period.id or 0))
        key = ("Result", ("indicator", id(indicator)), ("period", id(period)))
        batch.remember(key, result)
    seen_version = result.version
    audit_before = apply_result(result, values, existed=existed)
    submitted = state == m.ResultState.SUBMITTED and (before is None or before[-1] != state)
    if state and state != result.state:
        result.state = state
        result.submitted_at = m.utcnow() if state != m.ResultState.DRAFT else None
        if state == m.ResultState.VERIFIED:
            result.verified_by_id = batch.viewer.user_id
            result.verified_at = m.utcnow()
    after = (*(getattr(result, k) for k in typed), result.state)
    outcome = "created" if before is None else "updated" if after != before else "unchanged"
    batch.count(outcome, "results")
    op = ResultOp(
        batch.number, result, existed, seen_version, indicator, period, audit_before, values, submitted
    )
    batch.result_ops.append(op)
    return op


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
    withdraw: bool = False,
) -> m.Result:
    """Create or update the result of an indicator for a period.

    Only the program's company (or an admin) may write it; verified results are locked; figures and
    texts are held to :data:`RESULT` (:class:`~sinergi.writes.fields.FieldErrors` names each field
    that does not fit). ``evidence`` None keeps what the result holds, as does ``note`` None (the
    plausibility note: why an actual far from what was expected is right). A submitted result is
    changed only with ``withdraw`` (the writer agreed to take it out of the agency's queue; the
    withdrawal is audited), else :class:`~sinergi.core.errors.ResultSubmitted`.
    """
    company_id, _ = _indicator_company(session, indicator_id)
    typed: dict[str, Any] = {"target": target, "actual": actual, "narrative": narrative}
    if evidence is not None:
        typed["evidence"] = evidence
    if note is not None:
        typed["plausibility_note"] = note
    # Planned on what this transaction reads, by a session of its own that never writes, then written.
    with Session(bind=session.connection(), autoflush=False) as reading:
        batch = Batch(reading, viewer)
        indicator = reading.get(m.Indicator, indicator_id)
        period = reading.get(m.Period, period_id)
        if indicator is None or period is None:
            raise LookupError(f"indicator {indicator_id}, period {period_id}")
        existing = batch.result(indicator, period)
        was = existing.state if existing is not None else None
        op = plan_result(
            batch, company_id=company_id, indicator=indicator, period=period, typed=typed, withdraw=withdraw
        )
    assert op is not None  # only an import's plan leaves a result as it is
    if batch.write(session, raising=True):  # a result someone else wrote since this plan read it
        raise ResultChanged(result_id=op.record.id)
    result = session.get(m.Result, op.record.id, populate_existing=True)
    assert result is not None
    if was == m.ResultState.SUBMITTED and result.state != m.ResultState.SUBMITTED:
        audit.record(
            session=session,
            actor=viewer,
            action="withdraw",
            entity="result",
            entity_id=result.id,
            before={"state": was},
            after={"state": result.state},
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
    of a regency where the program works, or an admin (:meth:`Viewer.may_verify_result`)."""
    result = session.get(m.Result, result_id, with_for_update=True)
    if result is not None and not viewer.may_verify_result(result_regencies(session, result.indicator_id)):
        refuse(viewer=viewer, entity="result", entity_id=result_id, detail=detail)
    return result


def _submitted_as_seen(
    session: Session, viewer: Viewer, result_id: int, version: int | None, detail: str
) -> m.Result:
    """The submitted result a verifier acts on, refused for anyone who may not verify it; with
    ``version`` (the version the verifier was shown), one changed since is refused."""
    result = result_to_verify(session, viewer, result_id, detail)
    if result is None:
        raise LookupError(f"result {result_id}")
    if result.state != m.ResultState.SUBMITTED or (version is not None and result.version != version):
        raise ResultChanged(result_id=result_id)
    return result


def verify_result(
    *, session: Session, viewer: Viewer, result_id: int, version: int | None = None
) -> m.Result:
    """Mark a submitted result verified: the agency of a regency where the program works, or an admin.

    With ``version`` (the version the verifier was shown), a result changed since is refused.
    """
    result = _submitted_as_seen(session, viewer, result_id, version, "verify")
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


def verify_results(*, session: Session, viewer: Viewer, seen: Sequence[tuple[int, int]]) -> int:
    """Verify many submitted results at once, each as (result id, the version the verifier was shown):
    all or nothing. One the verifier may not verify, or one changed since it was shown, refuses the
    whole list (the caller's transaction rolls back), so a verifier never verifies part of what was
    picked without knowing which part. Returns how many were verified."""
    for result_id, version in seen:
        verify_result(session=session, viewer=viewer, result_id=result_id, version=version)
    if seen:
        notices.notify_verified(session, [result_id for result_id, _ in seen])
    return len(seen)


# The longest note a result is sent back with (the column holds as much).
RETURN_NOTE_LIMIT = 2000


def return_result(
    *, session: Session, viewer: Viewer, result_id: int, note: str, version: int | None = None
) -> m.Result:
    """Send a submitted result back to its company with a note that says what to correct: whoever may
    verify it (:func:`result_to_verify`). It is "returned" until the company submits it again; the
    company sees the note beside it meanwhile. With ``version`` (the version the verifier was shown),
    a result changed since is refused, as when verifying."""
    result = _submitted_as_seen(session, viewer, result_id, version, "return")
    text = note.strip()
    if not text:
        raise ReturnNoteMissing()
    if len(text) > RETURN_NOTE_LIMIT:
        raise ReturnNoteTooLong(max=RETURN_NOTE_LIMIT)
    returned = move_result(
        session=session,
        viewer=viewer,
        result=result,
        state=m.ResultState.RETURNED,
        action="return",
        changes={"return_note": text, "returned_by_id": viewer.user_id, "returned_at": m.utcnow()},
        detail=text,
    )
    notices.notify_returned(session, returned)
    return returned


def withdraw_submission(*, session: Session, viewer: Viewer, result_id: int, version: int) -> m.Result:
    """Take a submitted result out of the agency's queue, back to draft, so its company can correct
    it: whoever may write the company's results, the result as it was shown (``version``)."""
    result = session.get(m.Result, result_id, with_for_update=True)
    if result is None:
        raise LookupError(f"result {result_id}")
    company_id, _ = _indicator_company(session, result.indicator_id)
    if not viewer.may_write_company(company_id):
        refuse(viewer=viewer, entity="result", entity_id=result_id, detail="withdraw")
    if result.state != m.ResultState.SUBMITTED or result.version != version:
        raise ResultChanged(result_id=result_id)
    return move_result(
        session=session,
        viewer=viewer,
        result=result,
        state=m.ResultState.DRAFT,
        action="withdraw",
        changes={"submitted_at": None},
    )


def move_result(
    *,
    session: Session,
    viewer: Viewer,
    result: m.Result,
    state: m.ResultState,
    action: str,
    changes: dict[str, Any],
    detail: str = "",
) -> m.Result:
    """Move a result the caller has authorised to ``state``, with the columns that go with it
    (``changes``), a new version, and the audit row of ``action``: every change of a result's state but
    a save of its figures ends here."""
    before = {"state": result.state, **{name: getattr(result, name) for name in changes}}
    result.state = state
    for name, value in changes.items():
        setattr(result, name, value)
    new_version(session, result, m.utcnow())
    after = {"state": state, **{name: value for name, value in changes.items() if isinstance(value, str)}}
    audit.record(
        session=session,
        actor=viewer,
        action=action,
        entity="result",
        entity_id=result.id,
        before=before,
        after=after,
        detail=detail,
    )
    return result

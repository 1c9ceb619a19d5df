"""Writes: each command is one user action in one transaction."""

from __future__ import annotations

from sqlmodel import Session, select

import models as m
from domain.errors import ResultLocked


def record_result(
    *,
    session: Session,
    indicator_id: int,
    period_id: int,
    target: float | None,
    actual: float | None,
    narrative: str = "",
) -> m.Result:
    """Create or update the result of an indicator for a period. Verified results are locked."""
    result = session.exec(
        select(m.Result).where(m.Result.indicator_id == indicator_id, m.Result.period_id == period_id)
    ).first()
    if result is None:
        result = m.Result(indicator_id=indicator_id, period_id=period_id)
    elif result.state == m.ResultState.VERIFIED:
        raise ResultLocked(result_id=result.id)
    else:
        result.version += 1
        result.updated_at = m.utcnow()
    result.target = target
    result.actual = actual
    result.narrative = narrative
    session.add(result)
    session.flush()
    return result

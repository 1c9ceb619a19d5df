"""The agency's queue: the submitted results it verifies, with what it needs to judge each one (the
company, the figures, the achievement, the period before, the narrative and evidence); and the results
sent back to their company, with the note that says what to correct."""

from __future__ import annotations

import itertools
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

import models as m
from sinergi.core.access import Viewer
from sinergi.core.db import reads, rows, select_columns
from sinergi.rules.achievement import Thresholds, achievement, achievement_status

QUEUE_COLUMNS = [
    "result_id",
    "version",
    "company",
    "program",
    "indicator",
    "unit",
    "period",
    "target",
    "actual",
    "achievement",
    "status",
    "previous",
    "narrative",
    "evidence",
    "plausibility_note",
    "submitted_at",
]
RETURNED_COLUMNS = [
    "result_id",
    "company",
    "program",
    "indicator",
    "unit",
    "period",
    "target",
    "actual",
    "narrative",
    "evidence",
    "return_note",
    "returned_by",
    "returned_at",
]
# The tables a result's row reads; an agency's scope reads the places its programs work in.
_TABLES = (m.Result, m.Indicator, m.Program, m.Company, m.Period, m.ProgramVillage, m.Village, m.District)


def _results_in(state: str, conditions: list[ColumnElement[bool]], *extra: Any) -> Any:
    """Results in ``state`` of the programs ``conditions`` allow, with their company, program,
    indicator and period, the newest period first."""
    return (
        select_columns(
            col(m.Result.id),
            col(m.Result.version),
            col(m.Company.name),
            col(m.Program.name),
            col(m.Indicator.name),
            col(m.Indicator.unit),
            col(m.Indicator.direction),
            col(m.Indicator.id),
            col(m.Period.id),
            col(m.Period.code),
            col(m.Result.target),
            col(m.Result.actual),
            col(m.Result.narrative),
            col(m.Result.evidence),
            *extra,
        )
        .select_from(m.Result)
        .join(m.Indicator, col(m.Indicator.id) == col(m.Result.indicator_id))
        .join(m.Program, col(m.Program.id) == col(m.Indicator.program_id))
        .join(m.Company, col(m.Company.id) == col(m.Program.company_id))
        .join(m.Period, col(m.Period.id) == col(m.Result.period_id))
        .where(col(m.Result.state) == state, *conditions)
        .order_by(
            col(m.Period.start_date).desc(), col(m.Company.name), col(m.Program.name), col(m.Indicator.name)
        )
    )


def _periods_before(session: Session) -> dict[int, int]:
    """Each period's id → the id of the period just before it (by start date)."""
    ordered = session.exec(select(m.Period).order_by(col(m.Period.start_date))).all()
    return {
        later.id: earlier.id
        for earlier, later in itertools.pairwise(ordered)
        if earlier.id is not None and later.id is not None
    }


def _previous_actuals(session: Session, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], float | None]:
    """The actual of each (indicator, period) of ``pairs`` in the period just before it."""
    before = _periods_before(session)
    wanted = {(indicator, before[period]) for indicator, period in pairs if period in before}
    if not wanted:
        return {}
    found = {
        (indicator, period): actual
        for indicator, period, actual in rows(
            session,
            select_columns(col(m.Result.indicator_id), col(m.Result.period_id), col(m.Result.actual)).where(
                col(m.Result.indicator_id).in_({indicator for indicator, _ in wanted}),
                col(m.Result.period_id).in_({period for _, period in wanted}),
            ),
        )
    }
    return {
        (indicator, period): found.get((indicator, before[period]))
        for indicator, period in pairs
        if period in before
    }


@reads(*_TABLES, m.Setting)
def verification_queue(*, session: Session, viewer: Viewer, thresholds: Thresholds) -> pd.DataFrame:
    """The submitted results waiting for ``viewer``'s verification: those of programs working in an
    agency's regency, every one for an admin, none for anyone else (:meth:`Viewer.verification_conditions`).

    Each row holds what a verifier judges it by: company, program, indicator and unit, period, target,
    actual, achievement (actual against target in the indicator's direction) and its status by the
    admin's ``thresholds``, the actual of the period before, the narrative, the evidence, the note
    that says why an unusual actual is right, when it was submitted; and the ``version`` the verifier
    acts on (a result changed since is refused).
    """
    found = rows(
        session,
        _results_in(
            m.ResultState.SUBMITTED,
            viewer.verification_conditions(),
            col(m.Result.plausibility_note),
            col(m.Result.submitted_at),
        ),
    )
    previous = _previous_actuals(session, {(row[7], row[8]) for row in found})
    records = []
    for (
        result_id,
        version,
        company,
        program,
        indicator,
        unit,
        direction,
        indicator_id,
        period_id,
        period,
        target,
        actual,
        narrative,
        evidence,
        note,
        submitted_at,
    ) in found:
        ratio = achievement(target, actual, direction)
        records.append(
            {
                "result_id": result_id,
                "version": version,
                "company": company,
                "program": program,
                "indicator": indicator,
                "unit": unit,
                "period": period,
                "target": target,
                "actual": actual,
                "achievement": ratio,
                "status": achievement_status(ratio, thresholds).value,
                "previous": previous.get((indicator_id, period_id)),
                "narrative": narrative,
                "evidence": evidence,
                "plausibility_note": note,
                "submitted_at": submitted_at,
            }
        )
    return pd.DataFrame(records, columns=QUEUE_COLUMNS)


@reads(*_TABLES, m.User)
def returned_results(*, session: Session, viewer: Viewer) -> pd.DataFrame:
    """The results sent back to their company and not yet submitted again, each with its note, who
    sent it back and when: a company's own, those of an agency's regency, all for an admin
    (:meth:`Viewer.returned_conditions`)."""
    returner = aliased(m.User)
    statement = _results_in(
        m.ResultState.RETURNED,
        viewer.returned_conditions(),
        col(m.Result.return_note),
        col(returner.display_name),
        col(m.Result.returned_at),
    ).outerjoin(returner, col(returner.id) == col(m.Result.returned_by_id))
    records = [
        {
            "result_id": row[0],
            "company": row[2],
            "program": row[3],
            "indicator": row[4],
            "unit": row[5],
            "period": row[9],
            "target": row[10],
            "actual": row[11],
            "narrative": row[12],
            "evidence": row[13],
            "return_note": row[14],
            "returned_by": row[15] or "",
            "returned_at": row[16],
        }
        for row in rows(session, statement)
    ]
    return pd.DataFrame(records, columns=RETURNED_COLUMNS)

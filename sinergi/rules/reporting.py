"""When an indicator is due in a reporting period, and how far a due indicator's result has got.

An indicator is due in a semester when its program runs during that semester (it started by the
semester's last day and had not ended before its first; an open end runs on) and has left planning:
a program still being planned has nothing to report yet, whatever dates it was given. A due indicator
without an actual, whether its row holds only a target or there is no row at all, is "not reported";
it is counted in every denominator, never left out. A result reported for a semester in which its
indicator was not due (a late figure after the program ended) is counted as well: what was reported
is never dropped.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, literal
from sqlmodel import col

import models as m
from sinergi.rules.activity import program_runs, program_runs_between


class ReportStage(StrEnum):
    """How far the result of a due indicator has got in a period; each stage includes the next ones
    (a verified result was submitted, a submitted one reported)."""

    NOT_REPORTED = "not_reported"
    REPORTED = "reported"
    SUBMITTED = "submitted"
    VERIFIED = "verified"


def program_due(*, stage: str, start: date, end: date | None, period_start: date, period_end: date) -> bool:
    """Whether a program's indicators are due in the period from ``period_start`` to ``period_end``."""
    if stage == m.Stage.PLANNING:
        return False
    return program_runs(start=start, end=end, first=period_start, last=period_end)


def program_due_sql(period_start: Any, period_end: Any) -> ColumnElement[bool]:
    """:func:`program_due` as SQL on ``program``, the period's dates given as columns or values."""
    return and_(
        col(m.Program.stage) != m.Stage.PLANNING.value,
        program_runs_between(period_start, period_end),
    )


def counted(*, due: bool, actual: float | None) -> bool:
    """Whether an indicator counts in a period: due there, or reported there anyway."""
    return due or actual is not None


def report_stage(actual: float | None, state: str | None) -> ReportStage:
    """The stage of a counted indicator's result (``state`` None when the period has no row for it).

    Reported means an actual was entered; a row with only a target is not reported.
    """
    if actual is None:
        return ReportStage.NOT_REPORTED
    if state == m.ResultState.VERIFIED:
        return ReportStage.VERIFIED
    if state == m.ResultState.SUBMITTED:
        return ReportStage.SUBMITTED
    return ReportStage.REPORTED


def report_stage_sql(actual: Any, state: Any) -> ColumnElement[str]:
    """:func:`report_stage` as an SQL expression."""
    return case(
        (actual.is_(None), literal(ReportStage.NOT_REPORTED.value)),
        (state == m.ResultState.VERIFIED.value, literal(ReportStage.VERIFIED.value)),
        (state == m.ResultState.SUBMITTED.value, literal(ReportStage.SUBMITTED.value)),
        else_=literal(ReportStage.REPORTED.value),
    )

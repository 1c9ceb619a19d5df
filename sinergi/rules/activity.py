"""When a program counts as running: within a span of days, or during a plan year."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_
from sqlmodel import col

import models as m


def program_runs(*, start: date, end: date | None, first: date, last: date) -> bool:
    """Whether a program from ``start`` to ``end`` runs during ``first`` to ``last``: it started by
    ``last`` and had not ended before ``first`` (an open end runs on)."""
    return start <= last and (end is None or end >= first)


def program_runs_between(first: Any, last: Any) -> ColumnElement[bool]:
    """:func:`program_runs` as SQL on ``program``, the span's days given as values or columns."""
    return and_(
        col(m.Program.start_date) <= last,
        col(m.Program.end_date).is_(None) | (col(m.Program.end_date) >= first),
    )


def program_runs_in_year(year: int) -> ColumnElement[bool]:
    """SQL: the program runs on some day of ``year``; a plan year counts what ran during it."""
    return program_runs_between(date(year, 1, 1), date(year, 12, 31))

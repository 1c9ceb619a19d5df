"""Who has reported what: indicators due, reported, submitted and verified per company and semester,
and the names of what a company has not reported.

Every figure counts the indicators :mod:`sinergi.rules.reporting` says are due (or were reported
anyway), so an indicator nobody reported is counted as not reported rather than left out. The overview
counts over the same pairs (:func:`counted_results`).
"""

from __future__ import annotations

from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import ColumnElement, Select, and_, func, or_, true
from sqlmodel import Session, col, select

import models as m
from sinergi.core.access import Viewer
from sinergi.core.db import reads, rows, select_columns
from sinergi.reads.filters import Filters, program_scope, result_scope
from sinergi.rules.reporting import ReportStage, program_due_sql, report_stage_sql

S = TypeVar("S", bound=Select[Any])

# The tables a count over counted results reads; the regency condition reads the places.
COUNTED_TABLES = (m.Program, m.ProgramVillage, m.Village, m.District, m.Indicator, m.Period, m.Result)

COMPLETENESS_COLUMNS = [
    "company_id",
    "company",
    "period",
    "due",
    "reported",
    "submitted",
    "verified",
    "missing",
    "share_reported",
]
MISSING_COLUMNS = ["program_id", "program", "indicator", "unit", "target", "state"]


def counted_results(
    filters: Filters, viewer: Viewer, *columns: Any, periods: ColumnElement[bool] | None = None
) -> Select[Any]:
    """``columns`` of every indicator × period counted in the view: the indicators of the programs in
    scope in each period (``periods`` narrows which) where they are due or were reported anyway, with
    ``program``, ``indicator``, ``period`` and the period's ``result`` (all NULL when it has no row) to
    select from.

    The pairs are made by joining each indicator to the periods it counts in, so an indicator due
    without a result row is there too. In a verified-only view an unverified result is left out of the
    join: its indicator, if due, is counted as not reported.
    """
    # Each indicator meets every period chosen; the period's result (one at most) is joined to it,
    # and the pair is kept when the program is due then or the result has an actual.
    statement = (
        select_columns(*columns)
        .select_from(m.Indicator)
        .join(m.Program, col(m.Program.id) == col(m.Indicator.program_id))
        .join(m.Period, true() if periods is None else periods)
        .outerjoin(
            m.Result,
            and_(
                col(m.Result.indicator_id) == col(m.Indicator.id),
                col(m.Result.period_id) == col(m.Period.id),
                # A result the view may not show (unverified in a verified-only view) is not there.
                *result_scope(filters, viewer),
            ),
        )
        .where(
            or_(
                program_due_sql(col(m.Period.start_date), col(m.Period.end_date)),
                col(m.Result.actual).is_not(None),
            )
        )
    )
    return in_scope(statement, filters, viewer)


def in_scope(statement: S, filters: Filters, viewer: Viewer) -> S:
    """``statement`` over indicators limited to the programs in scope, judged once per program rather
    than once per result (the regency condition is a subquery of its own)."""
    scope = program_scope(filters, viewer)
    if not scope:
        return statement
    return statement.where(col(m.Indicator.program_id).in_(select(col(m.Program.id)).where(*scope)))


def chosen_periods(filters: Filters) -> ColumnElement[bool] | None:
    """The periods the filters pick: the semester chosen, else the plan year's, else all."""
    if filters.period:
        return col(m.Period.code) == filters.period
    if filters.year is not None:
        return col(m.Period.year) == filters.year
    return None


@reads(m.Company, *COUNTED_TABLES)
def completeness(*, session: Session, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """One row per company and semester in which the company has indicators due, newest semester
    first and, within it, the company that is missing most first.

    Columns: ``company_id``, ``company``, ``period``, ``due``, ``reported`` (an actual entered),
    ``submitted`` (sent for verification, verified ones included), ``verified``, ``missing`` (due and
    not reported) and ``share_reported`` (reported of due, 0–1).
    """
    stage = report_stage_sql(col(m.Result.actual), col(m.Result.state)).label("stage")
    pairs = counted_results(
        filters,
        viewer,
        col(m.Program.company_id).label("company_id"),
        col(m.Period.code).label("period"),
        stage,
        periods=chosen_periods(filters),
    ).subquery()
    not_reported = pairs.c.stage == ReportStage.NOT_REPORTED.value
    submitted = pairs.c.stage.in_([ReportStage.SUBMITTED.value, ReportStage.VERIFIED.value])
    per_company = (
        select_columns(
            pairs.c.company_id,
            pairs.c.period,
            func.count().label("due"),
            func.count().filter(~not_reported).label("reported"),
            func.count().filter(submitted).label("submitted"),
            func.count().filter(pairs.c.stage == ReportStage.VERIFIED.value).label("verified"),
        )
        .group_by(pairs.c.company_id, pairs.c.period)
        .subquery()
    )
    statement = select_columns(
        per_company.c.company_id,
        col(m.Company.name),
        per_company.c.period,
        per_company.c.due,
        per_company.c.reported,
        per_company.c.submitted,
        per_company.c.verified,
    ).join(m.Company, col(m.Company.id) == per_company.c.company_id)
    frame = pd.DataFrame(rows(session, statement), columns=COMPLETENESS_COLUMNS[:7])
    frame = frame.astype(dict.fromkeys(["company_id", "due", "reported", "submitted", "verified"], int))
    frame["missing"] = frame["due"] - frame["reported"]
    frame["share_reported"] = (frame["reported"] / frame["due"]).astype(float)
    ordered = frame.sort_values(
        ["period", "missing", "company"], ascending=[False, False, True], ignore_index=True
    )
    return ordered[COMPLETENESS_COLUMNS]


@reads(*COUNTED_TABLES)
def missing_indicators(
    *, session: Session, viewer: Viewer, filters: Filters, company_id: int, period: str
) -> pd.DataFrame:
    """The indicators ``company_id`` has due in ``period`` and has not reported, by program and name;
    nothing for a company or period outside what the viewer may read.

    Columns: ``program_id``, ``program``, ``indicator``, ``unit``, ``target`` (None if none was set)
    and ``state`` (the result's state, None when the period has no row for it).
    """
    statement = (
        counted_results(
            filters,
            viewer,
            col(m.Program.id),
            col(m.Program.name),
            col(m.Indicator.name),
            col(m.Indicator.unit),
            col(m.Result.target),
            col(m.Result.state),
            periods=col(m.Period.code) == period,
        )
        .where(col(m.Program.company_id) == company_id, col(m.Result.actual).is_(None))
        .order_by(col(m.Program.name), col(m.Indicator.name))
    )
    frame = pd.DataFrame(rows(session, statement), columns=MISSING_COLUMNS)
    return frame.astype({"program_id": int, "target": float})

"""Who has reported what: indicators due, reported, submitted and verified per company and semester,
and the names of what a company has not reported.

Every figure counts the indicators :mod:`sinergi.rules.reporting` says are due (or were reported
anyway), so an indicator nobody reported is counted as not reported rather than left out. The overview
counts over the same pairs (:func:`counted_results`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import ColumnElement, Select, and_, false, func, or_, true
from sqlmodel import Session, col, select

import models as m
from sinergi.core.access import Viewer
from sinergi.core.db import reads, rows, select_columns, table_of
from sinergi.reads.filters import Filters, group_source, program_scope, result_scope
from sinergi.rules.reporting import program_due_sql

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


# The tables a count over the kept figures reads (per program or per group of programs); the regency
# condition reads the places.
FIGURE_TABLES = (
    m.ProgramPeriodFigure,
    m.GroupPeriodFigure,
    m.CompanyPeriodFigure,
    m.PillarPeriodFigure,
    m.Program,
    m.ProgramVillage,
    m.Village,
    m.District,
    m.Period,
)
FIGURE = m.ProgramPeriodFigure.__table__  # type: ignore[attr-defined]
# The figures per period of groups of programs, smallest first: across companies (per pillar and flag),
# across pillars (per company), per company, pillar and flag.
GROUP_FIGURES = tuple(
    table_of(model) for model in (m.PillarPeriodFigure, m.CompanyPeriodFigure, m.GroupPeriodFigure)
)


@dataclass(frozen=True)
class FigureColumns:
    """The columns of ``program_period_figure`` a view counts with. In a verified-only view a result
    no agency verified is not there: its indicator, if due, counts as not reported."""

    counted: Any
    reported: Any
    submitted: Any
    verified: Any  # reported and verified
    on_track: Any
    needs_attention: Any
    off_track: Any
    on_track_verified: Any
    needs_attention_verified: Any
    off_track_verified: Any
    measured: Any
    measured_verified: Any
    achievement_sum: Any  # of capped achievements, over ``measured``
    gaps: Any


def figure_columns(filters: Filters, viewer: Viewer, table: Any = FIGURE) -> FigureColumns:
    """The figure columns of the view ``filters`` and ``viewer`` make, in ``table`` (the figures per
    program, or those per group)."""
    f = table.c
    if result_scope(filters, viewer):
        return FigureColumns(
            counted=f.counted_v,
            reported=f.verified,
            submitted=f.verified,
            verified=f.verified,
            on_track=f.on_track_v,
            needs_attention=f.needs_attention_v,
            off_track=f.off_track_v,
            on_track_verified=f.on_track_v,
            needs_attention_verified=f.needs_attention_v,
            off_track_verified=f.off_track_v,
            measured=f.measured_v,
            measured_verified=f.measured_v,
            achievement_sum=f.achievement_sum_v,
            gaps=f.gaps_v,
        )
    return FigureColumns(
        counted=f.counted,
        reported=f.reported,
        submitted=f.submitted,
        verified=f.verified,
        on_track=f.on_track,
        needs_attention=f.needs_attention,
        off_track=f.off_track,
        on_track_verified=f.on_track_v,
        needs_attention_verified=f.needs_attention_v,
        off_track_verified=f.off_track_v,
        measured=f.measured,
        measured_verified=f.measured_v,
        achievement_sum=f.achievement_sum,
        gaps=f.gaps,
    )


def figures(
    filters: Filters, viewer: Viewer, *columns: Any, periods: ColumnElement[bool] | None = None
) -> Select[Any]:
    """``columns`` over the kept figures of the programs in scope, with ``program`` and ``period`` to
    select from; ``periods`` narrows which periods."""
    statement = (
        select_columns(*columns)
        .select_from(FIGURE)
        .join(m.Program, col(m.Program.id) == FIGURE.c.program_id)
        .join(m.Period, col(m.Period.id) == FIGURE.c.period_id)
    )
    if periods is not None:
        statement = statement.where(periods)
    scope = program_scope(filters, viewer)
    if scope:
        statement = statement.where(FIGURE.c.program_id.in_(select(col(m.Program.id)).where(*scope)))
    return statement


@dataclass(frozen=True)
class PeriodFigures:
    """Where a view's figures per period come from: figures per group of programs when the view is
    made of whole groups (a province's, a company's, a pillar's), else those per program. Either way
    :attr:`company_id` and :attr:`pillar` are the columns to group by (those asked for when it was
    chosen), and :meth:`select` a statement over the view's rows with ``period`` joined."""

    filters: Filters
    viewer: Viewer
    table: Any
    groups: list[ColumnElement[bool]] | None  # on ``table`` of group figures; None: added up per program

    @property
    def columns(self) -> FigureColumns:
        return figure_columns(self.filters, self.viewer, self.table)

    @property
    def company_id(self) -> Any:
        return col(m.Program.company_id) if self.groups is None else self.table.c.company_id

    @property
    def pillar(self) -> Any:
        return col(m.Program.pillar) if self.groups is None else self.table.c.pillar

    def in_view(self) -> list[ColumnElement[bool]]:
        """Conditions on :attr:`table` for the rows of the view."""
        if self.groups is not None:
            return self.groups
        scope = program_scope(self.filters, self.viewer)
        return [FIGURE.c.program_id.in_(select(col(m.Program.id)).where(*scope))] if scope else []

    def select(self, *columns: Any, periods: ColumnElement[bool] | None = None) -> Select[Any]:
        if self.groups is None:
            return figures(self.filters, self.viewer, *columns, periods=periods)
        statement = (
            select_columns(*columns)
            .select_from(self.table)
            .join(m.Period, col(m.Period.id) == self.table.c.period_id)
            .where(*self.groups)
        )
        return statement if periods is None else statement.where(periods)


def period_figures(filters: Filters, viewer: Viewer, *, by: tuple[str, ...] = ()) -> PeriodFigures:
    """The figures the view ``filters`` and ``viewer`` make adds up, grouped ``by`` some of
    ``company_id`` and ``pillar``: the smallest table of group figures that holds them, else the
    figures per program."""
    found = group_source(GROUP_FIGURES, filters, viewer, by=by)
    if found is None:
        return PeriodFigures(filters, viewer, FIGURE, None)
    return PeriodFigures(filters, viewer, *found)


def total(column: Any) -> Any:
    """The sum of a figure column, 0 over no rows."""
    return func.coalesce(func.sum(column), 0)


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


@reads(m.Company, *FIGURE_TABLES)
def completeness(
    *, session: Session, viewer: Viewer, filters: Filters, at_least: int | None = None
) -> pd.DataFrame:
    """One row per company and semester in which the company has indicators due, newest semester
    first and, within it, the company that is missing most first. With ``at_least``, only the newest
    whole semesters that hold that many rows (all, if they hold fewer): the rows a page draws first,
    read a semester at a time.

    Columns: ``company_id``, ``company``, ``period``, ``due``, ``reported`` (an actual entered),
    ``submitted`` (sent for verification, verified ones included), ``verified``, ``missing`` (due and
    not reported) and ``share_reported`` (reported of due, 0–1).
    """
    if at_least is None:
        frame = _completeness_rows(session, viewer, filters, chosen_periods(filters))
    else:
        codes = session.exec(
            select(m.Period.code)
            .where(*_conditions(chosen_periods(filters)))
            .order_by(col(m.Period.code).desc())
        ).all()
        # Semesters newest first, one, then two, then four more…: a province's newest holds enough.
        frames: list[pd.DataFrame] = []
        taken = 0
        while taken < len(codes) and sum(len(f) for f in frames) < at_least:
            batch = codes[taken : 2 * taken + 1]
            frames.append(_completeness_rows(session, viewer, filters, col(m.Period.code).in_(batch)))
            taken += len(batch)
        frame = (
            pd.concat(frames, ignore_index=True)
            if frames
            else _completeness_rows(session, viewer, filters, false())
        )
    ordered = frame.sort_values(
        ["period", "missing", "company"], ascending=[False, False, True], ignore_index=True
    )
    return ordered[COMPLETENESS_COLUMNS]


@reads(*FIGURE_TABLES)
def completeness_count(*, session: Session, viewer: Viewer, filters: Filters) -> int:
    """How many rows :func:`completeness` has."""
    per_company = _per_company(viewer, filters, chosen_periods(filters))
    return int(session.exec(select(func.count()).select_from(per_company)).one())


def _conditions(condition: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    return [] if condition is None else [condition]


def _per_company(viewer: Viewer, filters: Filters, periods: ColumnElement[bool] | None) -> Any:
    """Per company and semester in ``periods`` with indicators due: due, reported, submitted, verified."""
    source = period_figures(filters, viewer, by=("company_id",))
    figure = source.columns
    return (
        source.select(
            source.company_id.label("company_id"),
            col(m.Period.code).label("period"),
            total(figure.counted).label("due"),
            total(figure.reported).label("reported"),
            total(figure.submitted).label("submitted"),
            total(figure.verified).label("verified"),
            periods=periods,
        )
        .group_by(source.company_id, col(m.Period.code))
        .having(func.sum(figure.counted) > 0)
        .subquery()
    )


def _completeness_rows(
    session: Session, viewer: Viewer, filters: Filters, periods: ColumnElement[bool] | None
) -> pd.DataFrame:
    per_company = _per_company(viewer, filters, periods)
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
    return frame


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

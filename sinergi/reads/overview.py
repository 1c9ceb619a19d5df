"""Figures of the overview page: tiles, achievement by pillar and company, trend, and where programs work.

Every figure is aggregated in SQL over the programs the filters select.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Select, and_, case, func, literal
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

import models as m
from sinergi.core.access import Viewer
from sinergi.core.db import reads, rows, select_columns
from sinergi.reads.engagement import meeting_conditions
from sinergi.reads.filters import Filters, program_scope, result_scope
from sinergi.reads.reporting import COUNTED_TABLES, counted_results
from sinergi.rules.achievement import (
    AchievementStatus,
    Thresholds,
    achievement_sql,
    period_status_sql,
    status_sql,
)

# Achievement above this is counted as this in averages, so one indicator at 900 % does not
# hide three that are off track.
AVERAGE_CAP = 1.5
STATUS_ORDER = [s.value for s in AchievementStatus]


def _program_ids(filters: Filters, viewer: Viewer) -> SelectOfScalar[int | None]:
    return select(col(m.Program.id)).where(*program_scope(filters, viewer))


def _counted_rows(filters: Filters, viewer: Viewer, thresholds: Thresholds, period: str) -> Select[Any]:
    """The indicators counted in ``period`` (due there, or reported anyway) with their status: not
    reported for those without an actual, so none is left out of a denominator; ``verified`` tells
    whether an agency has checked the figure."""
    ratio = achievement_sql(m.Result.target, m.Result.actual, m.Indicator.direction)
    return counted_results(
        filters,
        viewer,
        col(m.Program.company_id).label("company_id"),
        col(m.Program.pillar).label("pillar"),
        period_status_sql(col(m.Result.actual), ratio, thresholds).label("status"),
        _verified(col(m.Result.state)).label("verified"),
        periods=col(m.Period.code) == period,
    )


def _verified(state: Any) -> ColumnElement[int]:
    """1 for a verified result, 0 for any other (draft, submitted, or no row at all)."""
    return case((state == m.ResultState.VERIFIED.value, 1), else_=0)


def _capped(ratio: ColumnElement[float]) -> ColumnElement[float]:
    return case((ratio > AVERAGE_CAP, literal(AVERAGE_CAP)), else_=ratio)


@reads(m.Result, m.Period, m.Program, m.Indicator, m.ProgramVillage)
def reporting_period(*, session: Session, filters: Filters, viewer: Viewer) -> str | None:
    """The semester the overview reports on: the one chosen, else the latest with actuals."""
    if filters.period:
        return filters.period
    # Periods newest first, each asked whether one of the indicators in scope has an actual there:
    # the latest period usually has, so this probes the (period, indicator) index a few times
    # instead of reading every result, however wide or narrow the scope.
    in_scope = (
        select(col(m.Indicator.id))
        .join(m.Program, col(m.Program.id) == col(m.Indicator.program_id))
        .where(*program_scope(filters, viewer))
    )
    has_actuals = (
        select(col(m.Result.id))
        .where(
            col(m.Result.period_id) == col(m.Period.id),
            col(m.Result.actual).is_not(None),
            col(m.Result.indicator_id).in_(in_scope),
            *result_scope(filters, viewer),
        )
        .exists()
    )
    statement = select(m.Period.code).where(has_actuals).order_by(col(m.Period.code).desc()).limit(1)
    if filters.year is not None:
        statement = statement.where(m.Period.year == filters.year)
    code = session.exec(statement).first()
    return str(code) if code else None


@dataclass(frozen=True)
class OverviewTiles:
    programs: int
    programs_active: int
    families_planned: int
    families_reached: int
    people_planned: int
    people_reached: int
    budget_planned: int
    budget_spent: int
    budget_year: int | None
    period: str | None
    # Indicators counted in ``period`` (due there, or reported anyway), those with an actual, and
    # those on track: a share of the first, so what nobody reported weighs against both.
    results_due: int
    results_reported: int
    results_on_track: int
    # Of the reported and of the on-track ones, those an agency has verified.
    results_reported_verified: int
    results_on_track_verified: int
    meetings: int
    feedback_items: int
    feedback_closed: int


@reads(*COUNTED_TABLES, m.ProgramBudget, m.Meeting, m.FeedbackItem)
def overview_tiles(
    *, session: Session, filters: Filters, viewer: Viewer, thresholds: Thresholds
) -> OverviewTiles:
    """The tiles at the top of the overview."""
    conditions = program_scope(filters, viewer)
    active = col(m.Program.stage) != m.Stage.COMPLETED.value
    [programs] = rows(
        session,
        select_columns(
            func.count(),
            func.coalesce(func.sum(case((active, 1), else_=0)), 0),
            func.coalesce(func.sum(m.Program.families_planned), 0),
            func.coalesce(func.sum(m.Program.families_reached), 0),
            func.coalesce(func.sum(col(m.Program.men_planned) + col(m.Program.women_planned)), 0),
            func.coalesce(func.sum(col(m.Program.men_reached) + col(m.Program.women_reached)), 0),
        ).where(*conditions),
    )

    budget_year = filters.effective_year
    budget = select(
        func.coalesce(func.sum(m.ProgramBudget.planned), 0), func.coalesce(func.sum(m.ProgramBudget.spent), 0)
    ).where(col(m.ProgramBudget.program_id).in_(_program_ids(filters, viewer)))
    if budget_year is not None:
        budget = budget.where(col(m.ProgramBudget.year) == budget_year)
    planned, spent = session.exec(budget).one()

    period = reporting_period(session=session, filters=filters, viewer=viewer)
    due = reported = on_track = reported_verified = on_track_verified = 0
    if period is not None:
        counted = _counted_rows(filters, viewer, thresholds, period).subquery()
        was_reported = counted.c.status != AchievementStatus.NOT_REPORTED.value
        is_on_track = counted.c.status == AchievementStatus.ON_TRACK.value
        checked = counted.c.verified == 1
        [(due, reported, on_track, reported_verified, on_track_verified)] = rows(
            session,
            select_columns(
                func.count(),
                func.count().filter(was_reported),
                func.count().filter(is_on_track),
                func.count().filter(and_(was_reported, checked)),
                func.count().filter(and_(is_on_track, checked)),
            ).select_from(counted),
        )

    meeting_ids = select(col(m.Meeting.id)).where(*meeting_conditions(filters, viewer))
    meetings = session.exec(
        select(func.count()).select_from(m.Meeting).where(*meeting_conditions(filters, viewer))
    ).one()
    closed = col(m.FeedbackItem.status).in_([m.FeedbackStatus.DONE.value, m.FeedbackStatus.DECLINED.value])
    feedback_total, feedback_closed = session.exec(
        select(func.count(), func.count().filter(closed)).where(
            col(m.FeedbackItem.meeting_id).in_(meeting_ids)
        )
    ).one()

    return OverviewTiles(
        programs=int(programs[0]),
        programs_active=int(programs[1]),
        families_planned=int(programs[2]),
        families_reached=int(programs[3]),
        people_planned=int(programs[4]),
        people_reached=int(programs[5]),
        budget_planned=int(planned),
        budget_spent=int(spent),
        budget_year=budget_year,
        period=period,
        results_due=int(due),
        results_reported=int(reported),
        results_on_track=int(on_track),
        results_reported_verified=int(reported_verified),
        results_on_track_verified=int(on_track_verified),
        meetings=int(meetings),
        feedback_items=int(feedback_total),
        feedback_closed=int(feedback_closed),
    )


@reads(*COUNTED_TABLES, m.Company)
def achievement_by(
    *, session: Session, filters: Filters, viewer: Viewer, thresholds: Thresholds, group: str
) -> pd.DataFrame:
    """Indicators counted in the reporting period by status per pillar or per company, those nobody
    reported among them (status ``not_reported``).

    Columns: ``group``, ``status``, ``results``, ``verified`` (of ``results``, those an agency
    verified), ``share``, ``status_order``.
    """
    period = reporting_period(session=session, filters=filters, viewer=viewer)
    if period is None:
        return pd.DataFrame(columns=["group", "status", "results", "verified", "share", "status_order"])
    counted = _counted_rows(filters, viewer, thresholds, period).subquery()
    group_column: Any = col(m.Company.short_name) if group == "company" else counted.c.pillar
    statement = (
        select_columns(group_column, counted.c.status, func.count(), func.sum(counted.c.verified))
        .select_from(counted)
        .join(m.Company, col(m.Company.id) == counted.c.company_id)
        .group_by(group_column, counted.c.status)
        .order_by(group_column)
    )
    frame = pd.DataFrame(rows(session, statement), columns=["group", "status", "results", "verified"])
    frame = frame.astype({"verified": int})
    if frame.empty:
        return frame.assign(share=pd.Series(dtype=float), status_order=pd.Series(dtype=int))
    frame["share"] = frame["results"] / frame.groupby("group")["results"].transform("sum")
    frame["status_order"] = frame["status"].map(STATUS_ORDER.index)
    return frame


@reads(*COUNTED_TABLES)
def achievement_trend(
    *, session: Session, filters: Filters, viewer: Viewer, thresholds: Thresholds
) -> pd.DataFrame:
    """Average achievement (capped) of the measured indicators, and the shares on track and reported
    of all counted, per semester with measured indicators, with the share of the measured an agency
    verified.

    Columns: ``period``, ``achievement``, ``on_track_share``, ``reported_share``, ``results`` (measured),
    ``verified_share`` (verified of measured).
    """
    ratio = achievement_sql(m.Result.target, m.Result.actual, m.Indicator.direction)
    counted = counted_results(
        filters,
        viewer,
        col(m.Period.id).label("period_id"),
        col(m.Result.actual).label("actual"),
        ratio.label("achievement"),
        _verified(col(m.Result.state)).label("verified"),
        periods=None if filters.year is None else col(m.Period.year) == filters.year,
    )
    # Materialized, so each result's achievement is computed once: inlined, the database would
    # repeat the whole expression in every average and in the status of every row.
    measured = counted.cte("measured").prefix_with("MATERIALIZED")
    achievement = measured.c.achievement
    on_track = status_sql(achievement, thresholds) == AchievementStatus.ON_TRACK.value
    per_period = (
        select_columns(
            measured.c.period_id,
            func.avg(_capped(achievement)).label("achievement"),
            func.avg(case((on_track, 1.0), else_=0.0)).label("on_track_share"),
            func.avg(case((measured.c.actual.is_not(None), 1.0), else_=0.0)).label("reported_share"),
            func.count(achievement).label("results"),
            func.sum(case((achievement.is_not(None), measured.c.verified), else_=0)).label("verified"),
        )
        .group_by(measured.c.period_id)
        .having(func.count(achievement) > 0)
        .subquery()
    )
    statement = select_columns(
        col(m.Period.code),
        per_period.c.achievement,
        per_period.c.on_track_share,
        per_period.c.reported_share,
        per_period.c.results,
        per_period.c.verified,
    ).join(per_period, per_period.c.period_id == col(m.Period.id))
    frame = pd.DataFrame(
        rows(session, statement.order_by(col(m.Period.code))),
        columns=["period", "achievement", "on_track_share", "reported_share", "results", "verified"],
    )
    frame = frame.astype(
        {
            "achievement": float,
            "on_track_share": float,
            "reported_share": float,
            "results": int,
            "verified": int,
        }
    )
    frame["verified_share"] = (frame["verified"] / frame["results"]).astype(float)
    return frame.drop(columns="verified")


@reads(m.Program, m.ProgramVillage, m.Village, m.District, m.Regency)
def program_locations(*, session: Session, filters: Filters, viewer: Viewer) -> pd.DataFrame:
    """Where the filtered programs work: one row per village with its district and regency.

    Columns: ``regency``, ``district``, ``village``, ``programs``, ``families_reached``.
    """
    statement = (
        select_columns(
            col(m.Regency.name),
            col(m.District.name),
            col(m.Village.name),
            func.count(func.distinct(m.Program.id)),
            func.coalesce(func.sum(m.Program.families_reached), 0),
        )
        .select_from(m.ProgramVillage)
        .join(m.Program, col(m.Program.id) == col(m.ProgramVillage.program_id))
        .join(m.Village, col(m.Village.id) == col(m.ProgramVillage.village_id))
        .join(m.District, col(m.District.id) == col(m.Village.district_id))
        .join(m.Regency, col(m.Regency.id) == col(m.District.regency_id))
        .where(*program_scope(filters, viewer))
        .group_by(m.Regency.name, m.District.name, m.Village.name)
        .order_by(m.Regency.name, m.District.name, m.Village.name)
    )
    if filters.regency_id is not None:
        statement = statement.where(and_(col(m.Regency.id) == filters.regency_id))
    return pd.DataFrame(
        rows(session, statement), columns=["regency", "district", "village", "programs", "families_reached"]
    )

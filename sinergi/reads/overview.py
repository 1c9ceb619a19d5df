"""Figures of the overview page: tiles, achievement by pillar and company, trend, and where programs work.

Every figure is aggregated in SQL over the programs the filters select; the indicators' counts and
achievements come from the figures kept per program and period (``program_period_figure``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Select, and_, case, func, literal
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

import models as m
from sinergi.core.access import Viewer
from sinergi.core.db import reads, rows, select_columns, table_of
from sinergi.reads.engagement import meeting_conditions
from sinergi.reads.filters import Filters, group_source, program_scope
from sinergi.reads.reporting import FIGURE_TABLES, period_figures, total
from sinergi.rules.achievement import (
    AchievementStatus,
    Thresholds,
)

STATUS_ORDER = [s.value for s in AchievementStatus]
# Figures of groups of programs, smallest first (see ``reporting.GROUP_FIGURES``).
GROUP_PROGRAMS = (table_of(m.PillarFigure), table_of(m.GroupFigure))
GROUP_PLACES = (table_of(m.PillarPlace), table_of(m.GroupPlace))


def _program_ids(filters: Filters, viewer: Viewer) -> SelectOfScalar[int | None]:
    return select(col(m.Program.id)).where(*program_scope(filters, viewer))


@reads(*FIGURE_TABLES)
def reporting_period(*, session: Session, filters: Filters, viewer: Viewer) -> str | None:
    """The semester the overview reports on: the one chosen, else the latest with actuals."""
    if filters.period:
        return filters.period
    # Periods newest first, each asked whether a program in scope has an actual there: the latest
    # usually has, so this reads few of the kept figures however wide or narrow the scope.
    source = period_figures(filters, viewer)
    has_actuals = (
        select(literal(1))
        .select_from(source.table)
        .where(source.table.c.period_id == col(m.Period.id), source.columns.reported > 0, *source.in_view())
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


@reads(*FIGURE_TABLES, m.ProgramBudget, m.GroupFigure, m.PillarFigure, m.Meeting, m.MeetingFeedbackFigure)
def overview_tiles(
    *, session: Session, filters: Filters, viewer: Viewer, thresholds: Thresholds
) -> OverviewTiles:
    """The tiles at the top of the overview."""
    budget_year = filters.effective_year
    *programs, planned, spent = _program_totals(session, filters, viewer)

    period = reporting_period(session=session, filters=filters, viewer=viewer)
    due = reported = on_track = reported_verified = on_track_verified = 0
    if period is not None:
        source = period_figures(filters, viewer)
        figure = source.columns
        [(due, reported, on_track, reported_verified, on_track_verified)] = rows(
            session,
            source.select(
                total(figure.counted),
                total(figure.reported),
                total(figure.on_track),
                total(figure.verified),
                total(figure.on_track_verified),
                periods=col(m.Period.code) == period,
            ),
        )

    # Feedback from the figures kept per meeting, not from every item.
    said = m.MeetingFeedbackFigure
    meetings, feedback_total, feedback_closed = session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(col(said.items)), 0),
            func.coalesce(func.sum(col(said.status_done) + col(said.status_declined)), 0),
        )
        .select_from(m.Meeting)
        .outerjoin(said, col(said.meeting_id) == col(m.Meeting.id))
        .where(*meeting_conditions(filters, viewer))
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


def program_sums() -> list[Any]:
    """Sums over programs, named as the figures of groups keep them: programs, those not completed,
    families and people planned and reached."""
    active = col(m.Program.stage) != m.Stage.COMPLETED.value
    return [
        func.count().label("programs"),
        total(case((active, 1), else_=0)).label("active"),
        total(m.Program.families_planned).label("families_planned"),
        total(m.Program.families_reached).label("families_reached"),
        total(col(m.Program.men_planned) + col(m.Program.women_planned)).label("people_planned"),
        total(col(m.Program.men_reached) + col(m.Program.women_reached)).label("people_reached"),
    ]


def _program_totals(session: Session, filters: Filters, viewer: Viewer) -> list[int]:
    """Programs, those not completed, families and people planned and reached, budget planned and
    spent (in the view's plan year, if it has one): from the figures of groups when the view is made
    of whole groups (it then has no plan year), else from its programs."""
    found = group_source(GROUP_PROGRAMS, filters, viewer)
    if found is not None:
        table, groups = found
        sums = [total(table.c[name]) for name in m.ProgramTotals.model_fields]
        [made] = rows(session, select_columns(*sums).where(*groups))
        return [int(n) for n in made]
    [programs] = rows(session, select_columns(*program_sums()).where(*program_scope(filters, viewer)))
    budget = select_columns(total(m.ProgramBudget.planned), total(m.ProgramBudget.spent)).where(
        col(m.ProgramBudget.program_id).in_(_program_ids(filters, viewer))
    )
    if filters.effective_year is not None:
        budget = budget.where(col(m.ProgramBudget.year) == filters.effective_year)
    [spending] = rows(session, budget)
    return [int(n) for n in (*programs, *spending)]


@reads(*FIGURE_TABLES, m.Company)
def achievement_by(
    *, session: Session, filters: Filters, viewer: Viewer, thresholds: Thresholds, group: str
) -> pd.DataFrame:
    """Indicators counted in the reporting period by status per pillar or per company, those nobody
    reported among them (status ``not_reported``).

    Columns: ``group``, ``status``, ``results``, ``verified`` (of ``results``, those an agency
    verified), ``share``, ``status_order``. ``thresholds`` are those the kept figures were judged by.
    """
    del thresholds
    columns = ["group", "status", "results", "verified", "share", "status_order"]
    period = reporting_period(session=session, filters=filters, viewer=viewer)
    if period is None:
        return pd.DataFrame(columns=columns)
    source = period_figures(filters, viewer, by=("company_id",) if group == "company" else ("pillar",))
    figure = source.columns
    group_column: Any = col(m.Company.short_name) if group == "company" else source.pillar
    statement = (
        source.select(
            group_column,
            total(figure.counted),
            total(figure.reported),
            total(figure.verified),
            total(figure.on_track),
            total(figure.needs_attention),
            total(figure.off_track),
            total(figure.on_track_verified),
            total(figure.needs_attention_verified),
            total(figure.off_track_verified),
            periods=col(m.Period.code) == period,
        )
        .group_by(group_column)
        .order_by(group_column)
    )
    if group == "company":
        statement = statement.join(m.Company, col(m.Company.id) == source.company_id)
    found = []
    for name, counted, reported, verified, *judged in rows(session, statement):
        on_track, attention, off_track, on_track_v, attention_v, off_track_v = (int(n) for n in judged)
        counts = {
            AchievementStatus.ON_TRACK: (on_track, on_track_v),
            AchievementStatus.NEEDS_ATTENTION: (attention, attention_v),
            AchievementStatus.OFF_TRACK: (off_track, off_track_v),
            AchievementStatus.NO_DATA: (
                int(reported) - on_track - attention - off_track,
                int(verified) - on_track_v - attention_v - off_track_v,
            ),
            AchievementStatus.NOT_REPORTED: (int(counted) - int(reported), 0),
        }
        found += [(name, status.value, n, v) for status, (n, v) in counts.items() if n > 0]
    frame = pd.DataFrame(found, columns=columns[:4])
    if frame.empty:
        return frame.assign(share=pd.Series(dtype=float), status_order=pd.Series(dtype=int))
    frame = frame.astype({"results": int, "verified": int})
    frame["share"] = frame["results"] / frame.groupby("group")["results"].transform("sum")
    frame["status_order"] = frame["status"].map(STATUS_ORDER.index)
    return frame


@reads(*FIGURE_TABLES)
def achievement_trend(
    *, session: Session, filters: Filters, viewer: Viewer, thresholds: Thresholds
) -> pd.DataFrame:
    """Average achievement (capped) of the measured indicators, and the shares on track and reported
    of all counted, per semester with measured indicators, with the share of the measured an agency
    verified. ``thresholds`` are those the kept figures were judged by.

    Columns: ``period``, ``achievement``, ``on_track_share``, ``reported_share``, ``results`` (measured),
    ``verified_share`` (verified of measured).
    """
    del thresholds
    source = period_figures(filters, viewer)
    figure = source.columns
    measured = func.sum(figure.measured)
    counted = func.sum(figure.counted)
    statement = (
        source.select(
            col(m.Period.code),
            func.sum(figure.achievement_sum) / measured,
            func.sum(figure.on_track) * 1.0 / counted,
            func.sum(figure.reported) * 1.0 / counted,
            measured,
            func.sum(figure.measured_verified) * 1.0 / measured,
            periods=None if filters.year is None else col(m.Period.year) == filters.year,
        )
        .group_by(col(m.Period.code))
        .having(measured > 0)
        .order_by(col(m.Period.code))
    )
    frame = pd.DataFrame(
        rows(session, statement),
        columns=["period", "achievement", "on_track_share", "reported_share", "results", "verified_share"],
    )
    return frame.astype(
        {
            "achievement": float,
            "on_track_share": float,
            "reported_share": float,
            "results": int,
            "verified_share": float,
        }
    )


@dataclass(frozen=True)
class Places:
    """Where the filtered programs work, in short: ``by_regency`` has one row per regency with
    ``regency`` and ``programs`` (their links to its villages: a program working in three villages of
    a regency counts three); ``villages`` is the number of villages they work in."""

    by_regency: pd.DataFrame
    villages: int


@reads(m.GroupPlace, m.PillarPlace, m.Program, m.ProgramVillage, m.Village, m.District, m.Regency)
def places_by_regency(*, session: Session, filters: Filters, viewer: Viewer) -> Places:
    """Where the filtered programs work, per regency (the villages one by one are
    :func:`program_locations`)."""
    found = group_source(GROUP_PLACES, filters, viewer)
    if found is not None:
        table, groups = found
        links: Select[Any] = (
            select_columns(col(m.Regency.name), total(table.c.program_villages))
            .select_from(table)
            .join(m.Regency, col(m.Regency.id) == table.c.regency_id)
            .where(*groups)
            .group_by(col(m.Regency.name))
        )
    else:
        links = (
            select_columns(col(m.Regency.name), func.count())
            .select_from(m.ProgramVillage)
            .join(m.Village, col(m.Village.id) == col(m.ProgramVillage.village_id))
            .join(m.District, col(m.District.id) == col(m.Village.district_id))
            .join(m.Regency, col(m.Regency.id) == col(m.District.regency_id))
            .where(col(m.ProgramVillage.program_id).in_(_program_ids(filters, viewer)))
            .group_by(col(m.Regency.name))
        )
        if filters.regency_id is not None:
            links = links.where(col(m.Regency.id) == filters.regency_id)
    frame = pd.DataFrame(rows(session, links.order_by(col(m.Regency.name))), columns=["regency", "programs"])
    by_regency = frame[frame["programs"] > 0].astype({"programs": int}).reset_index(drop=True)
    scope = program_scope(filters, viewer)
    villages = select(func.count(func.distinct(m.ProgramVillage.village_id)))
    if scope:
        villages = villages.where(col(m.ProgramVillage.program_id).in_(_program_ids(filters, viewer)))
    if filters.regency_id is not None:
        in_regency = (
            select(col(m.Village.id))
            .join(m.District, col(m.District.id) == col(m.Village.district_id))
            .where(col(m.District.regency_id) == filters.regency_id)
        )
        villages = villages.where(col(m.ProgramVillage.village_id).in_(in_regency))
    return Places(by_regency, int(session.exec(villages).one()))


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

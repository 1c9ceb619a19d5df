"""The overview and program queries on both databases, checked against figures computed here from raw rows."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

import models as m
from sinergi.core.access import SYSTEM, Viewer
from sinergi.core.db import read_session
from sinergi.i18n.formatting import number
from sinergi.reads import overview, programs
from sinergi.reads.filters import Filters, filters_from_params
from sinergi.rules.achievement import (
    AVERAGE_CAP,
    AchievementStatus,
    Thresholds,
    achievement,
    achievement_status,
    is_gap,
    period_status,
)
from sinergi.ui import screens
from sinergi.worlds.demo import load_demo

TODAY = date(2026, 11, 22)
THRESHOLDS = Thresholds()


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    load_demo(engine=engine)
    return engine


def raw(engine: Engine, sql: str, **params: object) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def result_rows(engine: Engine, period: str) -> list[tuple]:
    return raw(
        engine,
        """SELECT i.program_id, p.pillar, r.target, r.actual, i.direction
           FROM result r JOIN indicator i ON i.id = r.indicator_id JOIN period pe ON pe.id = r.period_id
           JOIN program p ON p.id = i.program_id WHERE pe.code = :period""",
        period=period,
    )


def test_overview_tiles_match_the_raw_rows(demo_engine: Engine) -> None:
    with read_session(demo_engine) as session:
        tiles = overview.overview_tiles(
            session=session, viewer=SYSTEM, filters=Filters(), thresholds=THRESHOLDS
        )

    [(programs_, active, families_planned, families_reached)] = raw(
        demo_engine,
        "SELECT count(*), sum(CASE WHEN stage <> 'completed' THEN 1 ELSE 0 END), sum(families_planned),"
        " sum(families_reached) FROM program",
    )
    assert (tiles.programs, tiles.programs_active) == (programs_, active)
    assert (tiles.families_planned, tiles.families_reached) == (families_planned, families_reached)
    [(planned, spent)] = raw(demo_engine, "SELECT sum(planned), sum(spent) FROM program_budget")
    assert (tiles.budget_planned, tiles.budget_spent) == (planned, spent)

    [(latest,)] = raw(
        demo_engine,
        "SELECT max(pe.code) FROM result r JOIN period pe ON pe.id = r.period_id WHERE r.actual IS NOT NULL",
    )
    assert tiles.period == latest
    statuses = [
        achievement_status(achievement(t, a, d), THRESHOLDS)
        for _, _, t, a, d in result_rows(demo_engine, latest)
    ]
    # Every program of the demo is past planning, so an indicator is due while its program's dates
    # cover the semester; one with no row there counts as not reported.
    [(due,)] = raw(
        demo_engine,
        """SELECT count(*) FROM indicator i JOIN program p ON p.id = i.program_id, period pe
           WHERE pe.code = :period AND p.stage <> 'planning' AND p.start_date <= pe.end_date
           AND (p.end_date IS NULL OR p.end_date >= pe.start_date)""",
        period=latest,
    )
    reported = [a for _, _, _, a, _ in result_rows(demo_engine, latest) if a is not None]
    assert tiles.results_due == due > tiles.results_reported == len(reported) > 0
    assert tiles.results_on_track == statuses.count(AchievementStatus.ON_TRACK)

    [(meetings,)] = raw(demo_engine, "SELECT count(*) FROM meeting")
    [(feedback, closed)] = raw(
        demo_engine,
        "SELECT count(*), sum(CASE WHEN status IN ('done', 'declined') THEN 1 ELSE 0 END) FROM feedback_item",
    )
    assert (tiles.meetings, tiles.feedback_items, tiles.feedback_closed) == (meetings, feedback, closed)


def test_filters_narrow_every_figure(demo_engine: Engine) -> None:
    [(regency_id,)] = raw(demo_engine, "SELECT id FROM regency WHERE name = 'Kabupaten Kutai Timur'")
    in_kutim = Filters(regency_id=regency_id)
    with read_session(demo_engine) as session:
        tiles = overview.overview_tiles(
            session=session, viewer=SYSTEM, filters=in_kutim, thresholds=THRESHOLDS
        )
        table = programs.program_table(
            session=session, viewer=SYSTEM, filters=in_kutim, thresholds=THRESHOLDS, today=TODAY
        )
        places = overview.program_locations(session=session, viewer=SYSTEM, filters=in_kutim)
    assert set(table["company"]) == {"PT Indexim Coalindo"}
    assert tiles.programs == len(table) >= 2
    assert set(places["village"]) >= {"Bukit Permata", "Baay"}
    assert set(places["regency"]) == {"Kabupaten Kutai Timur"}

    with read_session(demo_engine) as session:
        economy = programs.program_table(
            session=session,
            viewer=SYSTEM,
            filters=Filters(pillar="economy", poverty_only=True),
            thresholds=THRESHOLDS,
            today=TODAY,
        )
    [(expected,)] = raw(
        demo_engine, "SELECT count(*) FROM program WHERE pillar = 'economy' AND poverty_alleviation"
    )
    assert len(economy) == expected
    assert set(economy["pillar"]) == {"economy"}


def test_achievement_by_pillar_counts_every_result_those_not_reported_among_them(
    demo_engine: Engine,
) -> None:
    with read_session(demo_engine) as session:
        period = overview.reporting_period(session=session, viewer=SYSTEM, filters=Filters())
        by_pillar = overview.achievement_by(
            session=session,
            viewer=SYSTEM,
            filters=Filters(),
            thresholds=THRESHOLDS,
            group="pillar",
        )
    assert period is not None
    expected: dict[tuple[str, str], int] = defaultdict(int)
    for _, pillar, target, actual, direction in result_rows(demo_engine, period):
        status = period_status(actual, achievement(target, actual, direction), THRESHOLDS)
        expected[(pillar, status.value)] += 1
    assert expected[("economy", AchievementStatus.NOT_REPORTED.value)] > 0
    shown = {(row.group, row.status): row.results for row in by_pillar.itertuples()}
    assert shown == dict(expected)
    assert by_pillar.groupby("group")["share"].sum().round(9).eq(1).all()


def test_trend_has_one_point_per_semester_with_data(demo_engine: Engine) -> None:
    with read_session(demo_engine) as session:
        trend = overview.achievement_trend(
            session=session, viewer=SYSTEM, filters=Filters(), thresholds=THRESHOLDS
        )
    periods = [
        code
        for (code,) in raw(
            demo_engine,
            "SELECT DISTINCT pe.code FROM result r JOIN period pe ON pe.id = r.period_id"
            " WHERE r.actual IS NOT NULL AND r.target IS NOT NULL ORDER BY 1",
        )
    ]
    assert list(trend["period"]) == periods
    assert trend["achievement"].between(0, AVERAGE_CAP).all()


def test_program_table_counts_gaps_and_overdue_actions(demo_engine: Engine) -> None:
    with read_session(demo_engine) as session:
        table = programs.program_table(
            session=session, viewer=SYSTEM, filters=Filters(), thresholds=THRESHOLDS, today=TODAY
        )
        period = overview.reporting_period(session=session, viewer=SYSTEM, filters=Filters())
    assert period is not None
    gaps: dict[int, int] = defaultdict(int)
    for program_id, _, target, actual, direction in result_rows(demo_engine, period):
        gaps[program_id] += is_gap(target, actual, direction)
    overdue: dict[int, int] = defaultdict(int)
    for program_id, due, status in raw(
        demo_engine, "SELECT program_id, due_date, status FROM follow_up_action"
    ):
        due_day = due if isinstance(due, date) else date.fromisoformat(due) if due else None
        if due_day and due_day < TODAY and status in ("open", "in_progress"):
            overdue[program_id] += 1
    for row in table.itertuples():
        assert row.gaps == gaps[row.id], row.name
        assert row.overdue_actions == overdue[row.id], row.name
    assert table["gaps"].sum() > 0 and table["overdue_actions"].sum() > 0


def _list_views(engine: Engine) -> dict[str, tuple[Viewer, Filters, str]]:
    """Ways the programs list is narrowed: by the filters, the search and who reads it."""
    [(kukar,)] = raw(engine, "SELECT id FROM regency WHERE name = 'Kabupaten Kutai Kartanegara'")
    [(kpi,)] = raw(engine, "SELECT id FROM company WHERE name LIKE 'PT Kilang Pertamina%'")
    return {
        "everything": (SYSTEM, Filters(), ""),
        "pillar and poverty": (SYSTEM, Filters(pillar="economy", poverty_only=True), ""),
        "regency and year": (SYSTEM, Filters(regency_id=kukar, year=2024), ""),
        "semester, verified only": (SYSTEM, Filters(period="2024-S1", verified_only=True), ""),
        "a program's name in capitals": (SYSTEM, Filters(), "MARGASARI"),
        "a company's name": (SYSTEM, Filters(), "indexim"),
        "search and filter": (SYSTEM, Filters(pillar="environment"), "margasari"),
        "a wildcard typed": (SYSTEM, Filters(), "_"),
        "company staff": (
            Viewer(user_id=None, username="kpi", role=m.Role.COMPANY, company_id=kpi),
            Filters(),
            "",
        ),
        "agency": (
            Viewer(user_id=None, username="kukar", role=m.Role.AGENCY, regency_id=kukar),
            Filters(),
            "",
        ),
        "link shared verified only": (
            Viewer(user_id=None, username="share:1", role=m.Role.COMPANY, company_id=kpi, verified_only=True),
            Filters(),
            "siaga",
        ),
    }


def _listed(session: Session, view: tuple[Viewer, Filters, str], limit: int | None = None) -> pd.DataFrame:
    viewer, filters, search = view
    return programs.program_table(
        session=session,
        viewer=viewer,
        filters=filters,
        thresholds=THRESHOLDS,
        today=TODAY,
        search=search,
        limit=limit,
    )


def test_programs_list_reads_the_first_rows_of_the_full_table_and_counts_them_all(
    demo_engine: Engine,
) -> None:
    """The list draws the first programs of the table its download holds (same order, same figures),
    and says how many the download holds; a search finds what the whole table searched would."""
    nonempty = 0
    for name, view in _list_views(demo_engine).items():
        viewer, filters, search = view
        with read_session(demo_engine) as session:
            unsearched = _listed(session, (viewer, filters, ""))
            full = _listed(session, view)
            count = programs.program_count(session=session, viewer=viewer, filters=filters, search=search)
            firsts = {limit: _listed(session, view, limit) for limit in (1, 3, 50)}
        assert count == len(full), name
        for limit, first in firsts.items():
            pd.testing.assert_frame_equal(first, full.head(limit), obj=f"{name}, first {limit}")
        needle = search.casefold()
        expected = unsearched[
            unsearched["name"].str.casefold().str.contains(needle, regex=False)
            | unsearched["company"].str.casefold().str.contains(needle, regex=False)
        ]
        if expected.empty:  # an empty frame's columns have no type to compare
            assert full.empty, name
        else:
            pd.testing.assert_frame_equal(full, expected.reset_index(drop=True), obj=name)
        nonempty += len(full) > 3
    assert nonempty >= 5, "most views hold more programs than the shorter lists draw"
    [(every_program,)] = raw(demo_engine, "SELECT count(*) FROM program")
    with read_session(demo_engine) as session:
        assert len(_listed(session, (SYSTEM, Filters(), ""))) == every_program


def test_program_detail_returns_its_indicators_and_gaps(demo_engine: Engine) -> None:
    [(program_id,)] = raw(demo_engine, "SELECT id FROM program WHERE name LIKE 'Mariojela%'")
    with read_session(demo_engine) as session:
        profile = programs.program_profile(session=session, viewer=SYSTEM, program_id=program_id)
        results = programs.indicator_results(
            session=session, viewer=SYSTEM, program_id=program_id, thresholds=THRESHOLDS
        )
        missing = programs.program_profile(session=session, viewer=SYSTEM, program_id=999_999)
    assert missing is None
    assert profile is not None and profile.company.startswith("PT Kilang Pertamina")
    assert any("Margasari" in place for place in profile.places)
    [(indicators,)] = raw(demo_engine, "SELECT count(*) FROM indicator WHERE program_id = :p", p=program_id)
    assert results["indicator_id"].nunique() == indicators
    for row in results.itertuples():
        target = None if row.target != row.target else row.target
        actual = None if row.actual != row.actual else row.actual
        assert row.gap == is_gap(target, actual, row.direction)
    summary = programs.indicators_to_date(programs.results_by_indicator(results), THRESHOLDS)
    assert len(summary) == indicators


def test_filters_come_from_the_url_and_ignore_nonsense() -> None:
    assert filters_from_params(
        {"company": "3", "pillar": "economy", "period": "2023-S2", "poverty": "1"}
    ) == Filters(company_id=3, pillar="economy", period="2023-S2", poverty_only=True)
    assert filters_from_params({"company": "x", "pillar": "sports", "period": "2023-S3"}) == Filters()
    assert Filters(period="2024-S1").effective_year == 2024


@pytest.mark.parametrize("language", ["id", "en"])
def test_semester_table_numbers_read_as_babel_writes_them(language: str) -> None:
    values: list[float | None] = [
        0.0,
        -0.0,
        -0.001,
        0.005,
        0.015,
        0.125,
        2.675,
        12.3456,
        99.995,
        100.0,
        1234.5,
        -1234.567,
    ]
    values += [1234567.891, 1e20, 7, None, float("nan"), float("inf")]
    fast = screens.decimal_texts(language)
    assert [fast(value) for value in values] == [number(value, language, decimals=2) for value in values]
    # A result not reported yet (None, or NaN from pandas) reads as a dash, in the grid and the report.
    assert fast(None) == fast(float("nan")) == "–"

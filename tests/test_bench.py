"""The benchmark keeps working: its writers lose nothing, its PostgreSQL commits to disk, saving a
result leaves the figures as they were, and the province-scale targets are judged per database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlmodel import select

import models as m
from bench.databases import DurablePostgresServer, postgres_database
from bench.pages import editable_result, measure_saves, opened_row, program_with_results
from bench.run import bench_viewer, table, targets
from bench.writes import concurrent_writes
from sinergi.core.db import engine_for, read_session
from sinergi.worlds.synth import SCALES, build_synthetic


def test_four_writers_on_sqlite_lose_no_feedback(sqlite_engine: Engine) -> None:
    result = concurrent_writes(sqlite_engine, writers=4, items=5)
    assert (result.attempted, result.stored, result.lost, result.errors) == (20, 20, 0, 0)
    assert result.items_per_second > 0


def test_postgresql_of_the_benchmark_writes_to_disk_and_holds_the_small_world() -> None:
    server = DurablePostgresServer()
    server.start()
    try:
        url, seconds = postgres_database(server, "small", log=lambda _: None)
        with engine_for(url).connect() as connection:
            assert connection.execute(text("SHOW fsync")).scalar_one() == "on"
            results = connection.execute(text("SELECT count(*) FROM result")).scalar_one()
        engine_for(url).dispose()
    finally:
        server.stop()
    small = SCALES["small"]
    assert results == small.indicators * small.periods
    assert set(seconds) == {"migrate_s", "load_s", "analyze_s"}


def test_saving_one_result_is_timed_and_the_figure_put_back(
    migrated_sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = migrated_sqlite_url
    monkeypatch.setenv("DATABASE_URL", url)  # the pages run in AppTest read it; put back afterwards
    build_synthetic(engine=engine_for(url), counts=SCALES["small"])
    viewer = bench_viewer(url)
    cell = editable_result(url, program_with_results(url)[0])
    before = opened_row(url, viewer, cell)

    timings = measure_saves({"here": (url, viewer, cell)}, repetitions=2)

    figures = timings["here"].summary()
    assert len(figures["save_runs_s"]) == len(figures["overview_after_runs_s"]) == 2
    assert figures["save_s"] > 0 and figures["overview_after_s"] > 0
    assert opened_row(url, viewer, cell).actual == before.actual
    with read_session(engine_for(url)) as session:
        result = session.exec(
            select(m.Result).where(
                m.Result.indicator_id == cell.indicator_id, m.Result.period_id == cell.period_id
            )
        ).one()
    assert result.state == m.ResultState.DRAFT
    assert result.version == 1 + 3  # two saves and the one that put the figure back


def _page(cold: float) -> dict[str, float]:
    return {"cold_s": cold, "warm_s": cold / 4, "sql_s": cold / 2, "cold_apptest_s": cold * 2}


def test_province_targets_are_judged_per_database() -> None:
    pages = {
        "sqlite": {
            "pages": {"overview": {"large": _page(0.2), "xl": _page(0.3), "cold_xl_over_large": 1.5}},
            "save_xl_over_large": 1.2,
        },
        "postgresql": {
            "pages": {"overview": {"large": _page(0.2), "xl": _page(0.9), "cold_xl_over_large": 4.5}},
            "save_xl_over_large": 2.0,
        },
    }
    results = {
        "pages": pages,
        "databases": {"sqlite": {"xl": {"file": "xl.db", "built_now_s": 700.0, "build_s": 700.0}}},
    }
    judged = {row["target"]: row["met"] for row in targets(results)}
    assert judged["overview: cold xl / cold large (sqlite)"]
    assert not judged["overview: cold xl / cold large (postgresql)"]
    assert judged["saving one result: xl / large (sqlite)"]
    assert not judged["saving one result: xl / large (postgresql)"]
    assert not judged["xl SQLite database built, seconds"]
    printed = table(results | {"targets": targets(results)})
    assert "Pages on sqlite" in printed and "Pages on postgresql" in printed


def test_a_meeting_whose_phone_page_broke_misses_its_targets_and_says_what_befell_it() -> None:
    broken = ["53.3 s console error: Error: Bad delta path index 7", "53.4 s connection closed"]
    meeting = {
        "phones": 48,
        "inputs_each": 5,
        "inputs_lost": 4,
        "inputs_twice": 0,
        "phones_counted": 48,
        "head_count_added": 48,
        "dots_spent": 141,
        "unconfirmed": ["phone 32 input 1: no input form (no app on the page), not stored"],
        "unredrawn": [],
        "phones_troubled": {"32": broken},
        "checked_in_s": 42.0,
        "inputs_sent_s": 60.0,
        "all_done_s": 80.0,
        "approval_to_audience_view_s": 3.0,
        "refresh_s": 3,
        "server_mb_before_phones": 300.0,
        "server_mb_with_phones": 320.0,
        "mb_per_phone": 0.4,
        "console_load_no_phones_s": 1.0,
        "console_load_with_phones_s": 1.2,
    }
    judged = {row["target"]: row["met"] for row in targets({"meeting": meeting})}
    assert not judged["FGD, 48 phones: pages that crashed, loaded again or lost their connection"]
    assert not judged["FGD, 48 phones: inputs lost or counted twice"]
    assert judged["FGD, 48 phones: inputs counted whose sending run was not drawn"]
    printed = table({"meeting": meeting, "targets": targets({"meeting": meeting})})
    assert "Bad delta path index 7" in printed and "phone 32 input 1: no input form" in printed

"""The synthetic generator fills both databases with exact, repeatable counts and leaves them usable."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import SQLModel, select

import models as m
from sinergi.core.db import engine_for, read_session, upgrade_database, write_session
from sinergi.core.settings import PROJECT_ROOT
from sinergi.worlds.synth import REGENCIES, SCALES, build_synthetic
from sinergi.writes import group_figures, summaries
from tests.pg_server import PostgresServer

SMALL = SCALES["small"]


def _count(engine: Engine, model: type[SQLModel]) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _fresh_sqlite(path: Path) -> Engine:
    url = f"sqlite:///{path}"
    upgrade_database(url)
    return engine_for(url)


def test_small_scale_has_exact_counts_and_stays_usable(engine: Engine) -> None:
    inserted = build_synthetic(engine=engine, counts=SMALL)

    expected: dict[type[SQLModel], int] = {
        m.Company: SMALL.companies,
        m.Program: SMALL.programs,
        m.Indicator: SMALL.indicators,
        m.Period: SMALL.periods,
        m.Result: SMALL.indicators * SMALL.periods,
        m.Meeting: SMALL.meetings,
        m.FeedbackItem: SMALL.feedback_items,
        m.Regency: SMALL.regencies,
        m.Framework: SMALL.regencies,
        m.FrameworkPoint: SMALL.regencies * 6,
    }
    assert {model: _count(engine, model) for model in expected} == expected
    # The returned tally is what the database holds, table by table (the caches' write counters aside).
    for table in SQLModel.metadata.sorted_tables:
        if table.name == "table_version":
            continue
        with read_session(engine) as session:
            rows = session.exec(select(func.count()).select_from(table)).one()
        assert inserted.get(table.name, 0) == rows, table.name
    for model in (m.Organisation, m.ProgramBudget, m.Evaluation, m.FollowUpAction, m.ComplianceRecord):
        assert _count(engine, model) > 0, model.__tablename__

    # Sequences continue after the explicit ids, so the app's own inserts still work.
    with write_session(engine) as session:
        program = m.Program(
            company_id=1, name="Program baru", pillar=m.Pillar.HEALTH, start_date=date(2025, 1, 1)
        )
        session.add(program)
        session.flush()
        assert program.id == SMALL.programs + 1

    with pytest.raises(ValueError, match="empty database"):
        build_synthetic(engine=engine, counts=SMALL)


def _content(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows as the app reads them back (times aware, in UTC), sorted."""
    with engine.connect() as connection:
        return {
            table.name: sorted(tuple(row) for row in connection.execute(table.select()))
            for table in SQLModel.metadata.sorted_tables
        }


def test_same_seed_gives_the_same_database(tmp_path: Path) -> None:
    engines = [_fresh_sqlite(tmp_path / name) for name in ("a.db", "b.db", "c.db")]
    for engine, seed in zip(engines, (7, 7, 8), strict=True):
        build_synthetic(engine=engine, counts=SMALL, seed=seed)

    first, same, other = (_content(engine) for engine in engines)
    assert first == same
    assert first["result"] != other["result"]
    assert first["feedback_item"] != other["feedback_item"]


def test_sqlite_and_postgresql_get_the_same_rows(
    sqlite_engine: Engine, pg_server: PostgresServer, pg_template: str
) -> None:
    # Each database takes the rows its own way (one executemany, one COPY): what it reads back is the same.
    url = pg_server.create_database("synth_same_rows", template=pg_template)
    postgres = engine_for(url)
    try:
        for engine in (sqlite_engine, postgres):
            build_synthetic(engine=engine, counts=SMALL)
        on_sqlite, on_postgres = _content(sqlite_engine), _content(postgres)
    finally:
        postgres.dispose()
    assert on_sqlite["result"] and on_sqlite["feedback_item"]
    # Every table of figures per period, per program and per group of programs.
    summed = [summaries.FIGURE.name, *(t.name for t in group_figures.TABLES if "achievement_sum" in t.c)]
    kept = {
        name: (sorted(on_sqlite.pop(name), key=_whole), sorted(on_postgres.pop(name), key=_whole))
        for name in summed
    }
    assert on_sqlite == on_postgres
    # The figures kept from them hold sums of fractions, added in each database's own order.
    for kept_on_sqlite, kept_on_postgres in kept.values():
        assert kept_on_sqlite
        assert [_whole(row) for row in kept_on_sqlite] == [_whole(row) for row in kept_on_postgres]
        assert _fractions(kept_on_sqlite) == pytest.approx(_fractions(kept_on_postgres), rel=1e-12)


def _whole(row: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(value for value in row if not isinstance(value, float))


def _fractions(rows: list[tuple[object, ...]]) -> list[float]:
    return [value for row in rows for value in row if isinstance(value, float)]


def test_small_scale_covers_every_value(sqlite_engine: Engine) -> None:
    build_synthetic(engine=sqlite_engine, counts=SMALL)
    columns: dict[tuple[type[SQLModel], str], set[str]] = {
        (m.FeedbackItem, "kind"): set(m.FeedbackKind),
        (m.FeedbackItem, "status"): set(m.FeedbackStatus),
        (m.FeedbackItem, "moderation"): set(m.Moderation),
        (m.Result, "state"): set(m.ResultState),
        (m.Organisation, "org_type"): set(m.OrgType),
        (m.FrameworkPoint, "rule"): set(m.PointRule),
    }
    with read_session(sqlite_engine) as session:
        for (model, column), values in columns.items():
            found = set(session.exec(select(getattr(model, column)).distinct()).all())
            assert found == values, f"{model.__tablename__}.{column}"
        last_period = session.exec(select(func.max(m.Period.id))).one()
        unreported = session.exec(
            select(func.count()).where(m.Result.period_id == last_period, m.Result.actual.is_(None))  # type: ignore[union-attr]
        ).one()
        assert unreported > 0


def test_manage_builds_the_province_scale_with_counts_overridden(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'province.db'}"
    upgrade_database(url)
    arguments = ["--scale", "xl", "--companies", "3", "--programs", "12", "--indicators", "24"]
    arguments += ["--meetings", "12", "--feedback-items", "30", "--database-url", url]
    built = subprocess.run(
        [sys.executable, "manage.py", "synth", *arguments],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    assert "Built in" in built.stdout
    engine = engine_for(url)
    # The province keeps every regency of East Kalimantan, each under its own name.
    with read_session(engine) as session:
        regencies = set(session.exec(select(m.Regency.name)).all())
    assert regencies == {name for name, _ in REGENCIES}
    assert (_count(engine, m.Indicator), _count(engine, m.Result)) == (24, 24 * SCALES["xl"].periods)

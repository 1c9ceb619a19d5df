"""Several sessions writing at once on SQLite neither fail with "database is locked" nor lose a write."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

import models as m
from sinergi.core.access import SYSTEM
from sinergi.core.db import make_engine, read_session, write_session
from sinergi.writes.results import record_result
from tests.factories import make_company, make_indicators, make_periods, make_program

THREADS = 20


def test_twenty_threads_recording_results_lose_nothing(sqlite_engine: Engine) -> None:
    program_id = make_program(sqlite_engine, company_id=make_company(sqlite_engine))
    indicators = make_indicators(sqlite_engine, program_id=program_id, count=THREADS)
    periods = make_periods(sqlite_engine, first_year=2020, count=10)

    def write_all(indicator_id: int) -> None:
        for n, period_id in enumerate(periods):
            with write_session(sqlite_engine) as session:
                record_result(
                    session=session,
                    viewer=SYSTEM,
                    indicator_id=indicator_id,
                    period_id=period_id,
                    target=10,
                    actual=n,
                )

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(write_all, indicators))  # re-raises any "database is locked"

    with read_session(sqlite_engine) as session:
        assert session.exec(select(func.count()).select_from(m.Result)).one() == THREADS * len(periods)
        assert session.exec(select(func.sum(m.Result.actual))).one() == THREADS * sum(range(len(periods)))


def test_read_modify_write_from_twenty_threads_keeps_every_increment(sqlite_engine: Engine) -> None:
    program_id = make_program(sqlite_engine, company_id=make_company(sqlite_engine))
    [indicator_id] = make_indicators(sqlite_engine, program_id=program_id, count=1)
    [period_id] = make_periods(sqlite_engine, first_year=2023, count=1)
    increments = 5

    def add_one(_: int) -> None:
        for _ in range(increments):
            with write_session(sqlite_engine) as session:
                current = session.exec(select(m.Result).where(m.Result.indicator_id == indicator_id)).first()
                actual = (current.actual or 0) if current else 0
                record_result(
                    session=session,
                    viewer=SYSTEM,
                    indicator_id=indicator_id,
                    period_id=period_id,
                    target=100,
                    actual=actual + 1,
                )

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(add_one, range(THREADS)))

    with read_session(sqlite_engine) as session:
        result = session.exec(select(m.Result)).one()
        assert result.actual == THREADS * increments
        assert result.version == THREADS * increments


def test_a_hall_of_writers_waits_its_turn_rather_than_giving_up(
    migrated_sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Thirty writes arrive at once (a hall of phones sending), each holding the write lock 50 ms on a
    # slow server: the last waits about 1.5 s in all, past a busy timeout of 1 s, though none waits
    # for any one other writer longer than 50 ms.
    monkeypatch.setenv("SINERGI_SQLITE_BUSY_TIMEOUT_MS", "1000")
    engine = make_engine(migrated_sqlite_url)
    writers = 30
    together = threading.Barrier(writers)

    def write(n: int) -> None:
        together.wait()
        with write_session(engine) as session:
            session.add(m.Regency(name=f"Kabupaten {n}"))
            session.flush()
            time.sleep(0.05)

    try:
        with ThreadPoolExecutor(writers) as pool:
            list(pool.map(write, range(writers)))  # re-raises any "database is locked"
        with read_session(engine) as session:
            assert session.exec(select(func.count()).select_from(m.Regency)).one() == writers
    finally:
        engine.dispose()

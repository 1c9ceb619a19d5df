"""The benchmark's concurrent-write part keeps working: a few writers on SQLite lose nothing."""

from __future__ import annotations

from sqlalchemy import Engine

from bench.writes import concurrent_writes


def test_four_writers_on_sqlite_lose_no_feedback(sqlite_engine: Engine) -> None:
    result = concurrent_writes(sqlite_engine, writers=4, items=5)
    assert (result.attempted, result.stored, result.lost, result.errors) == (20, 20, 0, 0)
    assert result.items_per_second > 0

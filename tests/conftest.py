"""Fixtures: real SQLite files and a real PostgreSQL server, each migrated to the latest schema."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import Engine

from domain.db import engine_for, upgrade_database, write_session
from domain.demo import load_demo
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.pg_server import PostgresServer

_db_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of an empty SQLite file, not yet migrated."""
    return f"sqlite:///{tmp_path / 'sinergi.db'}"


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> str:
    """URL of a new, empty PostgreSQL database, not yet migrated."""
    return pg_server.create_database(f"sinergi_{next(_db_names)}")


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty database of each kind, migrated to the latest schema."""
    url: str = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    upgrade_database(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Engine:
    """The engine of a migrated, empty database of each kind."""
    return engine_for(db_url)


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Engine:
    """The engine of a migrated, empty SQLite database (for SQLite-only behaviour)."""
    upgrade_database(sqlite_url)
    return engine_for(sqlite_url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, started by Playwright (which never downloads its own)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def demo_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database holding the demo world, shared by the tests that only read it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    upgrade_database(url)
    with write_session(engine_for(url)) as session:
        load_demo(session=session)
    return url

"""Fixtures: real SQLite files and a real PostgreSQL server, each migrated to the latest schema."""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import Engine

from sinergi.core.access import Viewer
from sinergi.core.db import engine_for, upgrade_database
from sinergi.worlds.demo import load_demo
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.factories import make_account
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
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    """URL of a new, empty PostgreSQL database, not yet migrated.

    Its engine's pooled connections are closed after the test: engines live as long as the process,
    and a suite of hundreds of databases would otherwise run the server out of connections.
    """
    url = pg_server.create_database(f"sinergi_{next(_db_names)}")
    yield url
    engine_for(url).dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once to the latest schema, copied by every test that needs one."""
    path = tmp_path_factory.mktemp("template") / "sinergi.db"
    url = f"sqlite:///{path}"
    upgrade_database(url)
    engine_for(url).dispose()
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server: PostgresServer) -> str:
    """A PostgreSQL database migrated once to the latest schema; tests create theirs from it."""
    url = pg_server.create_database("sinergi_template")
    upgrade_database(url)
    engine_for(url).dispose()  # PostgreSQL copies a template only while nobody is connected to it
    return "sinergi_template"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind, at the latest schema: a copy of a template migrated once."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "sinergi.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    url = server.create_database(
        f"sinergi_{next(_db_names)}", template=request.getfixturevalue("pg_template")
    )
    yield url
    engine_for(url).dispose()


@pytest.fixture
def engine(db_url: str) -> Engine:
    """The engine of a migrated, empty database of each kind."""
    return engine_for(db_url)


@pytest.fixture
def migrated_sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """URL of a SQLite file at the latest schema, copied from the template."""
    path = tmp_path / "sinergi.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_engine(migrated_sqlite_url: str) -> Engine:
    """The engine of a migrated, empty SQLite database (for SQLite-only behaviour)."""
    return engine_for(migrated_sqlite_url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, started by Playwright (which never downloads its own)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session", autouse=True)
def secrets_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cookie key of the test session's own, also for the app servers the tests start."""
    path = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    previous = os.environ.get("SINERGI_SECRETS_FILE")
    os.environ["SINERGI_SECRETS_FILE"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("SINERGI_SECRETS_FILE", None)
    else:
        os.environ["SINERGI_SECRETS_FILE"] = previous


@dataclass(frozen=True)
class DemoAccounts:
    admin: Viewer
    kpi: Viewer  # staff of PT KPI Unit Balikpapan
    indexim: Viewer  # staff of PT Indexim Coalindo
    kukar: Viewer  # Bappeda Kutai Kartanegara
    reader: Viewer


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, DemoAccounts]:
    """A SQLite database holding the demo world and one account per role, shared by read-only tests."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    upgrade_database(url)
    engine = engine_for(url)
    load_demo(engine=engine)
    accounts = DemoAccounts(
        admin=make_account(engine, username="admin", role="admin"),
        kpi=make_account(
            engine,
            username="kpi",
            role="company",
            company="PT Kilang Pertamina Internasional Unit Balikpapan",
        ),
        indexim=make_account(engine, username="indexim", role="company", company="PT Indexim Coalindo"),
        kukar=make_account(
            engine, username="bappeda.kukar", role="agency", regency="Kabupaten Kutai Kartanegara"
        ),
        reader=make_account(engine, username="pembaca", role="viewer"),
    )
    return url, accounts


@pytest.fixture(scope="session")
def demo_sqlite_url(demo_world: tuple[str, DemoAccounts]) -> str:
    return demo_world[0]


@pytest.fixture(scope="session")
def demo_accounts(demo_world: tuple[str, DemoAccounts]) -> DemoAccounts:
    return demo_world[1]


@pytest.fixture
def demo_copy_url(demo_sqlite_url: str, tmp_path: Path) -> str:
    """A private copy of the demo database (same accounts), for tests that write."""
    source = sqlite3.connect(demo_sqlite_url.removeprefix("sqlite:///"))
    target_path = tmp_path / "demo-copy.db"
    target = sqlite3.connect(target_path)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return f"sqlite:///{target_path}"


@pytest.fixture(autouse=True)
def fresh_page_caches() -> None:
    """Each test starts with no cached page reads: a test that changes what a query does (or a
    database behind the cache's back) must not be answered from another test's cache."""
    import streamlit as st

    st.cache_data.clear()

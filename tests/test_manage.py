"""The command line: help, init-db, load-demo and create-user as a newcomer runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

import models as m
from sinergi.core.db import engine_for, read_session
from sinergi.writes.accounts import password_matches

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_help_lists_the_commands() -> None:
    result = manage("--help")
    assert result.returncode == 0
    for command in ("init-db", "load-demo", "synth", "create-user"):
        assert command in result.stdout
        assert manage(command, "--help").returncode == 0


def test_load_demo_if_empty_then_create_user(sqlite_url: str) -> None:
    fresh = manage("init-db", "--database-url", sqlite_url)
    assert fresh.returncode == 0
    assert "manage.py create-user admin --role admin" in fresh.stdout, "says how to create the first admin"
    first = manage("load-demo", "--if-empty", "--database-url", sqlite_url)
    assert first.returncode == 0, first.stderr
    with read_session(engine_for(sqlite_url)) as session:
        programs = session.exec(select(func.count()).select_from(m.Program)).one()
    assert programs > 0
    again = manage("load-demo", "--if-empty", "--database-url", sqlite_url)
    assert "not loaded" in again.stdout

    created = manage(
        "create-user",
        "rina",
        "--role",
        "company",
        "--company",
        "PT Indexim Coalindo",
        "--database-url",
        sqlite_url,
        stdin="kata-sandi-rahasia\n",
    )
    assert created.returncode == 0, created.stderr
    with read_session(engine_for(sqlite_url)) as session:
        user = session.exec(select(m.User).where(m.User.username == "rina")).one()
    assert user.role == "company" and user.company_id is not None
    assert "create-user admin" in manage("init-db", "--database-url", sqlite_url).stdout, "still no admin"
    assert password_matches("kata-sandi-rahasia", user.password_hash)
    assert "kata-sandi-rahasia" not in user.password_hash


def test_create_user_refuses_unknown_company_and_short_password(sqlite_url: str) -> None:
    manage("init-db", "--database-url", sqlite_url)
    unknown = manage(
        "create-user",
        "budi",
        "--role",
        "company",
        "--company",
        "PT Tidak Ada",
        "--database-url",
        sqlite_url,
        stdin="kata-sandi-rahasia\n",
    )
    assert unknown.returncode == 1 and "not found" in unknown.stderr
    short = manage("create-user", "budi", "--role", "viewer", "--database-url", sqlite_url, stdin="pendek\n")
    assert short.returncode == 1 and "at least" in short.stderr
    with read_session(engine_for(sqlite_url)) as session:
        assert session.exec(select(func.count()).select_from(m.User)).one() == 0

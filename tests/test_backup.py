"""Backups and restores on both databases: every row comes back, accounts sign in, bad restores refused."""

from __future__ import annotations

import itertools
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlmodel import select

import models as m
from sinergi.core.backup import BackupRefused, backup, holds_data, pg_environment, restore
from sinergi.core.db import alembic_config, engine_for, read_session, write_session
from sinergi.worlds.demo import load_demo
from sinergi.writes import accounts
from tests.factories import PASSWORD, make_account
from tests.pg_server import PostgresServer

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
KPI = "PT Kilang Pertamina Internasional Unit Balikpapan"
_targets = itertools.count(1)


def manage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def empty_database(request: pytest.FixtureRequest, tmp_path: Path, like: str) -> str:
    """A new database of the kind of ``like``: no file yet, or a PostgreSQL database without tables."""
    if like.startswith("sqlite"):
        return f"sqlite:///{tmp_path / f'restored-{next(_targets)}.db'}"
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.create_database(f"sinergi_restored_{next(_targets)}")


@pytest.fixture
def target_url(request: pytest.FixtureRequest, tmp_path: Path, db_url: str) -> Iterator[str]:
    url = empty_database(request, tmp_path, db_url)
    yield url
    engine_for(url).dispose()


def demo_with_accounts(engine: Engine) -> None:
    load_demo(engine=engine)
    make_account(engine, username="kpi", role="company", company=KPI)
    make_account(engine, username="pembaca", role="viewer")


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table the database has, whatever tables the schema holds by now."""
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            for table in inspect(connection).get_table_names()
        }


def signs_in(engine: Engine, username: str, password: str) -> bool:
    with write_session(engine) as session:
        result = accounts.sign_in(session=session, username=username, password=password, now=NOW)
    return result.viewer is not None


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_restore_gives_back_every_row_and_the_accounts_sign_in(
    db_url: str, target_url: str, tmp_path: Path
) -> None:
    source = engine_for(db_url)
    demo_with_accounts(source)
    counts = row_counts(source)
    assert counts["result"] > 100 and counts["app_user"] == 2
    file = tmp_path / "sinergi.backup"

    backup(url=db_url, path=file)
    assert mode(file) == 0o600, "the backup holds password hashes"
    restored = restore(url=target_url, path=file)

    target = engine_for(target_url)
    assert restored.revision == counts_revision(source)
    assert row_counts(target) == counts | {"audit_log": counts["audit_log"] + 1}, "plus the restore's row"
    with read_session(target) as session:
        logged = session.exec(select(m.AuditLog).where(m.AuditLog.action == "restore")).one()
    assert logged.detail.startswith("sinergi.backup")
    assert signs_in(target, "kpi", PASSWORD)
    assert not signs_in(target, "pembaca", "bukan-kata-sandinya")
    if target_url.startswith("sqlite"):
        assert mode(Path(target_url.removeprefix("sqlite:///"))) == 0o600


def counts_revision(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


def test_restore_refuses_a_database_holding_data_unless_forced(
    db_url: str, target_url: str, tmp_path: Path
) -> None:
    demo_with_accounts(engine_for(db_url))
    file = tmp_path / "sinergi.backup"
    backup(url=db_url, path=file)
    restore(url=target_url, path=file)
    target = engine_for(target_url)
    make_account(target, username="rina", role="viewer")

    with pytest.raises(BackupRefused, match=r"already holds data.*--force"):
        restore(url=target_url, path=file)
    assert signs_in(target, "rina", PASSWORD), "the refused restore changed nothing"

    restore(url=target_url, path=file, force=True)
    assert not signs_in(target, "rina", PASSWORD), "everything replaced"
    assert signs_in(target, "kpi", PASSWORD)


def test_restore_refuses_what_is_not_a_backup_of_its_kind(db_url: str, tmp_path: Path) -> None:
    engine = engine_for(db_url)
    make_account(engine, username="rina", role="viewer")
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a backup")
    other_app = tmp_path / "other.db"
    with sqlite3.connect(other_app) as other:
        other.execute("CREATE TABLE note (body TEXT)")
    other.close()
    pg_dump_file = tmp_path / "dump.backup"
    pg_dump_file.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(100))

    with pytest.raises(BackupRefused, match="not a backup"):
        restore(url=db_url, path=text_file, force=True)
    with pytest.raises(BackupRefused, match="no file"):
        restore(url=db_url, path=tmp_path / "missing.backup", force=True)
    if db_url.startswith("sqlite"):
        with pytest.raises(BackupRefused, match="not of a Sinergi database"):
            restore(url=db_url, path=other_app, force=True)
        with pytest.raises(BackupRefused, match="PostgreSQL backup; the database is SQLite"):
            restore(url=db_url, path=pg_dump_file, force=True)
    else:
        with pytest.raises(BackupRefused, match="damaged"):
            restore(url=db_url, path=pg_dump_file, force=True)
        with pytest.raises(BackupRefused, match="SQLite backup; the database is PostgreSQL"):
            restore(url=db_url, path=other_app, force=True)
    assert signs_in(engine, "rina", PASSWORD), "nothing was touched"


def test_a_damaged_backup_is_refused_and_the_database_kept(
    db_url: str, target_url: str, tmp_path: Path
) -> None:
    demo_with_accounts(engine_for(db_url))
    file = tmp_path / "sinergi.backup"
    backup(url=db_url, path=file)
    cut = tmp_path / "cut.backup"
    cut.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    target = engine_for(target_url)
    restore(url=target_url, path=file)
    counts = row_counts(target)

    with pytest.raises(BackupRefused, match="damaged"):
        restore(url=target_url, path=cut, force=True)
    assert row_counts(target) == counts
    assert signs_in(target, "kpi", PASSWORD)


def test_a_restore_raises_every_table_version_past_the_ones_before(db_url: str, tmp_path: Path) -> None:
    """App servers cache reads under the versions of the tables read: the restored data must not be
    answered from a cache filled before the restore under a version the backup happens to carry."""
    engine = engine_for(db_url)
    make_account(engine, username="rina", role="viewer")
    file = tmp_path / "sinergi.backup"
    backup(url=db_url, path=file)
    demo_with_accounts(engine)
    before = table_versions(engine)

    restore(url=db_url, path=file, force=True)

    after = table_versions(engine)
    assert set(after) >= set(before)
    assert all(after[table] > before.get(table, 0) for table in after)


def table_versions(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {row.name: row.version for row in session.exec(select(m.TableVersion))}


def test_restore_refuses_a_backup_a_newer_version_made(sqlite_engine: Engine, tmp_path: Path) -> None:
    url = sqlite_engine.url.render_as_string()
    file = tmp_path / "sinergi.backup"
    backup(url=url, path=file)
    with sqlite3.connect(file) as newer:
        newer.execute("UPDATE alembic_version SET version_num = '9999'")
    newer.close()
    with pytest.raises(BackupRefused, match="revision 9999, which this version of Sinergi does not know"):
        restore(url=f"sqlite:///{tmp_path / 'restored.db'}", path=file)


def test_an_older_backup_is_brought_to_the_latest_schema_over_a_newer_database(
    request: pytest.FixtureRequest, db_url: str, tmp_path: Path
) -> None:
    """A backup made before a migration that adds tables (client_event, table_version), restored over
    a database at the latest schema that holds data."""
    older = empty_database(request, tmp_path, db_url)
    command.upgrade(alembic_config(older), "0005")
    with engine_for(older).begin() as connection:
        connection.execute(
            text(
                "INSERT INTO regency (name, kind, province) VALUES ('Kabupaten Paser', 'kabupaten', 'Kaltim')"
            )
        )
    engine_for(older).dispose()
    file = tmp_path / "older.backup"
    backup(url=older, path=file)
    current = engine_for(db_url)
    demo_with_accounts(current)

    assert restore(url=db_url, path=file, force=True).revision == "0005"

    with read_session(current) as session:
        regencies = list(session.exec(select(m.Regency.name)))
        assert regencies == ["Kabupaten Paser"], "the backup's data, none of the demo's"
        assert session.exec(select(m.ClientEvent)).all() == []
    head = command_head()
    assert counts_revision(current) == head
    make_account(current, username="rina", role="viewer")
    assert signs_in(current, "rina", PASSWORD), "the schema is whole again"


def command_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def test_a_sqlite_backup_taken_while_the_app_writes_is_consistent(
    migrated_sqlite_url: str, tmp_path: Path
) -> None:
    engine = engine_for(migrated_sqlite_url)
    stop = threading.Event()
    written = 0

    def write_forever() -> None:
        nonlocal written
        while not stop.is_set():
            with write_session(engine) as session:
                session.add(m.LoginFailure(username="tamu", address="10.0.0.9", at=NOW))
            written += 1

    writer = threading.Thread(target=write_forever)
    writer.start()
    try:
        files = []
        for n in range(3):
            while written < 20 * (n + 1):
                threading.Event().wait(0.01)
            files.append(tmp_path / f"during-{n}.backup")
            backup(url=migrated_sqlite_url, path=files[-1])
    finally:
        stop.set()
        writer.join()

    rows = []
    for file in files:
        with sqlite3.connect(file) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            rows.append(copy.execute("SELECT count(*) FROM login_failure").fetchone()[0])
        copy.close()
        assert not Path(f"{file}-wal").exists(), "one self-contained file"
    assert rows == sorted(rows) and rows[0] >= 20 and rows[-1] <= written


def test_holds_data_leaves_out_what_the_migrations_fill(db_url: str) -> None:
    engine = engine_for(db_url)
    assert not holds_data(engine)
    make_account(engine, username="rina", role="viewer")
    assert holds_data(engine)


def test_the_postgresql_password_travels_in_the_environment() -> None:
    environment = pg_environment("postgresql+psycopg://sinergi:rahasia%40123@db.internal:5433/tjsl")
    assert environment["PGPASSWORD"] == "rahasia@123"
    assert (
        environment["PGHOST"],
        environment["PGPORT"],
        environment["PGUSER"],
        environment["PGDATABASE"],
    ) == (
        "db.internal",
        "5433",
        "sinergi",
        "tjsl",
    )


def test_backup_and_restore_through_manage_py(db_url: str, target_url: str, tmp_path: Path) -> None:
    demo_with_accounts(engine_for(db_url))
    counts = row_counts(engine_for(db_url))
    file = tmp_path / "nightly.backup"

    made = manage("backup", str(file), "--database-url", db_url)
    assert made.returncode == 0, made.stderr
    assert "Wrote" in made.stdout and mode(file) == 0o600
    first = manage("restore", str(file), "--database-url", target_url)
    assert first.returncode == 0, first.stderr
    again = manage("restore", str(file), "--database-url", target_url)
    assert again.returncode == 1 and "--force" in again.stderr
    forced = manage("restore", str(file), "--force", "--database-url", target_url)
    assert forced.returncode == 0, forced.stderr
    not_a_backup = manage("restore", "README.md", "--force", "--database-url", target_url)
    assert not_a_backup.returncode == 1 and "not a backup" in not_a_backup.stderr

    target = engine_for(target_url)
    assert row_counts(target) == counts | {"audit_log": counts["audit_log"] + 1}, (
        "the forced restore's row; the first restore's went with the rest"
    )
    assert signs_in(target, "kpi", PASSWORD)

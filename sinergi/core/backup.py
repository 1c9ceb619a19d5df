"""Backups of the database into one file, and restores from one: SQLite's online backup, pg_dump."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy import insert as sa_insert
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

import models as m
from sinergi.core import audit
from sinergi.core.access import SYSTEM
from sinergi.core.db import alembic_config, engine_for, upgrade_database, write_session
from sinergi.core.settings import env_setting

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
# The first bytes of each kind of backup file.
_MAGIC = {SQLITE: b"SQLite format 3\x00", POSTGRESQL: b"PGDMP"}
_NAMES = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
# Tables the migrations fill by themselves: a database holding only these holds no data.
_BOOKKEEPING = frozenset({"alembic_version", "table_version"})
# Debian installs each PostgreSQL version's client programs here; the newest one reads every older server.
_DEBIAN_PG = Path("/usr/lib/postgresql")
_PG_TIMEOUT_SECONDS = 6 * 3600


class BackupRefused(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


@dataclass(frozen=True)
class Restored:
    """What a restore did: the backup's kind and the schema revision it was made at."""

    kind: str
    revision: str


def database_kind(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in _MAGIC:
        raise BackupRefused(f"Backups are made of SQLite and PostgreSQL databases, not {backend}.")
    return backend


def backup(*, url: str, path: Path) -> int:
    """Write a backup of the database at ``url`` to ``path`` (readable by its owner only); its size.

    The file is written beside ``path`` and renamed when complete, so ``path`` is never half a backup.
    """
    kind = database_kind(url)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    # Created here, 0600, before anything is written: the backup holds password hashes.
    try:
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as error:
        raise BackupRefused(f"Cannot write {path}: {error.strerror}.") from error
    try:
        if kind == SQLITE:
            _sqlite_backup(_sqlite_path(url), partial)
        else:
            _pg_dump(url, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path.stat().st_size


def restore(*, url: str, path: Path, force: bool = False) -> Restored:
    """Replace the database at ``url`` with the backup at ``path`` and bring it to the latest schema.

    Refuses a file that is not a Sinergi backup of the database's kind, a backup made by a newer version
    (its schema unknown here), and, unless ``force``, a database that holds data.
    """
    kind = database_kind(url)
    revision = backup_revision(path, kind=kind)
    engine = engine_for(url)
    try:
        if not force and holds_data(engine):
            raise BackupRefused(
                "The database already holds data; a restore would replace all of it. "
                "Give --force to replace it."
            )
        versions_before = _table_versions(engine)
    except OperationalError as error:
        raise BackupRefused(f"Cannot reach the database: {error.orig}") from error
    engine.dispose()
    if kind == SQLITE:
        _sqlite_restore(path, _sqlite_path(url))
    else:
        _pg_restore(url, path, engine)
    engine.dispose()
    upgrade_database(url)
    _after_restore(engine, path=path, revision=revision, versions_before=versions_before)
    return Restored(kind=kind, revision=revision)


def file_kind(path: Path) -> str:
    """Which kind of backup the file at ``path`` is, from its first bytes."""
    if not path.is_file():
        raise BackupRefused(f"There is no file {path}.")
    with path.open("rb") as file:
        start = file.read(len(_MAGIC[SQLITE]))
    for kind, magic in _MAGIC.items():
        if start.startswith(magic):
            return kind
    raise BackupRefused(
        f"{path} is not a backup: neither a SQLite database nor a pg_dump file in custom format."
    )


def backup_revision(path: Path, *, kind: str) -> str:
    """The schema revision of the Sinergi backup at ``path``, checked to be one this version knows."""
    found = file_kind(path)
    if found != kind:
        raise BackupRefused(
            f"{path} is a {_NAMES[found]} backup; the database is {_NAMES[kind]}. "
            "Restore a backup into a database of the kind it was made from."
        )
    revision = _sqlite_revision(path) if kind == SQLITE else _pg_revision(path)
    if revision is None:
        raise BackupRefused(f"{path} is a {_NAMES[kind]} backup, but not of a Sinergi database.")
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        known = scripts.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupRefused(
            f"{path} was made at schema revision {revision}, which this version of Sinergi does not know "
            "(a newer version made it). Restore it with that version."
        )
    return revision


def holds_data(engine: Engine) -> bool:
    """Whether any table of the database has a row, leaving out the ones the migrations fill."""
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names()) - _BOOKKEEPING
        return any(
            connection.execute(text(f'SELECT 1 FROM "{table}" LIMIT 1')).first() is not None
            for table in sorted(tables)
        )


def _table_versions(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        if not inspect(connection).has_table("table_version"):
            return {}
        table = m.TableVersion.__table__  # type: ignore[attr-defined]
        return {
            name: int(version)
            for name, version in connection.execute(sa_select(table.c.name, table.c.version))
        }


def _after_restore(engine: Engine, *, path: Path, revision: str, versions_before: dict[str, int]) -> None:
    """Raise every table's version past anything it was before the restore, and log the restore.

    App servers cache reads under the versions of the tables they read; a restored database starts
    from the backup's older versions, under which a cache may hold reads of other data.
    """
    table = m.TableVersion.__table__  # type: ignore[attr-defined]
    offset = max(versions_before.values(), default=0) + 1
    with write_session(engine) as session:
        connection = session.connection()
        connection.execute(sa_update(table).values(version=table.c.version + offset))
        # A table written before the restore whose row the backup lacks (one never written then).
        restored = set(connection.execute(sa_select(table.c.name)).scalars())
        missing = sorted(set(versions_before) - restored)
        if missing:
            connection.execute(sa_insert(table), [{"name": name, "version": offset} for name in missing])
        audit.record(
            session=session,
            actor=SYSTEM,
            action="restore",
            entity="database",
            detail=f"{path.name} (schema {revision})",
        )


# SQLite


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupRefused("An in-memory SQLite database has nothing to back up or restore into.")
    return Path(database)


def _busy_seconds() -> float:
    return int(env_setting("SINERGI_SQLITE_BUSY_TIMEOUT_MS")) / 1000


def _sqlite_backup(source_path: Path, target: Path) -> None:
    """SQLite's online backup: one consistent snapshot while the app goes on writing."""
    if not source_path.is_file():
        raise BackupRefused(f"There is no database file {source_path}.")
    with (
        closing(sqlite3.connect(source_path, timeout=_busy_seconds())) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)
        # One self-contained file, without a -wal beside it.
        copy.execute("PRAGMA journal_mode = DELETE")


def _sqlite_revision(path: Path) -> str | None:
    """The backup's schema revision; refused when SQLite finds the file damaged (cut short, say)."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as backup_db:
        try:
            damage = [row[0] for row in backup_db.execute("PRAGMA quick_check")]
        except sqlite3.DatabaseError as error:
            damage = [str(error)]
        if damage != ["ok"]:
            raise BackupRefused(f"{path} is damaged: {damage[0]}.")
        try:
            row = backup_db.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:  # no such table
            return None
    return str(row[0]) if row else None


def _sqlite_restore(backup_path: Path, target: Path) -> None:
    """Copy the backup into the database file with SQLite's backup API, which takes the write lock:
    the file keeps its owner-only permissions and journal mode, and open connections see the change."""
    with (
        closing(sqlite3.connect(f"{backup_path.resolve().as_uri()}?mode=ro", uri=True)) as source,
        closing(sqlite3.connect(target, timeout=_busy_seconds())) as database,
    ):
        try:
            source.backup(database)
        except sqlite3.Error as error:
            raise BackupRefused(f"The restore into {target} failed: {error}") from error
    if target.stat().st_mode & 0o077:
        target.chmod(0o600)


# PostgreSQL


def pg_program(name: str) -> str:
    """The newest of Debian's PostgreSQL client programs ``name``, else the one on the PATH."""
    versions = sorted(
        (
            candidate
            for candidate in _DEBIAN_PG.glob(f"*/bin/{name}")
            if candidate.parent.parent.name.isdigit()
        ),
        key=lambda candidate: int(candidate.parent.parent.name),
    )
    if versions:
        return str(versions[-1])
    found = shutil.which(name)
    if found is None:
        raise BackupRefused(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def pg_environment(url: str | None) -> dict[str, str]:
    """The environment that points libpq's programs at the database of ``url``: the password travels
    here, never on a command line that every user of the machine can read."""
    environment = dict(os.environ)
    if url is None:
        return environment
    parsed: URL = make_url(url)
    settings = {
        "PGHOST": parsed.host or str(parsed.query.get("host", "")),
        "PGPORT": str(parsed.port or ""),
        "PGUSER": parsed.username or "",
        "PGPASSWORD": parsed.password or "",
        "PGDATABASE": parsed.database or "",
        "PGSSLMODE": str(parsed.query.get("sslmode", "")),
    }
    environment.update({name: value for name, value in settings.items() if value})
    return environment


def _run_pg(url: str | None, *args: str, output: Path | None = None) -> str:
    """Run a PostgreSQL client program; its standard output (unless written to ``output``)."""
    try:
        if output is not None:
            with output.open("wb") as file:
                done = subprocess.run(
                    args,
                    env=pg_environment(url),
                    stdout=file,
                    stderr=subprocess.PIPE,
                    timeout=_PG_TIMEOUT_SECONDS,
                )
        else:
            done = subprocess.run(
                args, env=pg_environment(url), capture_output=True, timeout=_PG_TIMEOUT_SECONDS
            )
    except subprocess.TimeoutExpired as error:
        raise BackupRefused(f"{Path(args[0]).name} took longer than {_PG_TIMEOUT_SECONDS} s.") from error
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise BackupRefused(f"{Path(args[0]).name} failed: {message}")
    return "" if output is not None else done.stdout.decode(errors="replace")


def _pg_dump(url: str, target: Path) -> None:
    """pg_dump's custom format: one consistent snapshot, compressed, read back by pg_restore."""
    _run_pg(url, pg_program("pg_dump"), "--format=custom", output=target)


@contextmanager
def _damaged_when_unreadable(path: Path) -> Iterator[None]:
    """pg_restore failing to read a file (cut short, say) while nothing was touched yet."""
    try:
        yield
    except BackupRefused as error:
        raise BackupRefused(f"{path} is damaged: {error}") from error


def _pg_revision(path: Path) -> str | None:
    """The revision in the backup's alembic_version table, read without restoring anything."""
    with _damaged_when_unreadable(path):
        script = _run_pg(
            None, pg_program("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(path)
        )
    lines = iter(script.splitlines())
    for line in lines:
        if line.startswith("COPY ") and "alembic_version" in line:
            value = next(lines, "\\.")
            return None if value == "\\." else value.strip()
    return None


def _pg_restore(url: str, path: Path, engine: Engine) -> None:
    """The backup's SQL, written out by pg_restore, run by psql in one transaction after dropping every
    table the database has: a restore that fails leaves the database as it was.

    pg_restore's --clean drops only what the backup holds; tables and constraints of a later schema
    (a foreign key added to a table it recreates) would stop it. The migrations that run after the
    restore make them again.
    """
    with engine.connect() as connection:
        quote = connection.dialect.identifier_preparer.quote
        tables = sorted(inspect(connection).get_table_names())
    engine.dispose()
    drop = "; ".join(f"DROP TABLE IF EXISTS {quote(table)} CASCADE" for table in tables) or "SELECT 1"
    # A directory of the owner's only: the script holds the password hashes too.
    with tempfile.TemporaryDirectory(prefix="sinergi-restore-") as directory:
        script = Path(directory) / "restore.sql"
        pg_restore = pg_program("pg_restore")
        with _damaged_when_unreadable(path):
            _run_pg(
                None,
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                f"--file={script}",
                str(path),
            )
        psql = pg_program("psql")
        _run_pg(
            url,
            psql,
            "--no-psqlrc",
            "--quiet",
            "--set=ON_ERROR_STOP=1",
            "--single-transaction",
            f"--command={drop}",
            f"--file={script}",
        )

"""The one engine, sessions per unit of work, and schema migrations."""

from __future__ import annotations

import os
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Executable, Select, Table, event, inspect, text
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session, SQLModel, create_engine, select

import models as m
from sinergi.core.settings import DEFAULT_SQLITE_PATH, PROJECT_ROOT, database_url, env_setting

# Execution option that asks SQLite to take the write lock when the transaction begins.
_IMMEDIATE = "sinergi_begin_immediate"


def _configure_sqlite(engine: Engine) -> None:
    busy_ms = int(env_setting("SINERGI_SQLITE_BUSY_TIMEOUT_MS"))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so BEGIN IMMEDIATE can be issued.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A write that only asks for the lock at its first INSERT can deadlock with another
        # reader turned writer and fail at once with "database is locked"; taking it up
        # front lets the busy timeout queue writers instead.
        immediate = connection.get_execution_options().get(_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    """Build an engine for ``url`` with the settings this app relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_file(Path(parsed.database))
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _private_file(path: Path) -> None:
    """Make the SQLite file readable by its owner only, and a directory made for it too.

    SQLite gives its ``-wal`` and ``-shm`` files the database file's permissions.
    """
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    if path.resolve().parent == DEFAULT_SQLITE_PATH.parent:
        path.parent.chmod(0o700)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


def serialize_on(session: Session, key: str) -> None:
    """Let one transaction at a time past this point for ``key``, until it ends.

    A count that decides whether to go on (failed sign-ins from one address, say) is then exact even
    when several requests arrive together. SQLite writes one transaction at a time already.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(key.encode())})


@cache
def engine_for(url: str) -> Engine:
    """One engine per URL for the life of the process."""
    return make_engine(url)


def get_engine() -> Engine:
    """The engine of the configured database."""
    return engine_for(database_url())


def _after_failure(error: BaseException, engine: Engine) -> None:
    """Let a refused action log itself once its own transaction is gone.

    A refusal must be logged although the action rolls back; on SQLite a second writer could
    not start while the refused action's transaction still held the write lock.
    """
    log = getattr(error, "log_refusal", None)
    if callable(log):
        log(engine)


@contextmanager
def read_session(engine: Engine | None = None) -> Iterator[Session]:
    """A session for reading."""
    bind = engine or get_engine()
    try:
        with Session(bind) as session:
            yield session
    except Exception as error:
        _after_failure(error, bind)
        raise


class _WriterQueue:
    """The writers of one SQLite database in this process, taking turns.

    Left to SQLite, a writer that finds the database locked sleeps and tries again, at longer and
    longer intervals (100 ms once it has waited a while), and whichever writer tries first after a
    commit goes next: with a hall of phones sending at once the last to arrive keep losing to the
    newer ones, and some waited past the busy timeout and failed although every write was short.
    Here a writer is woken as soon as the one before it is done, and gives up only when no writer has
    finished for the busy timeout (one writer holding the lock that long). Writers in other processes
    still take turns through SQLite's own busy timeout.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._done = 0  # turns finished so far: a waiter that sees it grow keeps waiting

    @contextmanager
    def turn(self, patience: float) -> Iterator[None]:
        seen = self._done
        while not self._lock.acquire(timeout=patience):
            if self._done == seen:
                # Nobody finished in all that time: leave it to SQLite's busy timeout, as without the
                # queue.
                yield
                return
            seen = self._done
        try:
            yield
        finally:
            self._done += 1
            self._lock.release()


_writer_queues: dict[str, _WriterQueue] = {}
_writer_queues_lock = threading.Lock()


@contextmanager
def _writer_turn(engine: Engine) -> Iterator[None]:
    """Wait for this process's other writers of ``engine``'s SQLite database (PostgreSQL writers
    lock rows, not the database, and need no turn)."""
    if engine.dialect.name != "sqlite":
        yield
        return
    url = engine.url.render_as_string(hide_password=False)
    with _writer_queues_lock:
        queue = _writer_queues.setdefault(url, _WriterQueue())
    with queue.turn(int(env_setting("SINERGI_SQLITE_BUSY_TIMEOUT_MS")) / 1000):
        yield


@contextmanager
def write_session(engine: Engine | None = None) -> Iterator[Session]:
    """A session for one user action: committed as a whole at the end, rolled back on error."""
    base = engine or get_engine()
    bind = base.execution_options(**{_IMMEDIATE: True})
    try:
        with _writer_turn(base), Session(bind, expire_on_commit=False) as session, session.begin():
            yield session
    except Exception as error:
        _after_failure(error, base)
        raise


# Cached readers put the versions of the tables they read into their key, so a write makes exactly the
# readers that depend on it read again. The versions live in the database (``table_version``), raised
# in the transaction of each write, so that a write on any app server reaches every server's cache.
# Each server reads them all at once, at most every VERSIONS_MAX_AGE seconds and again after a write
# of its own: a page run that starts later than that after a write on another server sees it.
VERSIONS_MAX_AGE = 0.5


@dataclass
class _Snapshot:
    versions: dict[str, int]
    taken: float
    generation: int


# Per database URL: the versions last read, and how many writes this process has committed there.
_snapshots: dict[str, _Snapshot] = {}
_generations: Counter[str] = Counter()
_versions_lock = threading.Lock()
_versioned: set[str] = set()  # URLs whose database has the table_version table


F = TypeVar("F", bound=Callable[..., Any])


def reads(*tables: Any) -> Callable[[F], F]:
    """Mark a query with the tables it reads, so its cached results follow writes to them."""
    names = tuple(sorted(table.__tablename__ for table in tables))

    def mark(query: F) -> F:
        query.__reads__ = names  # type: ignore[attr-defined]
        return query

    return mark


def table_versions(tables: Iterable[str], engine: Engine | None = None) -> tuple[int, ...]:
    """The write versions of ``tables``, in order, from a snapshot of the database's that is at most
    ``VERSIONS_MAX_AGE`` seconds old and newer than this process's last write."""
    bind = engine or get_engine()
    url = bind.url.render_as_string(hide_password=False)
    now = time.monotonic()
    with _versions_lock:
        snapshot, generation = _snapshots.get(url), _generations[url]
    if snapshot is None or snapshot.generation != generation or now - snapshot.taken > VERSIONS_MAX_AGE:
        snapshot = _Snapshot(_read_versions(bind), now, generation)
        with _versions_lock:
            _snapshots[url] = snapshot
    return tuple(snapshot.versions.get(name, 0) for name in tables)


def _read_versions(engine: Engine) -> dict[str, int]:
    table = m.TableVersion.__table__  # type: ignore[attr-defined]
    try:
        with engine.connect() as connection:
            found = connection.execute(sa_select(table.c.name, table.c.version))
            return {name: int(version) for name, version in found}
    except (OperationalError, ProgrammingError):  # a database not migrated yet
        return {}


@event.listens_for(Session, "after_flush")
def _collect_written_tables(session: Session, _context: Any) -> None:
    written = session.info.setdefault("written_tables", set())
    for instance in (*session.new, *session.dirty, *session.deleted):
        table = getattr(type(instance), "__tablename__", None)
        if table:
            written.add(table)


@event.listens_for(Session, "before_commit")
def _raise_versions(session: Session) -> None:
    """Raise the versions of the tables this transaction wrote, inside it, in name order (two
    transactions never wait for each other's version rows in opposite orders)."""
    session.flush()
    written = sorted(set(session.info.get("written_tables", ())) - {"table_version"})
    if not written:
        return
    connection = session.connection()
    if not _has_versions(connection):
        return
    table = m.TableVersion.__table__  # type: ignore[attr-defined]
    done = connection.execute(
        sa_update(table).where(table.c.name.in_(written)).values(version=table.c.version + 1)
    ).rowcount
    if done < len(written):  # a table the migration did not list
        insert = sqlite_insert if connection.dialect.name == "sqlite" else postgresql_insert
        known = set(connection.execute(sa_select(table.c.name).where(table.c.name.in_(written))).scalars())
        for name in sorted(set(written) - known):
            connection.execute(insert(table).values(name=name, version=1).on_conflict_do_nothing())


def _has_versions(connection: Connection) -> bool:
    url = connection.engine.url.render_as_string(hide_password=False)
    if url in _versioned:
        return True
    if inspect(connection).has_table("table_version"):
        _versioned.add(url)
        return True
    return False


@event.listens_for(Session, "after_commit")
def _count_written_tables(session: Session) -> None:
    written = session.info.pop("written_tables", set())
    if written:
        bind = session.get_bind()
        engine = bind.engine if isinstance(bind, Connection) else bind
        url = engine.url.render_as_string(hide_password=False)
        with _versions_lock:
            _generations[url] += 1


@event.listens_for(Session, "after_rollback")
def _forget_written_tables(session: Session) -> None:
    session.info.pop("written_tables", None)


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str | None = None) -> None:
    """Bring the database at ``url`` (default: the configured one) to the latest schema."""
    from alembic import command

    target = url or database_url()
    config = alembic_config(target)
    config.attributes["engine"] = engine_for(target)
    command.upgrade(config, "head")


def table_of(model: type[SQLModel]) -> Table:
    """The table a model maps to, typed as one."""
    return SQLModel.metadata.tables[str(model.__tablename__)]


def select_columns(*columns: Any) -> Select[Any]:
    """A SELECT of many columns; sqlmodel's ``select`` is typed for at most four."""
    return sa_select(*columns)


def rows(session: Session, statement: Executable) -> list[tuple[Any, ...]]:
    """All rows of a Core statement as tuples, inside the session's transaction."""
    return [tuple(row) for row in session.connection().execute(statement)]


def replace_links(
    session: Session, model: Any, *, owner: str, owner_id: int, column: str, wanted: set[Any]
) -> bool:
    """Make the ``model`` rows whose ``owner`` column is ``owner_id`` link exactly the ``wanted`` values
    of ``column``: delete the others, add the missing; whether anything changed."""
    current = {
        getattr(link, column): link
        for link in session.exec(select(model).where(getattr(model, owner) == owner_id))
    }
    for value in set(current) - wanted:
        session.delete(current[value])
    for value in wanted - set(current):
        session.add(model(**{owner: owner_id, column: value}))
    session.flush()
    return set(current) != wanted

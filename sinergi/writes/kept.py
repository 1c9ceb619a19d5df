"""Tables of kept figures (derived from other rows, kept by every write): what a write touched, asked a
statement's worth of ids at a time, and how a table differs from what its source rows give now (for
``manage.py rebuild-summaries --check`` and the tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Connection, Select, Table, inspect
from sqlalchemy import select as sa_select
from sqlmodel import Session

T = TypeVar("T", int, str)
W = TypeVar("W")
# Ids per statement: a bound list of ids stays well inside every database's limits.
CHUNK = 500

# (table.column, key, kept, made); a row missing on one side shows as its first figure against None.
Difference = tuple[str, tuple[Any, ...], Any, Any]


def written(session: Session, key: str, start: Callable[[], W]) -> W:
    """What the session's transaction has written so far that a table's figures come from, kept in
    ``session.info[key]`` (begun by ``start``) until its commit makes them again or a rollback drops it."""
    found = session.info.get(key)
    if found is None:
        found = session.info[key] = start()
    return cast(W, found)


def former(instance: Any, name: str) -> list[Any]:
    """The values an attribute held before this flush changed it (an indicator's earlier program, say)."""
    return [value for value in inspect(instance).attrs[name].history.deleted if value is not None]


def chunks(ids: Iterable[T | None]) -> Iterator[list[T]]:
    """``ids`` (None left out) in order and once each, a statement's worth at a time."""
    ordered = sorted({i for i in ids if i is not None})
    for n in range(0, len(ordered), CHUNK):
        yield ordered[n : n + CHUNK]


def linked(
    session: Session, wanted: Any, key: Any, ids: Iterable[T | None], *also: ColumnElement[bool]
) -> set[Any]:
    """The values of ``wanted`` on the rows whose ``key`` is one of ``ids`` (and that meet ``also``):
    the programs of some indicators, say, whose figures a write changed."""
    found: set[Any] = set()
    for chunk in chunks(ids):
        statement = sa_select(wanted).where(key.in_(chunk), *also).distinct()
        found.update(session.connection().execute(statement).scalars())
    return found


def differences(connection: Connection, table: Table, made: Select[Any]) -> list[Difference]:
    """Where ``table`` differs from ``made`` (its rows as the source gives them, its key columns
    first): every column of every row, sums of fractions to 1e-9 of their size."""
    names = [c.name for c in table.primary_key.columns]
    columns = [c.name for c in table.columns if not c.primary_key]
    width = len(names)
    now = {tuple(row[:width]): row._mapping for row in connection.execute(made)}
    kept = {
        tuple(row._mapping[k] for k in names): row._mapping for row in connection.execute(sa_select(table))
    }
    found: list[Difference] = []
    for key in sorted(set(now) | set(kept), key=repr):
        one, other = kept.get(key), now.get(key)
        if one is None or other is None:  # its first figure against None
            found.append(
                (f"{table.name}.{columns[0]}", key, one and one[columns[0]], other and other[columns[0]])
            )
            continue
        for name in columns:
            a, b = one[name], other[name]
            if isinstance(b, float) and abs(float(a) - b) <= 1e-9 * max(1.0, abs(b)):
                continue
            if a != b:
                found.append((f"{table.name}.{name}", key, a, b))
    return found

"""Tables of kept figures (derived from other rows, kept by every write): how one differs from what its
source rows give now, for ``manage.py rebuild-summaries --check`` and the tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, Table
from sqlalchemy import select as sa_select

# (table.column, key, kept, made); a row missing on one side shows as its first figure against None.
Difference = tuple[str, tuple[Any, ...], Any, Any]


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

"""Every table of a database as sorted rows without ids, a foreign key written as the names it points to.

Two databases that hold the same world dump the same, whatever ids their rows were given.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, select
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables)

FIXTURE = Path(__file__).parent / "fixtures" / "demo_tables.json"

# What names a row of a table that others point to (a foreign key in it is written by its own name).
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "regency": ("name",),
    "district": ("regency_id", "name"),
    "village": ("district_id", "name"),
    "company": ("name",),
    "organisation": ("name",),
    "period": ("code",),
    "program": ("company_id", "name"),
    "indicator": ("program_id", "name"),
    "meeting": ("title", "held_on"),
    "meeting_participant": ("meeting_id", "device_token"),
    "evaluation": ("company_id", "title"),
    "follow_up_action": ("program_id", "description"),
    "framework": ("regency_id", "name"),
    "framework_point": ("framework_id", "number"),
    "app_user": ("username",),
}

# Set to the moment of loading, so they differ from run to run.
MOMENT_COLUMNS = frozenset({"updated_at"})
# The audit log records how the rows were written (by which command, when), not the world they hold.
# The audit log and the write counters of the caches record how the world was loaded, not what it holds.
SKIPPED_TABLES = frozenset({"audit_log", "table_version"})


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class _Names:
    def __init__(self, engine: Engine) -> None:
        self.rows: dict[str, dict[int, dict[str, Any]]] = {}
        with engine.connect() as connection:
            for name in NATURAL_KEYS:
                table = SQLModel.metadata.tables[name]
                self.rows[name] = {
                    row["id"]: row for row in (r._asdict() for r in connection.execute(select(table)))
                }
        self.memo: dict[tuple[str, int], str] = {}

    def name(self, table: str, row_id: int) -> str:
        if (table, row_id) not in self.memo:
            row = self.rows[table][row_id]
            parts = [
                self.value(SQLModel.metadata.tables[table], column, row[column])
                for column in NATURAL_KEYS[table]
            ]
            self.memo[(table, row_id)] = " / ".join(str(p) for p in parts)
        return self.memo[(table, row_id)]

    def value(self, table: Table, column: str, value: Any) -> Any:
        foreign = next(iter(table.columns[column].foreign_keys), None)
        if foreign is None or value is None:
            return _plain(value)
        return self.name(foreign.column.table.name, value)


def dump_tables(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Each table's rows, sorted, without ids or moments of loading."""
    names = _Names(engine)
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for table_name, table in sorted(SQLModel.metadata.tables.items()):
            if table_name in SKIPPED_TABLES:
                continue
            rows = []
            for row in connection.execute(select(table)):
                values = row._asdict()
                rows.append(
                    {
                        column: names.value(table, column, value)
                        for column, value in values.items()
                        if column not in MOMENT_COLUMNS and column != "id"
                    }
                )
            out[table_name] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False))
    return out


def write_fixture(engine: Engine, path: Path = FIXTURE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(dump_tables(engine), indent=1, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":  # records the world the files in data/demo/ build: python -m tests.demo_tables
    import tempfile

    from sinergi.core.db import engine_for, upgrade_database
    from sinergi.worlds.demo import load_demo

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        upgrade_database(url)
        engine = engine_for(url)
        load_demo(engine=engine)
        write_fixture(engine)
        engine.dispose()
    print(f"Wrote {FIXTURE}")

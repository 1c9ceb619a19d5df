"""An import's check and preview read only: other writers are not kept waiting for the SQLite lock."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import Engine

import models as m
from sinergi.core.access import SYSTEM
from sinergi.core.db import write_session
from sinergi.transfer import importing
from sinergi.transfer.parsing import SheetRows
from sinergi.transfer.sheets import SHEETS_BY_KEY


def test_another_session_writes_at_once_while_an_import_is_previewed(sqlite_engine: Engine) -> None:
    with write_session(sqlite_engine) as session:
        session.add(m.Company(name="PT Uji", short_name="Uji", sector=m.Sector.OTHER))
    sheet = SheetRows(SHEETS_BY_KEY["programs"])
    sheet.rows.append(
        (
            2,
            {
                "company": "PT Uji",
                "program": "Program A",
                "pillar": "economy",
                "start_date": date(2024, 1, 1),
            },
        )
    )
    waits: list[float] = []
    check = importing._Import.programs

    def write_meanwhile(self: importing._Import, row: dict[str, object]) -> None:
        started = time.perf_counter()
        with write_session(sqlite_engine) as other:  # would wait out the busy timeout under a write lock
            other.add(m.AuditLog(action="login_failed", username="tamu"))
        waits.append(time.perf_counter() - started)
        check(self, row)

    importing._Import.programs = write_meanwhile  # type: ignore[method-assign]
    try:
        report = importing.import_sheets(engine=sqlite_engine, viewer=SYSTEM, sheets=[sheet], commit=False)
    finally:
        importing._Import.programs = check  # type: ignore[method-assign]
    assert report.ok and report.created == {"programs": 1} and not report.committed
    assert waits and waits[0] < 1

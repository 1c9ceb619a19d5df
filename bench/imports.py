"""A 50,000-row import (preview, then write) while another writer records a small change every 50 ms."""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

import models as m
from sinergi.core.access import SYSTEM
from sinergi.core.db import write_session
from sinergi.transfer.importing import import_sheets
from sinergi.transfer.parsing import SheetRows
from sinergi.transfer.sheets import SHEETS_BY_KEY

ROWS = 50_000
PROGRAMS = 25
INDICATORS_PER_PROGRAM = 40
SEMESTERS = (ROWS - PROGRAMS - PROGRAMS * INDICATORS_PER_PROGRAM) // (PROGRAMS * INDICATORS_PER_PROGRAM)


@dataclass(frozen=True)
class ImportFigures:
    database: str
    rows: int
    preview_s: float
    write_s: float
    import_s: float
    other_writes: int
    other_longest_wait_s: float
    other_errors: int
    first_error: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _company(engine: Engine) -> str:
    with write_session(engine) as session:
        session.add(m.Company(name="PT Uji Impor", short_name="Uji Impor", sector=m.Sector.OTHER))
    return "PT Uji Impor"


def import_file(company: str) -> list[SheetRows]:
    """Programs, their indicators and a result per indicator and semester: ``ROWS`` rows in all."""
    programs = [f"Program uji {p + 1}" for p in range(PROGRAMS)]
    sheets = {key: SheetRows(SHEETS_BY_KEY[key]) for key in ("programs", "indicators", "results")}
    number = 2
    for program in programs:
        sheets["programs"].rows.append(
            (
                number,
                {"company": company, "program": program, "pillar": "economy", "start_date": date(2020, 1, 1)},
            )
        )
        number += 1
        for i in range(INDICATORS_PER_PROGRAM):
            indicator = {"company": company, "program": program, "indicator": f"Indikator {i + 1}"}
            sheets["indicators"].rows.append((number, indicator | {"unit": "orang"}))
            number += 1
            for s in range(SEMESTERS):
                period = f"{2000 + s // 2}-S{s % 2 + 1}"
                figures = {"period": period, "target": 100, "actual": s + i, "narrative": "Uji beban"}
                sheets["results"].rows.append((number, indicator | figures))
                number += 1
    return list(sheets.values())


def import_while_writing(engine: Engine) -> ImportFigures:
    """Time the preview and the write of the import; meanwhile another thread writes a small row every
    50 ms and notes how long its longest write took (its wait for the lock among it)."""
    sheets = import_file(_company(engine))
    rows = sum(len(sheet.rows) for sheet in sheets)
    stop = threading.Event()
    waits: list[float] = []
    errors: list[str] = []

    def other_writer() -> None:
        n = 0
        while not stop.is_set():
            started = time.perf_counter()
            try:
                with write_session(engine) as session:
                    session.add(m.AuditLog(action="login_failed", username=f"tamu{n}", detail="bench"))
            except Exception as error:  # counted: a failed small write is what is measured
                errors.append(f"{type(error).__name__}: {error}")
            waits.append(time.perf_counter() - started)
            n += 1
            time.sleep(0.05)

    writer = threading.Thread(target=other_writer)
    writer.start()
    try:
        time.sleep(0.2)
        started = time.perf_counter()
        preview = import_sheets(engine=engine, viewer=SYSTEM, sheets=sheets, commit=False)
        previewed = time.perf_counter()
        report = import_sheets(
            engine=engine, viewer=SYSTEM, sheets=sheets, commit=True, file_name="bench.xlsx", preview=preview
        )
        finished = time.perf_counter()
        time.sleep(0.2)
    finally:
        stop.set()
        writer.join()
    assert preview.ok and report.committed, (preview.problems[:3], report.problems[:3])
    return ImportFigures(
        database=engine.dialect.name,
        rows=rows,
        preview_s=previewed - started,
        write_s=finished - previewed,
        import_s=finished - started,
        other_writes=len(waits),
        other_longest_wait_s=max(waits, default=0.0),
        other_errors=len(errors),
        first_error=errors[0][:300] if errors else None,
    )

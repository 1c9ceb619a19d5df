"""Concurrent writers recording feedback, each item its own transaction: throughput and lost items."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import select

import models as m
from sinergi.core.db import read_session, write_session
from sinergi.writes.feedback import record_feedback

KINDS = [kind.value for kind in m.FeedbackKind]


@dataclass(frozen=True)
class WriteResult:
    database: str
    writers: int
    items_per_writer: int
    attempted: int
    stored: int
    lost: int
    errors: int
    seconds: float
    items_per_second: float
    first_error: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _bench_meeting(engine: Engine, writers: int) -> int:
    with write_session(engine) as session:
        meeting = m.Meeting(
            kind=m.MeetingKind.FGD,
            title=f"FGD uji beban: {writers} penulis serentak",
            held_on=date.today(),
            venue="Benchmark",
        )
        session.add(meeting)
        session.flush()
        assert meeting.id is not None
        return meeting.id


def concurrent_writes(engine: Engine, *, writers: int, items: int) -> WriteResult:
    """``writers`` threads each record ``items`` feedback items at one new meeting, all at once.

    Every item is one ``write_session`` (one user action); a writer that fails counts the error and
    goes on. Lost items are those attempted but not in the database afterwards.
    """
    meeting_id = _bench_meeting(engine, writers)
    started: list[float] = []
    gate = threading.Barrier(writers, action=lambda: started.append(time.perf_counter()))

    def write(writer: int) -> list[str]:
        errors: list[str] = []
        gate.wait()
        for n in range(items):
            try:
                with write_session(engine) as session:
                    record_feedback(
                        session=session,
                        meeting_id=meeting_id,
                        kind=KINDS[(writer + n) % len(KINDS)],
                        text=f"Masukan {n + 1} dari peserta {writer + 1}: mohon pendampingan pemasaran.",
                        source_type=m.OrgType.COMMUNITY_GROUP,
                        speaker=f"Peserta {writer + 1}",
                    )
            except Exception as error:  # counted and reported: a lost write is what is measured
                errors.append(f"{type(error).__name__}: {error}")
        return errors

    with ThreadPoolExecutor(writers) as pool:
        outcomes = list(pool.map(write, range(writers)))
    seconds = time.perf_counter() - started[0]
    with read_session(engine) as session:
        stored = session.exec(
            select(func.count()).select_from(m.FeedbackItem).where(m.FeedbackItem.meeting_id == meeting_id)
        ).one()
    errors = [error for outcome in outcomes for error in outcome]
    attempted = writers * items
    return WriteResult(
        database=engine.dialect.name,
        writers=writers,
        items_per_writer=items,
        attempted=attempted,
        stored=int(stored),
        lost=attempted - int(stored),
        errors=len(errors),
        seconds=seconds,
        items_per_second=int(stored) / seconds if seconds > 0 else 0.0,
        first_error=errors[0][:300] if errors else None,
    )

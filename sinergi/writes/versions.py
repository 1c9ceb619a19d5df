"""A record's version: what a save or a verification compares with the version it was opened at, so
one begun before someone else's change is refused as stale rather than writing over it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlmodel import Session


class Versioned(Protocol):
    """A record that keeps when it last changed and its version."""

    updated_at: datetime
    version: int


def new_version(session: Session, record: Versioned, now: datetime) -> None:
    """``record`` changed at ``now``: its time stamped and its version raised (whatever was opened at
    the version before is refused as stale), and added to the session to be written."""
    record.updated_at = now
    record.version += 1
    session.add(record)

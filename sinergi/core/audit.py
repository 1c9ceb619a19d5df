"""The audit log: rows are only ever added, by the action they describe or, for a refusal, on their own."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

import models as m
from sinergi.core.access import Viewer


def _dump(values: dict[str, Any] | None) -> str:
    return json.dumps(values, default=str, ensure_ascii=False, sort_keys=True) if values else ""


def record(
    *,
    session: Session,
    actor: Viewer | None,
    action: str,
    entity: str = "",
    entity_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str = "",
    username: str | None = None,
) -> None:
    """Add an audit row inside the caller's transaction: it stands or falls with the action."""
    session.add(
        m.AuditLog(
            user_id=actor.user_id if actor else None,
            username=username if username is not None else (actor.username if actor else ""),
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=_dump(before),
            after=_dump(after),
            detail=detail,
        )
    )


def record_refusal(
    *, engine: Engine, actor: Viewer | None, entity: str, entity_id: int | None, detail: str
) -> None:
    """Log a refused action in a transaction of its own, so it stays when the action rolls back."""
    from sinergi.core.db import write_session

    with write_session(engine) as session:
        record(
            session=session, actor=actor, action="refused", entity=entity, entity_id=entity_id, detail=detail
        )


def row_values(
    *,
    actor: Viewer | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns of the audit row :func:`record` would add, for a bulk insert of many at once."""
    return {
        "user_id": actor.user_id if actor else None,
        "username": actor.username if actor else "",
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": _dump(before),
        "after": _dump(after),
        "detail": "",
        "at": m.utcnow(),
    }

"""History recorded by an admin (when feedback was given and closed, where an organisation sits): written
with its audit row, once, and refused to anyone else, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

import models as m
from sinergi.core.access import SYSTEM, AccessDenied, Viewer
from sinergi.core.db import read_session, write_session
from sinergi.writes import history
from tests.factories import make_company, make_feedback, make_meeting

GIVEN = datetime(2023, 5, 2, 9, tzinfo=UTC)
CLOSED = datetime(2023, 6, 20, 15, tzinfo=UTC)


def _audits(engine: Engine, entity: str) -> list[m.AuditLog]:
    with read_session(engine) as session:
        return list(
            session.exec(select(m.AuditLog).where(m.AuditLog.entity == entity).order_by(col(m.AuditLog.id)))
        )


def test_feedback_moments_are_written_once_with_their_audit_row(engine: Engine) -> None:
    item_id = make_feedback(engine, meeting_id=make_meeting(engine))
    for _ in range(2):
        with write_session(engine) as session:
            history.set_feedback_moments(
                session=session, viewer=SYSTEM, item_id=item_id, given_at=GIVEN, closed_at=CLOSED
            )
    with read_session(engine) as session:
        item = session.get(m.FeedbackItem, item_id)
        assert item is not None
        assert (item.created_at, item.closed_at, item.updated_at) == (GIVEN, CLOSED, CLOSED)
    [row] = _audits(engine, "feedback_item")  # the second call found nothing to change
    assert row.action == "update" and row.entity_id == item_id and row.username == "system"


def test_a_company_may_not_rewrite_history(engine: Engine) -> None:
    company_id = make_company(engine)
    item_id = make_feedback(engine, meeting_id=make_meeting(engine, company_id=company_id))
    staff = Viewer(user_id=None, username="staf", role=m.Role.COMPANY, company_id=company_id)
    with pytest.raises(AccessDenied), write_session(engine) as session:
        history.set_feedback_moments(
            session=session, viewer=staff, item_id=item_id, given_at=GIVEN, closed_at=None
        )
    with read_session(engine) as session:
        item = session.get(m.FeedbackItem, item_id)
        assert item is not None and item.created_at != GIVEN
    assert [row.action for row in _audits(engine, "feedback_item")] == ["refused"]

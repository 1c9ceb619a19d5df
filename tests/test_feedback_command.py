"""record_feedback stores valid feedback and refuses the rest, leaving nothing behind, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func
from sqlmodel import col, select

import models as m
from sinergi.core.db import read_session, write_session
from sinergi.i18n.texts import translate
from sinergi.worlds.demo import load_demo
from sinergi.writes.feedback import MAX_TEXT, InvalidFeedback, record_feedback


@pytest.fixture
def meeting_id(engine: Engine) -> int:
    load_demo(engine=engine)
    with read_session(engine) as session:
        found = session.exec(select(m.Meeting.id).order_by(col(m.Meeting.held_on))).first()
    assert found is not None
    return found


def _items(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(m.FeedbackItem)).one()


def test_valid_feedback_is_stored_open_and_awaiting_moderation(engine: Engine, meeting_id: int) -> None:
    before = _items(engine)
    with write_session(engine) as session:
        item = record_feedback(
            session=session,
            meeting_id=meeting_id,
            kind=m.FeedbackKind.EXPECTATION,
            text="  Mohon pelatihan pemasaran daring untuk kelompok binaan.  ",
            source_type=m.OrgType.COMMUNITY_GROUP,
            speaker="Ibu Sari",
        )
        item_id = item.id
    assert item_id is not None
    with read_session(engine) as session:
        stored = session.get(m.FeedbackItem, item_id)
        assert stored is not None
        assert stored.text == "Mohon pelatihan pemasaran daring untuk kelompok binaan."
        assert (stored.kind, stored.status, stored.moderation) == ("expectation", "open", "pending")
        assert (stored.meeting_id, stored.source_type, stored.speaker) == (
            meeting_id,
            "community_group",
            "Ibu Sari",
        )
    assert _items(engine) == before + 1


def test_text_of_exactly_the_limit_is_accepted(engine: Engine, meeting_id: int) -> None:
    with write_session(engine) as session:
        item = record_feedback(session=session, meeting_id=meeting_id, kind="suggestion", text="a" * MAX_TEXT)
    assert len(item.text) == MAX_TEXT


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("complaint", "Jenis yang tidak dikenal"),
        ("suggestion", ""),
        ("suggestion", "   \n "),
        ("suggestion", "a" * (MAX_TEXT + 1)),
    ],
    ids=["unknown-kind", "empty", "blank", "too-long"],
)
def test_invalid_feedback_is_refused_and_nothing_stored(
    engine: Engine, meeting_id: int, kind: str, text: str
) -> None:
    before = _items(engine)
    with pytest.raises(InvalidFeedback) as refused, write_session(engine) as session:
        record_feedback(session=session, meeting_id=meeting_id, kind=kind, text=text)
    assert refused.value.key == "error.feedback_invalid"
    assert str(MAX_TEXT) in translate(refused.value.key, "en", **refused.value.values)
    assert _items(engine) == before

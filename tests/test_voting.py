"""Live prioritising in the data layer (dot-voting), on SQLite and PostgreSQL: opening a vote on the
approved input or on a list, phones spreading their dots (and moving them), the ranking, closing, and a
top option becoming a follow-up action; who may do which."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlmodel import select

import models as m
from sinergi.core.access import AccessDenied
from sinergi.core.db import read_session, write_session
from sinergi.reads import engagement
from sinergi.reads.filters import Filters
from sinergi.reports.meeting import summary_pdf, summary_xlsx
from sinergi.writes import live, voting
from tests.test_live import NOW, World, build_world


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


def approve_all(world: World, item_ids: list[int]) -> None:
    world.run(
        lambda s: live.moderate(
            session=s, viewer=world.organiser, item_ids=item_ids, moderation="approved", now=NOW
        )
    )


def spend(world: World, code: str, token: str, vote_id: int, allocation: dict[int, int]) -> int:
    spent: int = world.run(
        lambda s: voting.spend_dots(
            session=s, code=code, device_token=token, vote_id=vote_id, allocation=allocation, now=NOW
        )
    )
    return spent


def test_phones_spread_their_dots_over_the_approved_input_and_the_room_sees_the_ranking(world: World) -> None:
    code = world.open()
    phones = [world.check_in(code) for _ in range(3)]
    items = [world.send(code, phones[0], text) for text in ("Pelatihan daring", "Pasar desa", "Air bersih")]
    pending = world.send(code, phones[1], "Belum disetujui")
    approve_all(world, items)
    vote_id = world.run(
        lambda s: voting.open_vote(
            session=s,
            viewer=world.agency,
            meeting_id=world.meeting_id,
            question="Mana yang paling penting tahun depan?",
            dots=3,
            options=None,
            now=NOW,
        )
    )
    ranking = world.read(
        lambda s: voting.current_ranking(session=s, viewer=world.admin, meeting_id=world.meeting_id)
    )
    assert ranking is not None and not ranking.closed
    assert set(ranking.options["label"]) == {"Pelatihan daring", "Pasar desa", "Air bersih"}, "approved only"
    assert pending not in set(ranking.options["id"])
    option = dict(zip(ranking.options["label"], ranking.options["id"], strict=True))

    spend(world, code, phones[0], vote_id, {option["Air bersih"]: 3})
    spend(world, code, phones[1], vote_id, {option["Air bersih"]: 1, option["Pasar desa"]: 2})
    spend(world, code, phones[2], vote_id, {option["Pelatihan daring"]: 3})
    # A phone moves its dots: what it spent before is replaced, never added to.
    spend(world, code, phones[2], vote_id, {option["Pasar desa"]: 1, option["Pelatihan daring"]: 2})
    with pytest.raises(voting.TooManyDots):
        spend(world, code, phones[0], vote_id, {option["Air bersih"]: 3, option["Pasar desa"]: 1})
    with pytest.raises(voting.TooManyDots):
        spend(world, code, phones[0], vote_id, {option["Air bersih"]: -1})
    with pytest.raises(live.NotCheckedIn):
        spend(world, code, "not-a-phone", vote_id, {option["Air bersih"]: 1})

    ranking = world.read(
        lambda s: voting.current_ranking(session=s, viewer=world.admin, meeting_id=world.meeting_id)
    )
    assert ranking is not None and ranking.voters == 3
    assert list(zip(ranking.options["label"], ranking.options["dots"], strict=True)) == [
        ("Air bersih", 4),
        ("Pasar desa", 3),
        ("Pelatihan daring", 2),
    ]
    phone = world.read(lambda s: voting.phone_vote(session=s, code=code, device_token=phones[2], now=NOW))
    assert phone is not None and phone.spent == {option["Pasar desa"]: 1, option["Pelatihan daring"]: 2}

    world.run(lambda s: voting.close_vote(session=s, viewer=world.organiser, vote_id=vote_id, now=NOW))
    with pytest.raises(voting.VoteClosed):
        spend(world, code, phones[0], vote_id, {option["Pasar desa"]: 1})
    assert (
        world.read(lambda s: voting.phone_vote(session=s, code=code, device_token=phones[0], now=NOW)) is None
    )
    [kept] = world.read(
        lambda s: voting.meeting_rankings(session=s, viewer=world.organiser, meeting_id=world.meeting_id)
    )
    assert kept.closed and list(kept.options["dots"]) == [4, 3, 2], "the result stays with the meeting"

    # The top option becomes a follow-up action of the meeting's program, in one step.
    action_id = world.run(
        lambda s: voting.option_to_action(
            session=s,
            viewer=world.organiser,
            option_id=option["Air bersih"],
            program_id=world.program_id,
            owner="Dinas PU",
            due_date=date(2027, 3, 31),
            now=NOW,
        )
    )
    with read_session(world.engine) as session:
        action = session.get(m.FollowUpAction, action_id)
        assert action is not None and (action.description, action.owner) == ("Air bersih", "Dinas PU")
        item = session.exec(select(m.FeedbackItem).where(m.FeedbackItem.text == "Air bersih")).one()
        assert item.follow_up_id == action_id, "the input it came from is followed up by it"
    with pytest.raises(voting.InvalidAction):  # once only
        world.run(
            lambda s: voting.option_to_action(
                session=s,
                viewer=world.organiser,
                option_id=option["Air bersih"],
                program_id=world.program_id,
                owner="",
                due_date=None,
                now=NOW,
            )
        )
    with pytest.raises(voting.InvalidAction):  # only the meeting's programs
        world.run(
            lambda s: voting.option_to_action(
                session=s,
                viewer=world.organiser,
                option_id=option["Pasar desa"],
                program_id=world.other_program_id,
                owner="",
                due_date=None,
                now=NOW,
            )
        )
    listed = world.read(lambda s: voting.closed_rankings(session=s, viewer=world.agency, filters=Filters()))
    assert [(held.meeting, held.ranking.question) for held in listed] == [
        (
            world.read(lambda s: s.get(m.Meeting, world.meeting_id)).title,
            "Mana yang paling penting tahun depan?",
        )
    ]
    hidden = world.read(
        lambda s: voting.closed_rankings(session=s, viewer=world.other_company, filters=Filters())
    )
    assert hidden == [], "another company's meetings are not listed"
    # The meeting's summary carries what the room prioritised.
    summary = world.read(
        lambda s: engagement.meeting_summary(session=s, viewer=world.organiser, meeting_id=world.meeting_id)
    )
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(summary_pdf(summary, "id", [kept]))).pages
    )
    assert "Mana yang paling penting tahun depan?" in text and "Air bersih" in text
    book = openpyxl.load_workbook(io.BytesIO(summary_xlsx(summary, "en", [kept])))
    votes = book[book.sheetnames[-1]]
    assert [row[1:3] for row in votes.iter_rows(min_row=2, values_only=True)] == [
        ("Air bersih", 4),
        ("Pasar desa", 3),
        ("Pelatihan daring", 2),
    ]
    assert [row.action for row in world.audit("open_vote")] == ["open_vote"]
    assert len(world.audit("close_vote")) == 1


def test_a_vote_on_a_list_needs_a_question_two_options_and_one_at_a_time(world: World) -> None:
    def open_with(options: list[str] | None, *, question: str = "Program mana?", dots: int = 3) -> int:
        vote_id: int = world.run(
            lambda s: voting.open_vote(
                session=s,
                viewer=world.organiser,
                meeting_id=world.meeting_id,
                question=question,
                dots=dots,
                options=options,
                now=NOW,
            )
        )
        return vote_id

    for options, question, dots in [
        (["Satu"], "Program mana?", 3),
        (["Satu", "  ", "Satu"], "Program mana?", 3),
        (["Satu", "Dua"], "  ", 3),
        (["Satu", "Dua"], "Program mana?", 0),
        (["Satu", "Dua"], "Program mana?", voting.MAX_DOTS + 1),
        ([f"Pilihan {n}" for n in range(voting.MAX_OPTIONS + 1)], "Program mana?", 3),
        (None, "Program mana?", 3),  # nothing approved yet
    ]:
        with pytest.raises(voting.InvalidVote):
            open_with(options, question=question, dots=dots)
    vote_id = open_with(["Bank sampah", "Sekolah lapang", "Bank sampah "])
    ranking = world.read(
        lambda s: voting.current_ranking(session=s, viewer=world.agency, meeting_id=world.meeting_id)
    )
    assert ranking is not None and list(ranking.options["label"]) == ["Bank sampah", "Sekolah lapang"]
    with pytest.raises(voting.VoteAlreadyOpen):
        open_with(["A", "B"])
    world.run(
        lambda s: voting.close_vote(
            session=s, viewer=world.agency, vote_id=vote_id, now=NOW + timedelta(minutes=5)
        )
    )
    open_with(["A", "B"])


@pytest.mark.parametrize("who", ["other_company", "other_agency", "reader"])
def test_others_may_not_run_a_vote_or_read_it(world: World, who: str) -> None:
    viewer = getattr(world, who)
    with pytest.raises(AccessDenied), write_session(world.engine) as session:
        voting.open_vote(
            session=session,
            viewer=viewer,
            meeting_id=world.meeting_id,
            question="?",
            dots=3,
            options=["A", "B"],
            now=NOW,
        )
    vote_id = world.run(
        lambda s: voting.open_vote(
            session=s,
            viewer=world.organiser,
            meeting_id=world.meeting_id,
            question="?",
            dots=3,
            options=["A", "B"],
            now=NOW,
        )
    )
    with pytest.raises(AccessDenied), write_session(world.engine) as session:
        voting.close_vote(session=session, viewer=viewer, vote_id=vote_id, now=NOW)
    with pytest.raises(AccessDenied), read_session(world.engine) as session:
        voting.current_ranking(session=session, viewer=viewer, meeting_id=world.meeting_id)
    assert world.read(lambda s: s.get(m.Vote, vote_id)).closed_at is None, "nothing changed"

"""Live prioritising at a meeting (dot-voting): the facilitator opens a vote on the meeting's approved
input or on a list of options, each checked-in phone spreads a number of dots over them (and may move
them until the vote closes), the room sees the ranking as it changes, and a top option becomes a
follow-up action in one step. Who may run a meeting runs its votes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

import models as m
from sinergi.core import audit
from sinergi.core.access import Viewer, refuse
from sinergi.core.db import reads
from sinergi.core.errors import DomainError
from sinergi.reads.engagement import meeting_conditions
from sinergi.reads.filters import Filters
from sinergi.writes.live import NotCheckedIn, meeting_to_run, open_meeting
from sinergi.writes.versions import new_version

MAX_DOTS = 10
DEFAULT_DOTS = 3
MAX_OPTIONS = 30
MAX_QUESTION = 300
MAX_LABEL = 500


class InvalidVote(DomainError):
    key = "vote.error.invalid"


class VoteAlreadyOpen(DomainError):
    key = "vote.error.already_open"


class VoteClosed(DomainError):
    key = "vote.error.closed"


class TooManyDots(DomainError):
    key = "vote.error.too_many_dots"


class InvalidAction(DomainError):
    key = "vote.error.action"


def _open_vote_of(session: Session, meeting_id: int) -> m.Vote | None:
    return session.exec(
        select(m.Vote).where(m.Vote.meeting_id == meeting_id, col(m.Vote.closed_at).is_(None))
    ).first()


def open_vote(
    *,
    session: Session,
    viewer: Viewer,
    meeting_id: int,
    question: str,
    dots: int,
    options: list[str] | None,
    now: datetime,
) -> int:
    """Open a vote on ``options`` (lines of text) or, when None, on the meeting's approved input.
    One vote at a time per meeting; it needs a question, 1 to ``MAX_DOTS`` dots and 2 to
    ``MAX_OPTIONS`` options. Returns the vote's id."""
    meeting_to_run(session, viewer, meeting_id, "open vote")
    if _open_vote_of(session, meeting_id) is not None:
        raise VoteAlreadyOpen()
    question = question.strip()
    if options is None:
        approved = session.exec(
            select(m.FeedbackItem.id, m.FeedbackItem.text)
            .where(
                m.FeedbackItem.meeting_id == meeting_id,
                m.FeedbackItem.moderation == m.Moderation.APPROVED.value,
            )
            .order_by(col(m.FeedbackItem.created_at), col(m.FeedbackItem.id))
        ).all()
        choices: list[tuple[str, int | None]] = [(text[:MAX_LABEL], item_id) for item_id, text in approved]
    else:
        lines = dict.fromkeys(line.strip() for line in options if line.strip())
        choices = [(line, None) for line in lines]
    too_long = any(len(label) > MAX_LABEL for label, _ in choices)
    if not question or len(question) > MAX_QUESTION or not 2 <= len(choices) <= MAX_OPTIONS or too_long:
        raise InvalidVote(options=MAX_OPTIONS, question=MAX_QUESTION, label=MAX_LABEL)
    if not 1 <= dots <= MAX_DOTS:
        raise InvalidVote(options=MAX_OPTIONS, question=MAX_QUESTION, label=MAX_LABEL)
    vote = m.Vote(meeting_id=meeting_id, question=question, dots=dots, opened_at=now)
    session.add(vote)
    session.flush()
    assert vote.id is not None
    session.add_all(
        m.VoteOption(vote_id=vote.id, position=n, label=label, feedback_item_id=item_id)
        for n, (label, item_id) in enumerate(choices)
    )
    audit.record(
        session=session,
        actor=viewer,
        action="open_vote",
        entity="vote",
        entity_id=vote.id,
        after={"question": question, "dots": dots, "options": len(choices)},
    )
    return vote.id


def _vote_to_run(session: Session, viewer: Viewer, vote_id: int, action: str) -> m.Vote:
    vote = session.get(m.Vote, vote_id)
    if vote is None:
        raise InvalidVote(options=MAX_OPTIONS, question=MAX_QUESTION, label=MAX_LABEL)
    meeting_to_run(session, viewer, vote.meeting_id, action)
    return vote


def close_vote(*, session: Session, viewer: Viewer, vote_id: int, now: datetime) -> None:
    """Close the vote: its ranking is kept with the meeting and phones can no longer move dots."""
    vote = _vote_to_run(session, viewer, vote_id, "close vote")
    if vote.closed_at is not None:
        return
    vote.closed_at = now
    session.add(vote)
    audit.record(session=session, actor=viewer, action="close_vote", entity="vote", entity_id=vote_id)


def spend_dots(
    *, session: Session, code: str, device_token: str, vote_id: int, allocation: dict[int, int], now: datetime
) -> int:
    """Put a phone's dots on the options (``allocation``: option id → dots), replacing where it had
    put them before. Refused once the vote is closed, for more dots than the vote gives, and for a
    phone not checked in to the meeting. Returns the dots spent."""
    meeting = open_meeting(session, code, now)
    participant = session.exec(
        select(m.MeetingParticipant).where(
            m.MeetingParticipant.device_token == device_token, m.MeetingParticipant.meeting_id == meeting.id
        )
    ).first()
    if participant is None or not device_token:
        raise NotCheckedIn()
    vote = session.exec(select(m.Vote).where(m.Vote.id == vote_id).with_for_update()).first()
    if vote is None or vote.meeting_id != meeting.id or vote.closed_at is not None:
        raise VoteClosed()
    options = set(session.exec(select(m.VoteOption.id).where(m.VoteOption.vote_id == vote_id)).all())
    spent = {option: int(dots) for option, dots in allocation.items() if int(dots) != 0}
    if any(dots < 0 for dots in spent.values()) or not set(spent) <= options:
        raise TooManyDots(dots=vote.dots)
    if sum(spent.values()) > vote.dots:
        raise TooManyDots(dots=vote.dots)
    session.exec(
        delete(m.VoteDot).where(
            col(m.VoteDot.vote_id) == vote_id, col(m.VoteDot.participant_id) == participant.id
        )
    )
    assert participant.id is not None
    session.add_all(
        m.VoteDot(vote_id=vote_id, option_id=option, participant_id=participant.id, dots=dots)
        for option, dots in spent.items()
    )
    return sum(spent.values())


def option_to_action(
    *,
    session: Session,
    viewer: Viewer,
    option_id: int,
    program_id: int,
    owner: str,
    due_date: date | None,
    now: datetime,
) -> int:
    """Make an option of a closed vote a follow-up action of one of the meeting's programs; the input it
    came from, if any, is followed up by that action. Returns the action's id."""
    option = session.get(m.VoteOption, option_id)
    if option is None:
        raise InvalidAction()
    vote = _vote_to_run(session, viewer, option.vote_id, "follow up vote")
    programs = set(
        session.exec(
            select(m.MeetingProgram.program_id).where(m.MeetingProgram.meeting_id == vote.meeting_id)
        )
    )
    if vote.closed_at is None or option.follow_up_id is not None or program_id not in programs:
        raise InvalidAction()
    if len(owner.strip()) > 200:
        raise InvalidAction()
    action = m.FollowUpAction(
        program_id=program_id,
        description=option.label,
        owner=owner.strip(),
        due_date=due_date,
        updated_at=now,
    )
    session.add(action)
    session.flush()
    assert action.id is not None
    option.follow_up_id = action.id
    session.add(option)
    if option.feedback_item_id is not None:
        item = session.get(m.FeedbackItem, option.feedback_item_id)
        if item is not None and item.follow_up_id is None:
            item.follow_up_id = action.id
            new_version(session, item, now)
    audit.record(
        session=session,
        actor=viewer,
        action="create",
        entity="follow_up_action",
        entity_id=action.id,
        after={"description": option.label, "program_id": program_id, "vote_option_id": option_id},
    )
    return action.id


@dataclass(frozen=True)
class Ranking:
    """A vote and its options, most dots first: columns ``id``, ``label``, ``dots``, ``phones``,
    ``follow_up_id``."""

    id: int
    question: str
    dots: int
    closed: bool
    voters: int
    options: pd.DataFrame


def _ranking(session: Session, vote: m.Vote) -> Ranking:
    assert vote.id is not None
    totals = {
        option: (int(dots or 0), int(phones))
        for option, dots, phones in session.exec(
            select(m.VoteDot.option_id, func.sum(m.VoteDot.dots), func.count())
            .where(m.VoteDot.vote_id == vote.id)
            .group_by(col(m.VoteDot.option_id))
        ).all()
    }
    options = session.exec(
        select(m.VoteOption).where(m.VoteOption.vote_id == vote.id).order_by(col(m.VoteOption.position))
    ).all()
    frame = pd.DataFrame(
        [
            (option.id, option.label, *totals.get(option.id or 0, (0, 0)), option.follow_up_id)
            for option in options
        ],
        columns=["id", "label", "dots", "phones", "follow_up_id"],
    )
    frame = frame.sort_values("dots", ascending=False, kind="stable", ignore_index=True)
    voters = session.exec(
        select(func.count(func.distinct(m.VoteDot.participant_id))).where(m.VoteDot.vote_id == vote.id)
    ).one()
    return Ranking(
        id=vote.id,
        question=vote.question,
        dots=vote.dots,
        closed=vote.closed_at is not None,
        voters=int(voters),
        options=frame,
    )


@reads(m.Meeting, m.Vote, m.VoteOption, m.VoteDot)
def current_ranking(*, session: Session, viewer: Viewer, meeting_id: int) -> Ranking | None:
    """The meeting's open vote, else its latest closed one, ranked; None before any vote."""
    meeting_to_run(session, viewer, meeting_id, "read vote")
    vote = session.exec(
        select(m.Vote)
        .where(m.Vote.meeting_id == meeting_id)
        .order_by(col(m.Vote.closed_at).is_not(None), col(m.Vote.opened_at).desc(), col(m.Vote.id).desc())
    ).first()
    return None if vote is None else _ranking(session, vote)


@reads(m.Meeting, m.Vote, m.VoteOption, m.VoteDot)
def meeting_rankings(*, session: Session, viewer: Viewer, meeting_id: int) -> list[Ranking]:
    """The meeting's closed votes, ranked, oldest first: what the room decided, for anyone who may read
    the meeting."""
    visible = session.exec(
        select(m.Meeting.id).where(col(m.Meeting.id) == meeting_id, *viewer.meeting_conditions())
    ).first()
    if visible is None:
        refuse(viewer=viewer, entity="meeting", entity_id=meeting_id, detail="read votes")
    votes = session.exec(
        select(m.Vote)
        .where(m.Vote.meeting_id == meeting_id, col(m.Vote.closed_at).is_not(None))
        .order_by(col(m.Vote.opened_at), col(m.Vote.id))
    ).all()
    return [_ranking(session, vote) for vote in votes]


@dataclass(frozen=True)
class PhoneVote:
    """The open vote as a phone sees it: its options and where this phone put its dots."""

    id: int
    question: str
    dots: int
    options: tuple[tuple[int, str], ...]
    spent: dict[int, int]


def phone_vote(*, session: Session, code: str, device_token: str, now: datetime) -> PhoneVote | None:
    """The meeting's open vote for a checked-in phone; None when there is none (or the phone is not
    checked in)."""
    meeting = open_meeting(session, code, now)
    assert meeting.id is not None
    participant = session.exec(
        select(m.MeetingParticipant.id).where(
            m.MeetingParticipant.device_token == device_token, m.MeetingParticipant.meeting_id == meeting.id
        )
    ).first()
    vote = _open_vote_of(session, meeting.id)
    if vote is None or participant is None or vote.id is None:
        return None
    options = session.exec(
        select(m.VoteOption.id, m.VoteOption.label)
        .where(m.VoteOption.vote_id == vote.id)
        .order_by(col(m.VoteOption.position))
    ).all()
    spent = dict(
        session.exec(
            select(m.VoteDot.option_id, m.VoteDot.dots).where(
                m.VoteDot.vote_id == vote.id, m.VoteDot.participant_id == participant
            )
        ).all()
    )
    return PhoneVote(
        id=vote.id,
        question=vote.question,
        dots=vote.dots,
        options=tuple((int(option_id or 0), str(label)) for option_id, label in options),
        spent={int(option): int(dots) for option, dots in spent.items()},
    )


@dataclass(frozen=True)
class MeetingRanking:
    """A closed vote with the meeting it was held at."""

    meeting: str
    held_on: date
    ranking: Ranking


# The most recent closed votes the engagement page lists.
LISTED_VOTES = 20


@reads(m.Meeting, m.Vote, m.VoteOption, m.VoteDot)
def closed_rankings(*, session: Session, viewer: Viewer, filters: Filters) -> list[MeetingRanking]:
    """The latest closed votes of the meetings the filters select and the viewer may read, newest
    first: what rooms decided together."""
    votes = session.exec(
        select(m.Vote, m.Meeting)
        .join(m.Meeting, col(m.Meeting.id) == col(m.Vote.meeting_id))
        .where(col(m.Vote.closed_at).is_not(None), *meeting_conditions(filters, viewer))
        .order_by(col(m.Meeting.held_on).desc(), col(m.Vote.id).desc())
        .limit(LISTED_VOTES)
    ).all()
    return [
        MeetingRanking(meeting.title, meeting.held_on, _ranking(session, vote)) for vote, meeting in votes
    ]

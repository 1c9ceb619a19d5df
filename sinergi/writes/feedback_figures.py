"""Feedback figures per meeting (``meeting_feedback_figure``, ``meeting_feedback_due``), kept current by
every write.

The engagement page counts feedback items by kind, status and source, followed up and overdue, over
whole provinces; read from the items, each of those counts grows with everything ever said. They are
kept here instead, one row per meeting (and per due date of the unfinished actions its open items
wait on), so a page reads a row per meeting it covers.

Whatever writes the rows a figure comes from (a feedback item, the status or due date of a follow-up
action an item links to, the type of an organisation that spoke, a meeting deleted) has the figures of
the meetings it touched made again from their items before its transaction commits, in that
transaction: a hook on the session notes what each flush wrote, and bulk writers that bypass the
session's unit of work say what they wrote with :func:`note`. Making a meeting's figures again costs
its items, whatever the size of the database. :func:`rebuild` makes every figure again (``manage.py
rebuild-summaries``). Whether an item is overdue depends on the day it is asked: the rows keep what
that needs (unanswered items, due dates), and the page works it out for its day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, and_, delete, event, func, insert, inspect
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

import models as m
from sinergi.core.db import serialize_on
from sinergi.reads.engagement import (
    ACTION_FINISHED,
    FIGURE_GROUPS,
    STILL_OPEN,
    figure_column,
    source_type_sql,
)
from sinergi.writes import kept

FIGURE: Table = m.MeetingFeedbackFigure.__table__  # type: ignore[attr-defined]
DUE: Table = m.MeetingFeedbackDue.__table__  # type: ignore[attr-defined]
TABLES = (FIGURE, DUE)
FIGURE_COLUMNS = tuple(c.name for c in FIGURE.columns)
# What of a written row the figures come from: a write of anything else (moderation, a typo fixed,
# the slide a meeting shows) leaves them as they are.
ITEM_FIELDS = ("meeting_id", "kind", "status", "source_type", "organisation_id", "response", "follow_up_id")
ACTION_FIELDS = ("status", "due_date")

# Every group a page counts has its column, and every column is one of them.
assert {figure_column(by, value) for by, values in FIGURE_GROUPS.items() for value in values} | {
    "meeting_id",
    "items",
    "unanswered",
} == set(FIGURE_COLUMNS)


def _unanswered() -> ColumnElement[bool]:
    """Open and nobody answered: overdue once its meeting is ``RESPONSE_DAYS`` past."""
    return and_(
        col(m.FeedbackItem.status) == m.FeedbackStatus.OPEN.value,
        func.trim(col(m.FeedbackItem.response)) == "",
    )


def figure_rows(meeting_ids: Iterable[int] | None = None) -> Select[Any]:
    """The figures as the items give them now: one row per meeting with feedback, in the columns of
    ``meeting_feedback_figure``; only the meetings given, when given."""
    groups = {
        "kind": col(m.FeedbackItem.kind),
        "status": col(m.FeedbackItem.status),
        "source_type": source_type_sql(),
    }
    counts: dict[str, Any] = {
        figure_column(by, value): func.count().filter(groups[by] == value)
        for by, values in FIGURE_GROUPS.items()
        for value in values
    }
    counts |= {"items": func.count(), "unanswered": func.count().filter(_unanswered())}
    statement: Select[Any] = (
        sa_select(
            col(m.FeedbackItem.meeting_id).label("meeting_id"),
            *(counts[name].label(name) for name in FIGURE_COLUMNS[1:]),
        )
        .select_from(m.FeedbackItem)
        .outerjoin(m.Organisation, col(m.Organisation.id) == col(m.FeedbackItem.organisation_id))
        .group_by(col(m.FeedbackItem.meeting_id))
    )
    if meeting_ids is not None:
        statement = statement.where(col(m.FeedbackItem.meeting_id).in_(sorted(meeting_ids)))
    return statement


def due_rows(meeting_ids: Iterable[int] | None = None) -> Select[Any]:
    """The items still open or in progress whose linked action is unfinished and has a due date, per
    meeting and due date, in the columns of ``meeting_feedback_due``."""
    due = col(m.FollowUpAction.due_date)
    columns: list[Any] = [
        col(m.FeedbackItem.meeting_id).label("meeting_id"),
        due.label("due_date"),
        func.count().label("items"),
        func.count().filter(_unanswered()).label("unanswered"),
    ]
    statement: Select[Any] = (
        sa_select(*columns)
        .select_from(m.FeedbackItem)
        .join(m.FollowUpAction, col(m.FollowUpAction.id) == col(m.FeedbackItem.follow_up_id))
        .where(
            col(m.FeedbackItem.status).in_(STILL_OPEN),
            col(m.FollowUpAction.status).not_in(ACTION_FINISHED),
            due.is_not(None),
        )
        .group_by(col(m.FeedbackItem.meeting_id), due)
    )
    if meeting_ids is not None:
        statement = statement.where(col(m.FeedbackItem.meeting_id).in_(sorted(meeting_ids)))
    return statement


def refresh(session: Session, *, meeting_ids: Iterable[int] | None = None) -> None:
    """Make the figures of ``meeting_ids`` again from their items; every figure when None.

    One transaction at a time does so until it commits: a second one making a meeting's figures at the
    same moment would not see the row the first put back, and insert it twice. SQLite writes one
    transaction at a time anyway."""
    serialize_on(session, FIGURE.name)
    connection = session.connection()
    if meeting_ids is None:
        for table in TABLES:
            connection.execute(delete(table))
        _insert(connection, figure_rows(), due_rows())
    else:
        for chunk in kept.chunks(meeting_ids):
            for table in TABLES:
                connection.execute(delete(table).where(table.c.meeting_id.in_(chunk)))
            _insert(connection, figure_rows(chunk), due_rows(chunk))
    session.info.setdefault("written_tables", set()).update(table.name for table in TABLES)


def rebuild(session: Session) -> dict[str, int]:
    """Every figure made again from the source rows; the rows made, by table."""
    refresh(session)
    connection = session.connection()
    return {
        table.name: int(connection.execute(sa_select(func.count()).select_from(table)).scalar_one())
        for table in TABLES
    }


def _insert(connection: Connection, figures: Select[Any], dues: Select[Any]) -> None:
    connection.execute(insert(FIGURE).from_select(list(FIGURE_COLUMNS), figures))
    connection.execute(insert(DUE).from_select([c.name for c in DUE.columns], dues))


# Where a transaction keeps its :class:`_Written` (in ``session.info``).
WRITTEN = "feedback_figures_written"


@dataclass
class _Written:
    """What a transaction wrote that feedback figures come from."""

    meetings: set[int] = field(default_factory=set)
    actions: set[int] = field(default_factory=set)
    organisations: set[int] = field(default_factory=set)


def note(
    session: Session,
    *,
    meetings: Iterable[int | None] = (),
    actions: Iterable[int | None] = (),
    organisations: Iterable[int | None] = (),
) -> None:
    """Say what a write that bypasses the session's unit of work (bulk statements) wrote: items of
    ``meetings``, the status or due date of ``actions``, the type of ``organisations``; the figures that
    come from them are made again before its transaction commits."""
    written = kept.written(session, WRITTEN, _Written)
    written.meetings.update(i for i in meetings if i is not None)
    written.actions.update(i for i in actions if i is not None)
    written.organisations.update(i for i in organisations if i is not None)


def _changed(instance: Any, names: Iterable[str]) -> bool:
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context: Any) -> None:
    for instance in (*session.new, *session.deleted):
        if isinstance(instance, m.FeedbackItem):
            note(session, meetings=[instance.meeting_id, *kept.former(instance, "meeting_id")])
        elif isinstance(instance, m.FollowUpAction):
            note(session, actions=[instance.id])
        elif isinstance(instance, m.Meeting):
            note(session, meetings=[instance.id])
    for instance in session.dirty:
        if isinstance(instance, m.FeedbackItem) and _changed(instance, ITEM_FIELDS):
            note(session, meetings=[instance.meeting_id, *kept.former(instance, "meeting_id")])
        elif isinstance(instance, m.FollowUpAction) and _changed(instance, ACTION_FIELDS):
            note(session, actions=[instance.id])
        elif isinstance(instance, m.Organisation) and _changed(instance, ("org_type",)):
            note(session, organisations=[instance.id])


def _refresh_written(session: Session) -> None:
    """Before the commit, and before the written tables' versions are raised: make again the
    figures of the meetings this transaction wrote feedback of."""
    session.flush()
    written = session.info.pop(WRITTEN, None)
    if written is None or not _has_figures(session.connection()):
        return
    meetings = set(written.meetings)
    if written.actions:
        meetings |= kept.linked(
            session, col(m.FeedbackItem.meeting_id), col(m.FeedbackItem.follow_up_id), written.actions
        )
    if written.organisations:
        # Only an item that names no type of its own takes its organisation's.
        meetings |= kept.linked(
            session,
            col(m.FeedbackItem.meeting_id),
            col(m.FeedbackItem.organisation_id),
            written.organisations,
            col(m.FeedbackItem.source_type).is_(None),
        )
    if meetings:
        refresh(session, meeting_ids=meetings)


# First among the session's listeners, so the figures' own tables have their versions raised too.
event.listen(Session, "before_commit", _refresh_written, insert=True)


@event.listens_for(Session, "after_rollback")
def _forget_written(session: Session) -> None:
    session.info.pop(WRITTEN, None)


_figured: set[str] = set()  # URLs whose database has the figures' tables


def _has_figures(connection: Connection) -> bool:
    url = connection.engine.url.render_as_string(hide_password=False)
    if url in _figured:
        return True
    if inspect(connection).has_table(DUE.name):
        _figured.add(url)
        return True
    return False


def differences(session: Session) -> list[kept.Difference]:
    """Where the kept figures differ from what the items give now (see :func:`kept.differences`), the
    key a meeting (and a due date)."""
    connection = session.connection()
    return [
        *kept.differences(connection, FIGURE, figure_rows()),
        *kept.differences(connection, DUE, due_rows()),
    ]

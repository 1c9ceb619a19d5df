"""Notices: written by the change they tell of, in its transaction; found from dates (an action due, a
feedback item waiting) whenever asked, each once; marked read by their reader alone; mailed once."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlalchemy import update as sa_update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

import models as m
from sinergi.core import audit
from sinergi.core.access import Viewer, company_staff, meeting_keepers, refuse, result_verifiers
from sinergi.core.db import rows, select_columns
from sinergi.core.errors import DomainError

# A follow-up action is announced this many days before it is due, and again once it is overdue.
ACTION_DUE_DAYS = 7
# A feedback item nobody has answered for this many days is announced to those who keep it.
FEEDBACK_WAITING_DAYS = 30
# The longest list of keys asked for at once (well under the databases' limits on bound values).
_CHUNK = 500


class NoticeMissing(DomainError):
    """A notice that does not exist (any more): nothing to mark."""

    key = "inbox.error.missing"


def _params(**values: Any) -> str:
    return json.dumps(values, sort_keys=True, default=str)


def _recipients(session: Session, conditions: Sequence[ColumnElement[bool]]) -> list[int]:
    found = session.exec(select(col(m.User.id)).where(*conditions))
    return [user_id for user_id in found if user_id is not None]


def _tell(
    session: Session, users: Iterable[int], kind: m.NoticeKind, entity: str, entity_id: int, **params: Any
) -> int:
    """One notice of ``kind`` about ``entity`` for each of ``users``, in the caller's transaction."""
    made = [
        m.Notice(user_id=user, kind=kind, entity=entity, entity_id=entity_id, params=_params(**params))
        for user in users
    ]
    session.add_all(made)
    return len(made)


def notify_submitted(session: Session, *, program_id: int, period_id: int, count: int) -> int:
    """Tell the agency staff of every regency the program works in that ``count`` of its results of the
    period wait in their queue; how many were told."""
    users = _recipients(session, result_verifiers(program_id))
    return _tell(
        session, users, m.NoticeKind.SUBMITTED, "program", program_id, period_id=period_id, count=count
    )


def _by_program_and_period(session: Session, result_ids: Sequence[int]) -> list[tuple[int, int, int]]:
    """The programs and periods of these results, with how many of them each holds."""
    groups: dict[tuple[int, int], int] = {}
    for start in range(0, len(result_ids), _CHUNK):
        found = session.exec(
            select(m.Indicator.program_id, m.Result.period_id, func.count())
            .join(m.Indicator, col(m.Indicator.id) == col(m.Result.indicator_id))
            .where(col(m.Result.id).in_(result_ids[start : start + _CHUNK]))
            .group_by(col(m.Indicator.program_id), col(m.Result.period_id))
        ).all()
        for program_id, period_id, count in found:
            groups[program_id, period_id] = groups.get((program_id, period_id), 0) + count
    return [(program_id, period_id, count) for (program_id, period_id), count in sorted(groups.items())]


def notify_submitted_results(session: Session, result_ids: Sequence[int]) -> int:
    """Tell the agencies of results submitted together (an import), once per program and period."""
    return sum(
        notify_submitted(session, program_id=program_id, period_id=period_id, count=count)
        for program_id, period_id, count in _by_program_and_period(session, result_ids)
    )


def _program_company(session: Session, program_id: int) -> int:
    program = session.get(m.Program, program_id)
    if program is None:
        raise LookupError(f"program {program_id}")
    return program.company_id


def notify_verified(session: Session, result_ids: Sequence[int]) -> int:
    """Tell each company whose results these are how many of each program and period were verified."""
    told = 0
    for program_id, period_id, count in _by_program_and_period(session, result_ids):
        users = _recipients(session, company_staff(_program_company(session, program_id)))
        told += _tell(
            session, users, m.NoticeKind.VERIFIED, "program", program_id, period_id=period_id, count=count
        )
    return told


def notify_returned(session: Session, result: m.Result) -> int:
    """Tell the company a result was sent back; the note itself is read beside the result on /verify."""
    indicator = session.get(m.Indicator, result.indicator_id)
    assert indicator is not None and indicator.id is not None
    users = _recipients(session, company_staff(_program_company(session, indicator.program_id)))
    return _tell(
        session,
        users,
        m.NoticeKind.RETURNED,
        "program",
        indicator.program_id,
        period_id=result.period_id,
        indicator_id=indicator.id,
    )


# --- found from dates -------------------------------------------------------------------------------


def _due_actions(session: Session, today: date, user_id: int | None) -> list[dict[str, Any]]:
    """Notices of follow-up actions still to do and due within a week or overdue, for the staff of the
    program's company."""
    found = rows(
        session,
        select_columns(col(m.FollowUpAction.id), col(m.FollowUpAction.due_date), col(m.User.id))
        .select_from(m.FollowUpAction)
        .join(m.Program, col(m.Program.id) == col(m.FollowUpAction.program_id))
        .join(m.User, col(m.User.company_id) == col(m.Program.company_id))
        .where(
            col(m.FollowUpAction.status).in_([m.ActionStatus.OPEN.value, m.ActionStatus.IN_PROGRESS.value]),
            col(m.FollowUpAction.due_date).is_not(None),
            col(m.FollowUpAction.due_date) <= today + timedelta(days=ACTION_DUE_DAYS),
            *company_staff(col(m.Program.company_id)),
            *([col(m.User.id) == user_id] if user_id is not None else []),
        ),
    )
    notices = []
    for action_id, due, user in found:
        assert due is not None
        kind = m.NoticeKind.ACTION_OVERDUE if due < today else m.NoticeKind.ACTION_DUE
        notices.append(
            {
                "user_id": user,
                "kind": kind.value,
                "entity": "follow_up_action",
                "entity_id": action_id,
                "params": _params(due=due.isoformat()),
                # A new due date is announced again; the same one once, as due and once as overdue.
                "key": f"{kind.value}:{action_id}:{user}:{due.isoformat()}",
            }
        )
    return notices


def _waiting_feedback(session: Session, now: datetime, user_id: int | None) -> list[dict[str, Any]]:
    """Notices of feedback items still open without a response for 30 days, for their meeting's keepers.
    Items a moderator hid, or merged into another as its duplicate, are left out: they wait for nobody."""
    found = session.exec(
        select(m.FeedbackItem.id, m.FeedbackItem.created_at, m.User.id)
        .join(m.Meeting, col(m.Meeting.id) == col(m.FeedbackItem.meeting_id))
        .join(m.User, meeting_keepers())
        .where(
            col(m.FeedbackItem.status) == m.FeedbackStatus.OPEN.value,
            col(m.FeedbackItem.response) == "",
            col(m.FeedbackItem.moderation) != m.Moderation.HIDDEN.value,
            col(m.FeedbackItem.merged_into_id).is_(None),
            col(m.FeedbackItem.created_at) <= now - timedelta(days=FEEDBACK_WAITING_DAYS),
            *([col(m.User.id) == user_id] if user_id is not None else []),
        )
    ).all()
    return [
        {
            "user_id": user,
            "kind": m.NoticeKind.FEEDBACK_WAITING.value,
            "entity": "feedback_item",
            "entity_id": item_id,
            "params": _params(since=created.date().isoformat()),
            "key": f"{m.NoticeKind.FEEDBACK_WAITING.value}:{item_id}:{user}",
        }
        for item_id, created, user in found
    ]


def find_due_notices(session: Session, *, now: datetime | None = None, user_id: int | None = None) -> int:
    """Make the notices that dates call for (:data:`ACTION_DUE_DAYS`, :data:`FEEDBACK_WAITING_DAYS`),
    for everyone or for ``user_id`` alone; each is made once, however often and by however many app
    servers this runs (its ``key`` is unique, and one made meanwhile is left as it is). Returns how
    many were made."""
    moment = now or m.utcnow()
    candidates = [
        *_due_actions(session, moment.date(), user_id),
        *_waiting_feedback(session, moment, user_id),
    ]
    existing: set[str] = set()
    keys = [candidate["key"] for candidate in candidates]
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        existing.update(
            str(k) for k in session.exec(select(m.Notice.key).where(col(m.Notice.key).in_(chunk)))
        )
    new = [
        {**candidate, "created_at": moment} for candidate in candidates if candidate["key"] not in existing
    ]
    if not new:
        return 0
    table = m.Notice.__table__  # type: ignore[attr-defined]
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    made = 0
    for start in range(0, len(new), _CHUNK):
        statement = insert(table).values(new[start : start + _CHUNK]).on_conflict_do_nothing()
        # Counted from what the database returns: a driver's row count of a many-row INSERT may be -1.
        made += len(session.connection().execute(statement.returning(table.c.id)).all())
    # Core statements pass the ORM by: the cached readers of notices learn of them here.
    session.info.setdefault("written_tables", set()).add("notice")
    return made


# --- read by their reader -----------------------------------------------------------------------------


def mark_read(*, session: Session, viewer: Viewer, notice_id: int) -> m.Notice:
    """Mark one notice read: only the user it is addressed to (anyone else is refused and logged)."""
    notice = session.get(m.Notice, notice_id, with_for_update=True)
    if notice is None:
        raise NoticeMissing()
    if not viewer.may_mark_notice(notice):
        refuse(viewer=viewer, entity="notice", entity_id=notice_id, detail="mark read")
    if notice.read_at is None:
        notice.read_at = m.utcnow()
        session.add(notice)
        audit.record(session=session, actor=viewer, action="read", entity="notice", entity_id=notice_id)
    return notice


def mark_all_read(*, session: Session, viewer: Viewer) -> int:
    """Mark every unread notice of the viewer's own read; how many were."""
    if viewer.shared_link_id is not None or viewer.user_id is None:
        refuse(viewer=viewer, entity="notice", entity_id=None, detail="mark all read")
    unread = list(
        session.exec(select(m.Notice).where(*viewer.notice_conditions(), col(m.Notice.read_at).is_(None)))
    )
    now = m.utcnow()
    for notice in unread:
        notice.read_at = now
        session.add(notice)
    if unread:
        audit.record(
            session=session, actor=viewer, action="read", entity="notice", after={"count": len(unread)}
        )
    return len(unread)


def mark_mailed(session: Session, notice_id: int) -> bool:
    """Record that a notice was mailed; False if it had been already (by a run beside this one)."""
    table = m.Notice.__table__  # type: ignore[attr-defined]
    done = session.connection().execute(
        sa_update(table)
        .where(table.c.id == notice_id, table.c.mailed_at.is_(None))
        .values(mailed_at=m.utcnow())
    )
    session.info.setdefault("written_tables", set()).add("notice")
    return bool(done.rowcount)

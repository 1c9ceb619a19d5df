"""The inbox: a user's notices, newest first, with the names they are about as they are now, and the
text of each in the reader's language; what is still to be mailed."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import false, func
from sqlmodel import Session, col, select

import models as m
from sinergi.core.access import Viewer
from sinergi.core.db import reads
from sinergi.i18n import registry
from sinergi.i18n.formatting import long_date
from sinergi.i18n.texts import translate

# The text of each kind of notice, filled with its values.
NOTICE_TEXT = registry.family("notice.{}", lambda: [kind.value for kind in m.NoticeKind])
# The subject of a mailed notice, by kind.
NOTICE_SUBJECT = registry.family("notice.subject.{}", lambda: [kind.value for kind in m.NoticeKind])
# The pages a notice leads to: the queue (and the results sent back), a program, the meetings.
LINK_PAGES = ("verify", "program", "engagement")
# The most notices the inbox lists; older ones stay in the database and are counted.
INBOX_LIMIT = 200
# A feedback item's text or an action's description is shown this long at most in a notice.
EXCERPT = 100


@dataclass(frozen=True)
class NoticeView:
    """A notice as its reader sees it: its kind, when, whether read, where the thing is, and the values
    its text is filled with (names as text, dates, counts)."""

    id: int
    kind: str
    created_at: datetime
    read: bool
    # The app page the notice leads to ("verify", "program?id=3", "engagement"); "" when it is gone.
    link: str
    values: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Mailing:
    """A notice still to be mailed, and to whom."""

    notice: NoticeView
    email: str
    name: str


def _excerpt(text: str) -> str:
    single = " ".join(text.split())
    return single if len(single) <= EXCERPT else single[: EXCERPT - 1].rstrip() + "…"


def _names(session: Session, model: Any, ids: set[int], *columns: Any) -> dict[int, tuple[Any, ...]]:
    if not ids:
        return {}
    found = session.exec(select(model.id, *columns).where(col(model.id).in_(ids))).all()
    return {int(row[0]): tuple(row[1:]) for row in found}


def _views(session: Session, notices: Sequence[m.Notice]) -> list[NoticeView]:
    """Each notice with the names it is about, read in a few queries for the whole list."""
    params = {notice.id: json.loads(notice.params or "{}") for notice in notices}

    def ids(entity: str) -> set[int]:
        return {notice.entity_id for notice in notices if notice.entity == entity}

    actions = _names(
        session,
        m.FollowUpAction,
        ids("follow_up_action"),
        m.FollowUpAction.description,
        m.FollowUpAction.program_id,
    )
    items = _names(
        session, m.FeedbackItem, ids("feedback_item"), m.FeedbackItem.text, m.FeedbackItem.meeting_id
    )
    meetings = _names(session, m.Meeting, {meeting for _, meeting in items.values()}, m.Meeting.title)
    program_ids = ids("program") | {program for _, program in actions.values()}
    programs = _names(session, m.Program, program_ids, m.Program.name, m.Program.company_id)
    companies = _names(session, m.Company, {company for _, company in programs.values()}, m.Company.name)
    periods = _names(
        session, m.Period, {p["period_id"] for p in params.values() if "period_id" in p}, m.Period.code
    )
    indicators = _names(
        session,
        m.Indicator,
        {p["indicator_id"] for p in params.values() if "indicator_id" in p},
        m.Indicator.name,
    )

    def program_values(program_id: int) -> dict[str, Any]:
        name, company_id = programs.get(program_id, ("–", None))
        return {"program": name, "company": companies.get(company_id or -1, ("–",))[0]}

    views = []
    for notice in notices:
        assert notice.id is not None
        given = params[notice.id]
        values: dict[str, Any] = {}
        link = ""
        if notice.entity == "program":
            values = program_values(notice.entity_id)
            values["period"] = periods.get(given.get("period_id", -1), ("–",))[0]
            if "count" in given:
                values["count"] = int(given["count"])
            if "indicator_id" in given:
                values["indicator"] = indicators.get(given["indicator_id"], ("–",))[0]
            if notice.entity_id in programs:
                shown_on_verify = notice.kind in (m.NoticeKind.SUBMITTED, m.NoticeKind.RETURNED)
                link = "verify" if shown_on_verify else f"program?id={notice.entity_id}"
        elif notice.entity == "follow_up_action":
            description, program_id = actions.get(notice.entity_id, ("–", -1))
            values = {**program_values(program_id), "action": _excerpt(description)}
            values["due"] = date.fromisoformat(given["due"])
            link = f"program?id={program_id}" if program_id in programs else ""
        elif notice.entity == "feedback_item":
            text, meeting_id = items.get(notice.entity_id, ("–", -1))
            values = {"feedback": _excerpt(text), "meeting": meetings.get(meeting_id, ("–",))[0]}
            values["since"] = date.fromisoformat(given["since"])
            link = "engagement" if notice.entity_id in items else ""
        views.append(
            NoticeView(
                id=notice.id,
                kind=notice.kind,
                created_at=notice.created_at,
                read=notice.read_at is not None,
                link=link,
                values=tuple(sorted(values.items())),
            )
        )
    return views


_TABLES = (
    m.Notice,
    m.Program,
    m.Company,
    m.Period,
    m.Indicator,
    m.FollowUpAction,
    m.FeedbackItem,
    m.Meeting,
)


@reads(*_TABLES)
def inbox(*, session: Session, viewer: Viewer, unread_only: bool = False) -> list[NoticeView]:
    """The viewer's own notices, newest first (at most :data:`INBOX_LIMIT`)."""
    conditions = viewer.notice_conditions()
    if unread_only:
        conditions.append(col(m.Notice.read_at).is_(None))
    notices = session.exec(
        select(m.Notice)
        .where(*conditions)
        .order_by(col(m.Notice.created_at).desc(), col(m.Notice.id).desc())
        .limit(INBOX_LIMIT)
    ).all()
    return _views(session, notices)


@reads(m.Notice)
def unread_count(*, session: Session, viewer: Viewer) -> int:
    """How many of the viewer's own notices are unread."""
    return int(
        session.exec(
            select(func.count())
            .select_from(m.Notice)
            .where(*viewer.notice_conditions(), col(m.Notice.read_at).is_(None))
        ).one()
    )


def unmailed(*, session: Session, limit: int = 1000) -> list[Mailing]:
    """Notices not mailed yet to users who have an e-mail address and may still sign in, oldest first."""
    found = session.exec(
        select(m.Notice, m.User.email, m.User.display_name)
        .join(m.User, col(m.User.id) == col(m.Notice.user_id))
        .where(
            col(m.Notice.mailed_at).is_(None),
            col(m.User.email) != "",
            col(m.User.disabled) == false(),
        )
        .order_by(col(m.Notice.id))
        .limit(limit)
    ).all()
    views = _views(session, [notice for notice, _, _ in found])
    return [Mailing(view, email, name) for view, (_, email, name) in zip(views, found, strict=True)]


def notice_text(notice: NoticeView, lang: str, *, shown: Callable[[str], str] = str) -> str:
    """The notice in ``lang``: names passed through ``shown`` (``ui.plain`` where Markdown draws them),
    dates written the reader's way."""
    values = {
        name: long_date(value, lang)
        if isinstance(value, date)
        else shown(value)
        if isinstance(value, str)
        else value
        for name, value in notice.values
    }
    return translate(NOTICE_TEXT.key(notice.kind), lang, **values)


def notice_subject(notice: NoticeView, lang: str) -> str:
    """A mailed notice's subject line in ``lang``: what happened, without names."""
    return translate(NOTICE_SUBJECT.key(notice.kind), lang)

"""The feedback figures kept per meeting stay equal to what their items give, whatever writes them, and
the engagement page counts from them what it counted from the items."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

import models as m
from sinergi.core.access import SYSTEM, Viewer
from sinergi.core.db import engine_for, read_session, write_session
from sinergi.i18n.registry import enum_key
from sinergi.i18n.texts import translate
from sinergi.reads import engagement
from sinergi.reads.filters import Filters
from sinergi.transfer import importing, parsing, sheets
from sinergi.worlds.demo import load_demo
from sinergi.writes import entry, feedback, feedback_figures, live
from tests.factories import make_feedback, make_meeting

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _kept(engine: Engine) -> list[list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return [
            [tuple(r) for r in connection.execute(text(f"SELECT * FROM {name} ORDER BY 1, 2"))]
            for name in ("meeting_feedback_figure", "meeting_feedback_due")
        ]


def _differences(engine: Engine) -> list[Any]:
    with read_session(engine) as session:
        return feedback_figures.differences(session)


def _ids(session: Session, model: Any, *where: Any) -> list[int]:
    return [i for i in session.exec(select(model.id).where(*where).order_by(col(model.id))).all()]


def _record(session: Session, rng: random.Random, n: int) -> None:
    meeting_id = rng.choice(_ids(session, m.Meeting))
    programs = session.exec(
        select(m.MeetingProgram.program_id).where(m.MeetingProgram.meeting_id == meeting_id)
    ).all()
    feedback.record_feedback(
        session=session,
        meeting_id=meeting_id,
        kind=rng.choice(list(m.FeedbackKind)).value,
        text=f"Masukan uji {n}",
        source_type=rng.choice([None, *(t.value for t in m.OrgType)]),
        speaker=rng.choice(["", "Pak Budi"]),
        program_id=rng.choice([None, *programs]),
    )


def _respond(session: Session, rng: random.Random, _n: int) -> None:
    """Answer, close, decline or reopen an item, linking it to one of its program's actions or not."""
    item = session.get(m.FeedbackItem, rng.choice(_ids(session, m.FeedbackItem)))
    assert item is not None and item.id is not None
    opened = entry.snapshot(entry.FEEDBACK_RESPONSE, item)
    status = rng.choice(list(m.FeedbackStatus)).value
    actions = entry.options(session, SYSTEM, "actions", parent_id=item.meeting_id, record_id=item.id)
    typed = opened | {
        "status": status,
        "response": rng.choice(["", "Sudah ditindaklanjuti bersama desa."]),
        "decline_reason": "Di luar wilayah program" if status == m.FeedbackStatus.DECLINED else "",
        "follow_up_id": rng.choice([None, *actions]) if rng.random() < 0.7 else opened["follow_up_id"],
    }
    entry.save_record(
        session=session,
        viewer=SYSTEM,
        spec=entry.FEEDBACK_RESPONSE,
        record_id=item.id,
        opened=opened,
        typed=typed,
    )


def _change_action(session: Session, rng: random.Random, _n: int) -> None:
    """A new status or due date of an action, mostly of one that items wait on."""
    linked = _ids(
        session, m.FollowUpAction, col(m.FollowUpAction.id).in_(select(m.FeedbackItem.follow_up_id))
    )
    action = session.get(
        m.FollowUpAction,
        rng.choice(linked if linked and rng.random() < 0.8 else _ids(session, m.FollowUpAction)),
    )
    assert action is not None
    opened = entry.snapshot(entry.ACTION, action)
    status = rng.choice(list(m.ActionStatus)).value
    due = rng.choice([None, date(2022, 3, 1), date(2024, 9, 30), date(2025, 6, 1), date(2027, 1, 15)])
    typed = opened | {
        "status": status,
        "due_date": due if rng.random() < 0.7 else opened["due_date"],
        "completed_on": date(2024, 10, 1) if status == m.ActionStatus.DONE else None,
    }
    entry.save_record(
        session=session, viewer=SYSTEM, spec=entry.ACTION, record_id=action.id, opened=opened, typed=typed
    )


def _csv(sheet: str, rows: list[dict[str, Any]]) -> bytes:
    columns = [c.key for c in sheets.SHEETS_BY_KEY[sheet].columns if not c.exported_only]
    lines = [";".join(sheets.header(c, "id") for c in columns)]
    lines += [";".join(str(row.get(c, "")) for c in columns) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _label(kind: str, value: str) -> str:
    return translate(enum_key(kind, value), "id")


def _import(engine: Engine, name: str, data: bytes) -> None:
    report = importing.import_sheets(
        engine=engine, viewer=SYSTEM, sheets=parsing.read_upload(name, data), commit=True
    )
    assert not report.problems, report.problems


def _source_counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        counts = engagement.feedback_counts(
            session=session, filters=Filters(), viewer=SYSTEM, by="source_type"
        )
    return dict(zip(counts["group"], counts["items"], strict=True))


def test_figures_follow_every_kind_of_write(db_url: str) -> None:
    engine = engine_for(db_url)
    load_demo(engine=engine)
    figures, dues = _kept(engine)
    assert figures and dues, "the demo's feedback is summed up, open items wait on actions"
    assert _differences(engine) == []
    rng = random.Random(11)

    # Items said, answered, closed, declined, linked to actions; actions rescheduled, finished, reopened.
    for n in range(45):
        step = rng.choice([_record, _respond, _respond, _change_action])
        with write_session(engine) as session:
            step(session, rng, n)
        assert _differences(engine) == [], step.__name__

    # Live: phones check in and send, the facilitator approves, hides, fixes, merges, matches.
    with read_session(engine) as session:
        meeting_id, organisation_id = _ids(session, m.Meeting)[0], _ids(session, m.Organisation)[0]
    with write_session(engine) as session:
        code = live.open_input(
            session=session,
            viewer=SYSTEM,
            meeting_id=meeting_id,
            now=NOW,
            open_until=NOW + timedelta(hours=3),
        )
    tokens = []
    for n, org_type in enumerate((m.OrgType.COMMUNITY_GROUP, m.OrgType.MEDIA)):
        with write_session(engine) as session:
            tokens.append(
                live.check_in(
                    session=session,
                    code=code,
                    now=NOW,
                    org_type=org_type,
                    organisation_name="Kelompok Tani Uji",
                    name=f"Peserta {n}",
                    address=f"10.0.0.{n}",
                )
            )
    sent = []
    for n in range(6):
        with write_session(engine) as session:
            sent.append(
                live.submit_input(
                    session=session,
                    code=code,
                    device_token=tokens[n % 2],
                    now=NOW + timedelta(minutes=n),
                    kind=rng.choice(list(m.FeedbackKind)).value,
                    text=f"Usul dari ponsel {n}",
                    address=f"10.0.0.{n % 2}",
                )
            )
        assert _differences(engine) == []
    later = NOW + timedelta(minutes=10)
    for action in (
        lambda s: live.moderate(
            session=s, viewer=SYSTEM, item_ids=sent[:4], moderation="approved", now=later
        ),
        lambda s: live.moderate(session=s, viewer=SYSTEM, item_ids=sent[4:5], moderation="hidden", now=later),
        lambda s: live.correct_item(
            session=s, viewer=SYSTEM, item_id=sent[0], text="Usul diperbaiki", now=later
        ),
        lambda s: live.merge_items(
            session=s, viewer=SYSTEM, keep_id=sent[0], duplicate_ids=sent[1:3], now=later
        ),
        lambda s: live.match_organisation(
            session=s,
            viewer=SYSTEM,
            meeting_id=meeting_id,
            typed="kelompok tani uji",
            organisation_id=organisation_id,
        ),
    ):
        with write_session(engine) as session:
            action(session)
        assert _differences(engine) == []
    with read_session(engine) as session:
        matched = session.exec(select(m.FeedbackItem).where(col(m.FeedbackItem.id).in_(sent))).all()
    assert {item.organisation_id for item in matched} == {organisation_id}

    # An item that names no type of its own counts as its organisation's, whose type then changes.
    with read_session(engine) as session:
        organisation = session.get(m.Organisation, organisation_id)
        assert organisation is not None
        name, was = organisation.name, organisation.org_type
    for _ in range(3):
        make_feedback(engine, meeting_id=meeting_id, organisation_id=organisation_id, source_type=None)
    assert _differences(engine) == []
    before = _source_counts(engine)
    becomes = next(t.value for t in m.OrgType if t.value != was)
    _import(
        engine,
        "organisasi.csv",
        _csv("organisations", [{"organisation": name, "org_type": _label("org_type", becomes)}]),
    )
    assert _differences(engine) == []
    after = _source_counts(engine)
    assert after[becomes] == before.get(becomes, 0) + 3 and after.get(was, 0) == before[was] - 3

    # An import of feedback rows: a new item, and an item of the demo answered and closed.
    with read_session(engine) as session:
        company, title, held_on, speaker, said = session.connection().execute(
            sa_select(
                col(m.Company.name),
                col(m.Meeting.title),
                col(m.Meeting.held_on),
                col(m.FeedbackItem.speaker),
                col(m.FeedbackItem.text),
            )
            .join(m.Meeting, col(m.Meeting.organiser_company_id) == col(m.Company.id))
            .join(m.FeedbackItem, col(m.FeedbackItem.meeting_id) == col(m.Meeting.id))
            .where(col(m.FeedbackItem.status) == m.FeedbackStatus.OPEN.value)
            .order_by(col(m.FeedbackItem.id))
        ).first() or pytest.fail("no open item of a company's meeting")
    meeting = {"company": company, "meeting": title, "held_on": held_on.isoformat()}
    rows = [
        meeting
        | {
            "feedback_kind": _label("feedback_kind", "concern"),
            "text": "Jalan desa rusak",
            "speaker": "Bu Ani",
        },
        meeting
        | {
            "feedback_kind": _label("feedback_kind", "expectation"),
            "text": said,
            "speaker": speaker,
            "response": "Sudah dibangun.",
            "feedback_status": _label("feedback_status", "done"),
        },
    ]
    _import(engine, "masukan.csv", _csv("feedback", rows))
    assert _differences(engine) == []

    for n in range(45, 70):
        step = rng.choice([_record, _respond, _change_action])
        with write_session(engine) as session:
            step(session, rng, n)
    assert _differences(engine) == []
    kept = _kept(engine)
    with write_session(engine) as session:
        feedback_figures.rebuild(session)
    assert _kept(engine) == kept


@dataclass(frozen=True)
class _Item:
    kind: str
    status: str
    source_type: str
    followed_up: bool
    held_on: date
    company_id: int | None
    regency_id: int | None
    unanswered: bool
    action_due: date | None  # of an unfinished action


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _source_items(engine: Engine) -> list[_Item]:
    """Every feedback item as its rows hold it, read without the figures."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT f.kind, f.status, coalesce(f.source_type, o.org_type, 'public'), f.response, "
                "mt.held_on, mt.organiser_company_id, mt.regency_id, a.due_date, a.status "
                "FROM feedback_item f JOIN meeting mt ON mt.id = f.meeting_id "
                "LEFT JOIN organisation o ON o.id = f.organisation_id "
                "LEFT JOIN follow_up_action a ON a.id = f.follow_up_id"
            )
        ).all()
    return [
        _Item(
            kind=kind,
            status=status,
            source_type=source,
            followed_up=status in ("in_progress", "done", "declined"),
            held_on=_day(held_on) or date.min,
            company_id=company_id,
            regency_id=regency_id,
            unanswered=status == "open" and response.strip(" ") == "",
            action_due=_day(due) if action_status in ("open", "in_progress") else None,
        )
        for kind, status, source, response, held_on, company_id, regency_id, due, action_status in rows
    ]


def _expected(items: list[_Item], today: date) -> dict[str, Any]:
    counted: dict[str, dict[str, int]] = {"kind": {}, "status": {}, "source_type": {}}
    for item in items:
        for by, value in (("kind", item.kind), ("status", item.status), ("source_type", item.source_type)):
            counted[by][value] = counted[by].get(value, 0) + 1
    overdue = sum(
        1
        for i in items
        if i.status in ("open", "in_progress")
        and (
            (i.action_due is not None and i.action_due < today)
            or (i.unanswered and i.held_on < today - timedelta(days=engagement.RESPONSE_DAYS))
        )
    )
    return {
        "items": len(items),
        "followed_up": sum(i.followed_up for i in items),
        "overdue": overdue,
        "kind": [counted["kind"].get(k.value, 0) for k in m.FeedbackKind],
        "status": [counted["status"].get(s.value, 0) for s in m.FeedbackStatus],
        "source_type": sorted(counted["source_type"].items(), key=lambda kv: (-kv[1], kv[0])),
    }


def _check_against_items(engine: Engine) -> int:
    """The tiles and counts for every viewer and filter the demo offers, on days before, within and
    after its meetings, as the items give them; how many combinations had overdue items."""
    items = _source_items(engine)
    with read_session(engine) as session:
        companies = _ids(session, m.Company)
        regencies = _ids(session, m.Regency)
    years = sorted({i.held_on.year for i in items})
    views: list[tuple[Viewer, Filters, Any]] = [(SYSTEM, Filters(), lambda i: True)]
    for year in years:
        views.append((SYSTEM, Filters(year=year), lambda i, y=year: i.held_on.year == y))
        views.append(
            (
                SYSTEM,
                Filters(period=f"{year}-S2"),
                lambda i, y=year: i.held_on >= date(y, 7, 1) and i.held_on.year == y,
            )
        )
    for company in companies:
        viewer = Viewer(user_id=1, username="csr", role=m.Role.COMPANY, company_id=company)
        views.append((viewer, Filters(), lambda i, c=company: i.company_id == c))
        views.append((SYSTEM, Filters(company_id=company), lambda i, c=company: i.company_id == c))
    for regency in regencies:
        viewer = Viewer(user_id=2, username="dinas", role=m.Role.AGENCY, regency_id=regency)
        views.append(
            (
                viewer,
                Filters(year=years[-1]),
                lambda i, r=regency: i.regency_id == r and i.held_on.year == years[-1],
            )
        )
    with_overdue = 0
    for today in (date(2023, 6, 15), date(2024, 12, 1), date(2026, 12, 6)):
        for viewer, filters, selected in views:
            expected = _expected([i for i in items if selected(i)], today)
            with read_session(engine) as session:
                tiles = engagement.engagement_tiles(
                    session=session, filters=filters, viewer=viewer, today=today
                )
                counts = {
                    by: engagement.feedback_counts(session=session, filters=filters, viewer=viewer, by=by)
                    for by in ("kind", "status", "source_type")
                }
            shown = {
                "items": tiles.feedback_items,
                "followed_up": tiles.followed_up,
                "overdue": tiles.overdue,
                "kind": list(counts["kind"]["items"]),
                "status": list(counts["status"]["items"]),
                "source_type": list(
                    zip(counts["source_type"]["group"], counts["source_type"]["items"], strict=True)
                ),
            }
            assert shown == expected, (viewer.role, filters, today)
            with_overdue += expected["overdue"] > 0
    return with_overdue


def test_the_page_counts_what_the_items_give(demo_copy_url: str) -> None:
    engine = engine_for(demo_copy_url)
    assert _check_against_items(engine) > 10
    rng = random.Random(5)
    for n in range(30):
        step = rng.choice([_record, _respond, _change_action])
        with write_session(engine) as session:
            step(session, rng, n)
    assert _check_against_items(engine) > 10


def _rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """A frame's rows, a missing value as None whatever type pandas gave its column."""
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 9, 40])
def test_the_first_rows_of_the_tables_are_those_of_the_whole_list(demo_copy_url: str, limit: int) -> None:
    engine = engine_for(demo_copy_url)
    # Two meetings on one day, before all others, and two after: their items come in between each other.
    for day in (date(2019, 5, 1), date(2026, 11, 1)):
        pair = [make_meeting(engine, held_on=day, title=f"FGD {day} {n}") for n in range(2)]
        for n in range(6):
            make_feedback(engine, meeting_id=pair[n % 2], text=f"Masukan {n}")
    with read_session(engine) as session:  # long enough for the first rows to leave some out
        for query in (engagement.feedback_log, engagement.overdue_feedback):
            assert len(query(session=session, filters=Filters(), viewer=SYSTEM, today=date(2026, 12, 6))) > 9
    for today in (date(2024, 12, 1), date(2026, 12, 6)):
        for filters in (Filters(), Filters(year=2024)):
            with read_session(engine) as session:
                for query in (engagement.feedback_log, engagement.overdue_feedback):
                    whole = query(session=session, filters=filters, viewer=SYSTEM, today=today)
                    first = query(session=session, filters=filters, viewer=SYSTEM, today=today, limit=limit)
                    assert _rows(first) == _rows(whole.head(limit)), (query.__name__, filters, today)
                meetings = engagement.meeting_list(session=session, filters=filters, viewer=SYSTEM)
                shown = engagement.meeting_list(session=session, filters=filters, viewer=SYSTEM, limit=limit)
                assert _rows(shown) == _rows(meetings.head(limit))


def test_attendance_by_type_counts_each_organisation_once(demo_copy_url: str) -> None:
    engine = engine_for(demo_copy_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT a.organisation_id, o.org_type, a.head_count, mt.held_on, mt.organiser_company_id "
                "FROM meeting_attendance a JOIN organisation o ON o.id = a.organisation_id "
                "JOIN meeting mt ON mt.id = a.meeting_id"
            )
        ).all()
    assert len({r[0] for r in rows}) < len(rows), "some organisation came to more than one meeting"
    with read_session(engine) as session:
        companies = _ids(session, m.Company)
    views: list[tuple[Viewer, Filters, Any]] = [(SYSTEM, Filters(), lambda r: True)]
    held = {r[3]: _day(r[3]) or date.min for r in rows}
    for year in sorted({day.year for day in held.values()}):
        views.append((SYSTEM, Filters(year=year), lambda r, y=year: held[r[3]].year == y))
    for company in companies:
        viewer = Viewer(user_id=1, username="csr", role=m.Role.COMPANY, company_id=company)
        views.append((viewer, Filters(), lambda r, c=company: r[4] == c))
    for viewer, filters, selected in views:
        chosen = [r for r in rows if selected(r)]
        expected = {
            org_type: (
                len({r[0] for r in chosen if r[1] == org_type}),
                sum(r[2] for r in chosen if r[1] == org_type),
            )
            for org_type in {r[1] for r in chosen}
        }
        with read_session(engine) as session:
            found = engagement.attendance_by_org_type(session=session, filters=filters, viewer=viewer)
        assert {t: (o, h) for t, o, h in found.itertuples(index=False)} == expected, (viewer.role, filters)
        assert list(found["head_count"]) == sorted(found["head_count"], reverse=True)


def test_manage_checks_and_makes_the_figures_again(
    demo_copy_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from manage import main

    url = ["--database-url", demo_copy_url]
    assert main(["rebuild-summaries", "--check", *url]) == 0
    assert "Every kept figure is current." in capsys.readouterr().out
    with engine_for(demo_copy_url).begin() as connection:  # figures someone changed by hand
        connection.execute(text("UPDATE meeting_feedback_figure SET status_open = status_open + 2"))
        connection.execute(text("DELETE FROM meeting_feedback_due"))
    assert main(["rebuild-summaries", "--check", *url]) == 1
    out = capsys.readouterr().out
    assert "meeting_feedback_figure.status_open kept" in out and "meeting_feedback_due.items kept" in out
    assert main(["rebuild-summaries", *url]) == 0
    assert "feedback figures of 5 meetings" in capsys.readouterr().out
    assert main(["rebuild-summaries", "--check", *url]) == 0


def test_phones_sending_at_once_to_one_meeting_lose_no_count(db_url: str) -> None:
    """Writers of one meeting's feedback that commit at the same moment each make its figures again:
    none fails on the row another made meanwhile, and the last one counts every item."""
    engine = engine_for(db_url)
    meeting_id = make_meeting(engine)
    writers, rounds = 6, 5
    # SQLite lets one writer at a time begin; PostgreSQL lets them all meet before they commit.
    barrier = threading.Barrier(writers) if engine.dialect.name == "postgresql" else None

    def send(n: int) -> None:
        for r in range(rounds):
            with write_session(engine) as session:
                feedback.record_feedback(
                    session=session, meeting_id=meeting_id, kind="concern", text=f"Masukan {n}.{r}"
                )
                if barrier is not None:
                    barrier.wait(timeout=30)  # then all of them commit together

    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(send, range(writers)))  # re-raises a writer's failure
    assert _differences(engine) == []
    assert _kept(engine)[0][0][:2] == (meeting_id, writers * rounds)

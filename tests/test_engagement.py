"""The engagement figures on both databases, checked against raw SQL, and the page through AppTest."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

import models as m
from sinergi.core.access import SYSTEM
from sinergi.core.db import engine_for, read_session
from sinergi.i18n.formatting import number, percent
from sinergi.i18n.texts import feedback_status_text, translate
from sinergi.reads import engagement
from sinergi.reads.filters import Filters, filters_from_params
from sinergi.worlds import demo
from sinergi.worlds.demo import load_demo
from tests.apptest import open_page
from tests.factories import (
    make_action,
    make_company,
    make_feedback,
    make_meeting,
    make_organisation,
    make_program,
)

TODAY = date(2025, 6, 1)


def _day(value: Any) -> date | None:
    """A date or timestamp as raw SQL returns it (text on SQLite, objects on PostgreSQL) as a UTC day."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _raw_feedback(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT f.id, mt.held_on, f.status, f.response, f.closed_at, "
                "a.due_date, a.status AS action_status "
                "FROM feedback_item f JOIN meeting mt ON mt.id = f.meeting_id "
                "LEFT JOIN follow_up_action a ON a.id = f.follow_up_id"
            )
        ).mappings()
        return [dict(row) for row in rows]


def _expected_overdue(rows: list[dict[str, Any]], today: date) -> set[int]:
    overdue = set()
    for row in rows:
        if row["status"] not in ("open", "in_progress"):
            continue
        due = _day(row["due_date"])
        action_late = due is not None and due < today and row["action_status"] not in ("done", "cancelled")
        held_on = _day(row["held_on"])
        assert held_on is not None
        silent = row["status"] == "open" and not row["response"].strip() and (today - held_on).days > 30
        if action_late or silent:
            overdue.add(row["id"])
    return overdue


def _scalar(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar_one()


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    load_demo(engine=engine)
    return engine


def test_tiles_and_counts_match_raw_sql(demo_engine: Engine) -> None:
    raw = _raw_feedback(demo_engine)
    with read_session(demo_engine) as session:
        tiles = engagement.engagement_tiles(session=session, viewer=SYSTEM, filters=Filters(), today=TODAY)
        by = {
            grouping: engagement.feedback_counts(
                session=session, viewer=SYSTEM, filters=Filters(), by=grouping
            )
            for grouping in ("kind", "status", "source_type")
        }
    assert tiles.meetings == _scalar(demo_engine, "SELECT count(*) FROM meeting") == 5
    assert tiles.attendees == _scalar(demo_engine, "SELECT sum(attendee_count) FROM meeting")
    assert tiles.feedback_items == len(raw) == 26
    followed_up = sum(row["status"] in ("in_progress", "done", "declined") for row in raw)
    assert tiles.followed_up == followed_up
    assert tiles.followed_up_share == pytest.approx(followed_up / len(raw))
    assert tiles.overdue == len(_expected_overdue(raw, TODAY)) > 0

    with demo_engine.connect() as connection:
        kinds: dict[str, int] = dict(
            connection.execute(text("SELECT kind, count(*) FROM feedback_item GROUP BY kind")).all()
        )
        statuses: dict[str, int] = dict(
            connection.execute(text("SELECT status, count(*) FROM feedback_item GROUP BY status")).all()
        )
        sources = connection.execute(
            text(
                "SELECT f.source_type, o.org_type FROM feedback_item f "
                "LEFT JOIN organisation o ON o.id = f.organisation_id"
            )
        ).all()
    assert list(by["kind"]["group"]) == [k.value for k in m.FeedbackKind]
    assert dict(zip(by["kind"]["group"], by["kind"]["items"], strict=True)) == {
        k.value: kinds.get(k.value, 0) for k in m.FeedbackKind
    }
    assert list(by["status"]["group"]) == [s.value for s in m.FeedbackStatus]
    assert dict(zip(by["status"]["group"], by["status"]["items"], strict=True)) == {
        s.value: statuses.get(s.value, 0) for s in m.FeedbackStatus
    }
    expected_sources = Counter(source or org_type or "public" for source, org_type in sources)
    assert dict(zip(by["source_type"]["group"], by["source_type"]["items"], strict=True)) == expected_sources
    assert list(by["source_type"]["items"]) == sorted(by["source_type"]["items"], reverse=True)


def test_meetings_and_attendance_match_raw_sql(demo_engine: Engine) -> None:
    with read_session(demo_engine) as session:
        meetings = engagement.meeting_list(session=session, viewer=SYSTEM, filters=Filters())
        attendance = engagement.attendance_by_org_type(session=session, viewer=SYSTEM, filters=Filters())
    with demo_engine.connect() as connection:
        per_type = connection.execute(
            text(
                "SELECT a.meeting_id, o.org_type, sum(a.head_count) FROM meeting_attendance a "
                "JOIN organisation o ON o.id = a.organisation_id GROUP BY a.meeting_id, o.org_type"
            )
        ).all()
        organisations: dict[int, int] = dict(
            connection.execute(
                text("SELECT meeting_id, count(*) FROM meeting_attendance GROUP BY meeting_id")
            ).all()
        )
        organisers: dict[int, str] = dict(
            connection.execute(
                text(
                    "SELECT mt.id, coalesce(c.name, o.name) FROM meeting mt "
                    "LEFT JOIN company c ON c.id = mt.organiser_company_id "
                    "LEFT JOIN organisation o ON o.id = mt.organiser_organisation_id"
                )
            ).all()
        )
    assert len(meetings) == 5
    assert list(meetings["held_on"]) == sorted(meetings["held_on"], reverse=True)
    heads = {(meeting_id, org_type): int(count) for meeting_id, org_type, count in per_type}
    for row in meetings.to_dict("records"):
        meeting_id = int(row["id"])
        assert row["organiser"] == organisers[meeting_id]
        assert row["organisations"] == organisations.get(meeting_id, 0)
        for org_type in engagement.ORG_TYPES:
            assert row[org_type] == heads.get((meeting_id, org_type), 0)
    rakor = meetings.set_index("title").loc[
        "Rakor Penyusunan Rencana Program Kolaborasi TJSP tentang Penanggulangan Kemiskinan Tahun 2023"
    ]
    assert rakor["organiser"] == "Bappeda Kabupaten Kutai Kartanegara"
    assert rakor["government_agency"] == 15

    totals = Counter[str]()
    for (_, org_type), count in heads.items():
        totals[org_type] += count
    assert dict(zip(attendance["org_type"], attendance["head_count"], strict=True)) == totals
    assert list(attendance["head_count"]) == sorted(attendance["head_count"], reverse=True)


KPI_ID = f"(SELECT id FROM company WHERE name = '{demo.KPI}')"
KUKAR_ID = f"(SELECT id FROM regency WHERE name = '{demo.KUKAR}')"


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"year": "2023"}, "held_on BETWEEN '2023-01-01' AND '2023-12-31'"),
        ({"period": "2023-S1"}, "held_on BETWEEN '2023-01-01' AND '2023-06-30'"),
        ({"period": "2022-S2", "year": "2023"}, "held_on BETWEEN '2022-07-01' AND '2022-12-31'"),
        ({"company": KPI_ID}, f"organiser_company_id = {KPI_ID}"),
        ({"regency": KUKAR_ID}, f"regency_id = {KUKAR_ID}"),
    ],
    ids=["year", "semester", "semester-over-year", "company", "regency"],
)
def test_filters_narrow_meetings_and_their_feedback(
    demo_engine: Engine, params: dict[str, str], where: str
) -> None:
    # Ids differ from one load to the next: a subquery in ``params`` stands for the id it finds.
    filters = filters_from_params(
        {
            key: str(_scalar(demo_engine, f"SELECT {value}")) if "SELECT" in value else value
            for key, value in params.items()
        }
    )
    meetings = _scalar(demo_engine, f"SELECT count(*) FROM meeting WHERE {where}")
    items = _scalar(
        demo_engine,
        f"SELECT count(*) FROM feedback_item WHERE meeting_id IN (SELECT id FROM meeting WHERE {where})",
    )
    with read_session(demo_engine) as session:
        tiles = engagement.engagement_tiles(session=session, viewer=SYSTEM, filters=filters, today=TODAY)
        listed = engagement.meeting_list(session=session, viewer=SYSTEM, filters=filters)
        log = engagement.feedback_log(session=session, viewer=SYSTEM, filters=filters, today=TODAY)
        kinds = engagement.feedback_counts(session=session, viewer=SYSTEM, filters=filters, by="kind")
    assert 0 < meetings < 5
    assert tiles.meetings == len(listed) == meetings
    assert tiles.feedback_items == len(log) == int(kinds["items"].sum()) == items


def test_feedback_log_shows_days_open_and_the_linked_action(demo_engine: Engine) -> None:
    raw = {row["id"]: row for row in _raw_feedback(demo_engine)}
    with read_session(demo_engine) as session:
        log = engagement.feedback_log(session=session, viewer=SYSTEM, filters=Filters(), today=TODAY)
        overdue = engagement.overdue_feedback(session=session, viewer=SYSTEM, filters=Filters(), today=TODAY)
    assert set(log["id"]) == set(raw)
    for row in log.itertuples():
        held_on = _day(raw[row.id]["held_on"])
        assert held_on is not None
        end = _day(raw[row.id]["closed_at"]) or TODAY
        assert row.days_open == (end - held_on).days
    honey = log[log["text"].str.startswith("Pendampingan kelompok madu kelulut")].iloc[0]
    assert honey["organisation"] == "Pemerintah Desa Baay"
    assert honey["action"].startswith("Dampingi pemasaran madu kelulut")
    assert honey["action_status"] == "in_progress"
    assert honey["action_due"] == date(2023, 12, 31)
    assert set(overdue["id"]) == _expected_overdue(list(raw.values()), TODAY)
    assert set(overdue["reason"]) == {"action_past_due", "no_response"}
    with read_session(demo_engine) as session:
        first_log = engagement.feedback_log(
            session=session, viewer=SYSTEM, filters=Filters(), today=TODAY, limit=3
        )
        first_overdue = engagement.overdue_feedback(
            session=session, viewer=SYSTEM, filters=Filters(), today=TODAY, limit=2
        )
    assert list(first_log["id"]) == list(log["id"][:3])
    assert list(first_overdue["id"]) == list(overdue["id"][:2])


def test_days_open_and_overdue_follow_the_rules(engine: Engine) -> None:
    held_on = date(2024, 1, 10)
    company_id = make_company(engine, name="PT Uji Tindak Lanjut")
    program_id = make_program(engine, company_id=company_id)
    agency = make_organisation(engine, name="Dinas Sosial", org_type=m.OrgType.GOVERNMENT_AGENCY)
    meeting_id = make_meeting(engine, held_on=held_on, company_id=company_id, attendee_count=12)
    due = date(2024, 3, 1)
    unanswered = make_feedback(engine, meeting_id=meeting_id, text="Belum dijawab", organisation_id=agency)
    answered = make_feedback(engine, meeting_id=meeting_id, text="Sudah dijawab", response="Kami catat.")
    late = make_feedback(
        engine,
        meeting_id=meeting_id,
        text="Tindak lanjut terlambat",
        status=m.FeedbackStatus.IN_PROGRESS,
        response="Sedang dikerjakan.",
        follow_up_id=make_action(engine, program_id=program_id, due=due, status=m.ActionStatus.IN_PROGRESS),
    )
    make_feedback(
        engine,
        meeting_id=meeting_id,
        text="Tindakan sudah selesai",
        status=m.FeedbackStatus.IN_PROGRESS,
        follow_up_id=make_action(
            engine, program_id=program_id, due=date(2024, 1, 31), status=m.ActionStatus.DONE
        ),
    )
    done = make_feedback(
        engine,
        meeting_id=meeting_id,
        text="Selesai",
        status=m.FeedbackStatus.DONE,
        closed_on=date(2024, 1, 25),
    )
    make_feedback(
        engine,
        meeting_id=meeting_id,
        text="Ditolak",
        status=m.FeedbackStatus.DECLINED,
        decline_reason="Di luar wilayah kerja.",
        closed_on=date(2024, 2, 1),
    )

    def overdue_on(today: date) -> dict[int, str]:
        with read_session(engine) as session:
            frame = engagement.overdue_feedback(
                session=session, viewer=SYSTEM, filters=Filters(), today=today
            )
            tiles = engagement.engagement_tiles(
                session=session, viewer=SYSTEM, filters=Filters(), today=today
            )
        assert tiles.overdue == len(frame)
        return dict(zip(frame["id"], frame["reason"], strict=True))

    deadline = held_on + timedelta(days=engagement.RESPONSE_DAYS)
    assert overdue_on(deadline) == {}
    assert overdue_on(deadline + timedelta(days=1)) == {unanswered: "no_response"}
    assert overdue_on(due) == {unanswered: "no_response"}
    assert overdue_on(due + timedelta(days=1)) == {unanswered: "no_response", late: "action_past_due"}
    assert answered not in overdue_on(date(2030, 1, 1))

    today = date(2024, 4, 9)
    with read_session(engine) as session:
        log = engagement.feedback_log(
            session=session, viewer=SYSTEM, filters=Filters(), today=today
        ).set_index("id")
        tiles = engagement.engagement_tiles(session=session, viewer=SYSTEM, filters=Filters(), today=today)
        sources = engagement.feedback_counts(
            session=session, viewer=SYSTEM, filters=Filters(), by="source_type"
        )
    assert log.loc[done, "days_open"] == 15
    assert log.loc[done, "closed_on"] == date(2024, 1, 25)
    assert log.loc[unanswered, "days_open"] == (today - held_on).days == 90
    assert log.loc[late, "action_due"] == due
    assert (tiles.meetings, tiles.attendees, tiles.feedback_items, tiles.followed_up) == (1, 12, 6, 4)
    assert dict(zip(sources["group"], sources["items"], strict=True)) == {"public": 5, "government_agency": 1}

    shown = engagement.feedback_view(log.reset_index(), language="en").set_index("text")
    assert shown.loc["Ditolak", "status"] == "Declined: Di luar wilayah kerja.", (
        "the reason beside the status"
    )
    assert shown.loc["Ditolak", "response"] == ""
    assert shown.loc["Sudah dijawab", "response"] == "Kami catat."
    assert shown.loc["Belum dijawab", "source"] == "Dinas Sosial"
    assert shown.loc["Sudah dijawab", "source"] == "Public participant"
    assert set(shown["meeting_date"]) == {"10 January 2024"}
    assert shown.loc["Tindak lanjut terlambat", "action_due"] == "1 March 2024"
    assert shown.loc["Tindak lanjut terlambat", "action_status"] == "In progress"
    assert shown.loc["Belum dijawab", "action_due"] == ""


def test_an_empty_database_gives_empty_figures(engine: Engine) -> None:
    with read_session(engine) as session:
        tiles = engagement.engagement_tiles(session=session, viewer=SYSTEM, filters=Filters(), today=TODAY)
        assert engagement.meeting_list(session=session, viewer=SYSTEM, filters=Filters()).empty
        assert engagement.attendance_by_org_type(session=session, viewer=SYSTEM, filters=Filters()).empty
        assert engagement.feedback_log(session=session, viewer=SYSTEM, filters=Filters(), today=TODAY).empty
        assert engagement.overdue_feedback(
            session=session, viewer=SYSTEM, filters=Filters(), today=TODAY
        ).empty
        kinds = engagement.feedback_counts(session=session, viewer=SYSTEM, filters=Filters(), by="kind")
    assert tiles == engagement.EngagementTiles(0, 0, 0, 0, 0)
    assert tiles.followed_up_share is None
    assert kinds["items"].sum() == 0


def _engagement_page(
    monkeypatch: pytest.MonkeyPatch, database_url: str, *, lang: str | None = None, **params: str
) -> AppTest:
    return open_page(monkeypatch, database_url, "pages/engagement.py", lang=lang, params=params)


def test_page_tiles_match_the_database(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> None:
    app = _engagement_page(monkeypatch, demo_sqlite_url)
    demo = engine_for(demo_sqlite_url)
    raw = _raw_feedback(demo)
    followed_up = sum(row["status"] in ("in_progress", "done", "declined") for row in raw)
    shown = {metric.label: metric.value for metric in app.metric}
    assert shown == {
        "Pertemuan": number(_scalar(demo, "SELECT count(*) FROM meeting"), "id"),
        "Peserta hadir": number(_scalar(demo, "SELECT sum(attendee_count) FROM meeting"), "id"),
        "Masukan": number(len(raw), "id"),
        "Sudah ditindaklanjuti": percent(followed_up / len(raw), "id"),
        "Terlambat": number(len(_expected_overdue(raw, date.today())), "id"),
    }
    assert len(app.dataframe) == 3
    assert not app.info
    headings = [block.value for block in app.subheader]
    assert "Anda menyampaikan, kami menindaklanjuti" in headings


def test_long_feedback_tables_show_their_first_rows_and_download_every_row(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    files: dict[str, Any] = {}
    add_deferred = MediaFileManager.add_deferred

    def keep(self: MediaFileManager, data_callable: Any, *args: Any, **kwargs: Any) -> str:
        files[kwargs.get("file_name") or args[2]] = data_callable
        return add_deferred(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    monkeypatch.setattr(engagement, "SHOWN_ROWS", 3)
    app = _engagement_page(monkeypatch, demo_sqlite_url, lang="en")
    raw = _raw_feedback(engine_for(demo_sqlite_url))
    log = app.dataframe[-1].value
    assert len(log) == 3
    overdue_items = len(_expected_overdue(raw, date.today()))
    assert overdue_items > 3
    meetings = _scalar(engine_for(demo_sqlite_url), "SELECT count(*) FROM meeting")
    assert meetings > 3
    assert len(app.dataframe[0].value) == 3
    notes = [caption.value for caption in app.caption if caption.value.startswith("Showing the first")]
    assert notes == [
        f"Showing the first 3 of {number(total, 'en')} rows; download the CSV for all of them."
        for total in (meetings, overdue_items, len(raw))
    ]
    listed = list(csv.reader(io.StringIO(files["meetings.csv"]().decode("utf-8-sig"))))
    assert listed[0][:3] == ["Date", "Kind", "Title"]
    assert len(listed) - 1 == meetings
    assert [row[2] for row in listed[1:4]] == list(app.dataframe[0].value["title"])

    content = files["feedback-log.csv"]()
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    # In the order of the table on screen: the columns people act on first.
    assert table[0][:4] == ["Status", "Feedback", "Response", "Follow-up action"]
    assert len(table) - 1 == len(raw)
    assert [row[1] for row in table[1:4]] == list(log["text"])
    overdue = list(csv.reader(io.StringIO(files["overdue-feedback.csv"]().decode("utf-8-sig"))))
    assert overdue[0][0] == "Why overdue"
    assert len(overdue) - 1 == overdue_items


def test_page_speaks_english(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> None:
    app = _engagement_page(monkeypatch, demo_sqlite_url, lang="en")
    assert app.title[0].value == "Meetings & feedback"
    assert {"Meetings", "People present", "Feedback items", "Followed up", "Overdue"} <= {
        metric.label for metric in app.metric
    }
    assert "You said, we did" in [block.value for block in app.subheader]


def test_page_with_a_filter_matching_nothing_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    # Both offered, and together they match nothing: PT KPI holds no meeting in Kutai Kartanegara.
    with engine_for(demo_sqlite_url).connect() as connection:
        kpi, kukar = (
            connection.execute(text(f"SELECT {query}")).scalar_one() for query in (KPI_ID, KUKAR_ID)
        )
    app = _engagement_page(monkeypatch, demo_sqlite_url, company=str(kpi), regency=str(kukar))
    assert not app.metric
    assert "saringan" in app.info[0].value
    # A year nobody recorded is no choice of the filter: it leaves the address, and the page shows all.
    app = _engagement_page(monkeypatch, demo_sqlite_url, year="1990")
    assert "year" not in app.query_params and app.metric


def test_page_on_an_empty_database_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, migrated_sqlite_url: str
) -> None:
    app = _engagement_page(monkeypatch, migrated_sqlite_url)
    assert not app.metric
    assert not app.dataframe
    assert "load-demo" in app.info[0].value


@pytest.mark.parametrize(
    ("status", "reason", "lang", "shown"),
    [
        ("declined", "Di luar wilayah kerja.", "id", "Ditolak: Di luar wilayah kerja."),
        ("declined", "Di luar wilayah kerja.", "en", "Declined: Di luar wilayah kerja."),
        ("done", "", "id", "Selesai"),
        ("open", None, "en", "Open"),
    ],
)
def test_a_declined_item_shows_its_reason_with_its_status(
    status: str, reason: str | None, lang: str, shown: str
) -> None:
    assert feedback_status_text(status, reason, lang) == shown


@pytest.mark.parametrize(
    ("page", "lang", "word"),
    [("pages/program.py", "id", "Ditolak"), ("pages/engagement.py", "en", "Declined")],
)
def test_the_pages_show_a_declined_items_reason_where_its_status_shows(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, page: str, lang: str, word: str
) -> None:
    with engine_for(demo_sqlite_url).connect() as connection:
        program_id, reason = connection.execute(
            text(
                "SELECT program_id, decline_reason FROM feedback_item "
                "WHERE status = 'declined' AND program_id IS NOT NULL ORDER BY id LIMIT 1"
            )
        ).one()
    tab = translate("program.tab.feedback", lang)
    app = open_page(monkeypatch, demo_sqlite_url, page, lang=lang, params={"id": str(program_id), "tab": tab})
    statuses = {
        str(value)
        for frame in app.dataframe
        if "status" in frame.value.columns and "text" in frame.value.columns
        for value in frame.value["status"]
    }
    assert f"{word}: {reason}" in statuses, statuses

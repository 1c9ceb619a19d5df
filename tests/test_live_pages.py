"""The presenter page and the public form through AppTest: who may present, opening input, checking
in and sending input from the form, refusals with a clear message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func
from sqlmodel import col, select

import models as m
from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.core.db import engine_for, read_session, write_session
from sinergi.i18n.texts import translate
from sinergi.writes import live
from tests.apptest import open_page
from tests.conftest import DemoAccounts
from tests.factories import make_account, make_company, make_meeting, make_program


@dataclass
class Room:
    url: str
    engine: Engine
    meeting_id: int
    program_id: int
    organiser: Viewer
    other_company: Viewer
    reader: Viewer

    def open_input(self) -> str:
        now = datetime.now(UTC)
        with write_session(self.engine) as session:
            return live.open_input(
                session=session,
                viewer=self.organiser,
                meeting_id=self.meeting_id,
                now=now,
                open_until=now + timedelta(hours=2),
            )

    def stored(self) -> list[m.FeedbackItem]:
        with read_session(self.engine) as session:
            return list(session.exec(select(m.FeedbackItem).order_by(col(m.FeedbackItem.id))).all())


@pytest.fixture
def room(migrated_sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Room:
    # AppTest resets Streamlit's legacy pages flag before every run; a real server reruns once.
    monkeypatch.setattr(ui, "page_guard", lambda: None)
    engine = engine_for(migrated_sqlite_url)
    company = make_company(engine, name="PT Penyelenggara")
    make_company(engine, name="PT Lain")
    program_id = make_program(engine, company_id=company, name="Bank Sampah Margasari")
    meeting_id = make_meeting(engine, company_id=company, title="FGD Bank Sampah", attendee_count=2)
    with write_session(engine) as session:
        session.add(m.MeetingProgram(meeting_id=meeting_id, program_id=program_id))
    return Room(
        url=migrated_sqlite_url,
        engine=engine,
        meeting_id=meeting_id,
        program_id=program_id,
        organiser=make_account(engine, username="csr", role="company", company="PT Penyelenggara"),
        other_company=make_account(engine, username="lain", role="company", company="PT Lain"),
        reader=make_account(engine, username="pembaca", role="viewer"),
    )


def test_the_organiser_picks_a_meeting_and_opens_input(room: Room, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_page(monkeypatch, room.url, "pages/present.py", viewer=room.organiser)
    assert app.title[0].value == "Mode presentasi FGD"
    app.button[0].click().run()
    assert app.query_params["meeting"] == str(room.meeting_id)
    assert app.title[0].value == "FGD Bank Sampah"
    assert any("belum dibuka" in info.value for info in app.info)
    assert app.button(key="live-next") is not None and app.button(key="live-prev").disabled
    app.toggle(key="live-control").set_value(True).run()
    app.button(key="live-open").click().run()
    with read_session(room.engine) as session:
        meeting = session.get(m.Meeting, room.meeting_id)
        assert meeting is not None and meeting.input_code is not None
    assert any(meeting.input_code in success.value for success in app.success)

    app.button(key="live-next").click().run()
    assert app.title[0].value == "Bank Sampah Margasari", "the next slide shows the program"
    app.button(key="live-close").click().run()
    with read_session(room.engine) as session:
        closed = session.get(m.Meeting, room.meeting_id)
        assert closed is not None and closed.input_closed_at is not None


@pytest.mark.parametrize("who", ["other_company", "reader"])
def test_others_cannot_present_the_meeting(room: Room, monkeypatch: pytest.MonkeyPatch, who: str) -> None:
    viewer: Viewer = getattr(room, who)
    app = open_page(
        monkeypatch, room.url, "pages/present.py", viewer=viewer, params={"meeting": str(room.meeting_id)}
    )
    assert [error.value for error in app.error] == [translate("error.access_denied", "id")]
    with read_session(room.engine) as session:
        refusals = session.exec(
            select(func.count()).where(
                col(m.AuditLog.action) == "refused", m.AuditLog.user_id == viewer.user_id
            )
        ).one()
    assert refusals >= 1, "the refusal is in the audit log"
    assert not [b for b in app.button if b.key == "live-next"], "no slides"
    listing = open_page(monkeypatch, room.url, "pages/present.py", viewer=viewer)
    assert any("Tidak ada pertemuan" in info.value for info in listing.info)
    # The view shows no sidebar: both screens lead back to the app.
    for screen in (app, listing):
        assert [(link.proto.label, link.proto.page) for link in screen.get("page_link")] == [
            ("Kembali ke Sinergi", "overview")
        ]


def test_a_participant_checks_in_and_sends_input_without_an_account(
    room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = room.open_input()
    app = open_page(
        monkeypatch, room.url, "pages/feedback.py", signed_in=False, params={"code": code.lower()}
    )
    assert app.title[0].value == "Harapan dan masukan"
    assert not app.text_input(key="live-organisation").value
    assert app.selectbox(key="live-org-type").proto.placeholder == "Pilih…"

    app.text_input(key="live-organisation").input("Kelompok Mariojela")
    app.button[0].click().run()
    assert any("jenis" in error.value.lower() for error in app.error), "the type is missing"
    assert app.text_input(key="live-organisation").value == "Kelompok Mariojela", "what was typed stays"

    app.selectbox(key="live-org-type").set_value("community_group")
    app.button[0].click().run()
    assert any("Kelompok Mariojela" in s.value for s in app.success)

    app.selectbox(key="live-program").set_value(str(room.program_id))
    app.text_area(key="live-text").input("x" * (live.MAX_INPUT_TEXT + 1))
    app.button[0].click().run()
    assert room.stored() == [] and app.error, "too long: refused, nothing stored"
    # The kind is always chosen on this form: the message asks only for the text.
    assert [error.value for error in app.error] == [
        translate("live.error.input", "id", max=live.MAX_INPUT_TEXT)
    ]

    app.text_area(key="live-text").input("Mohon pelatihan pemasaran daring")
    app.button[0].click().run()
    assert any("Terima kasih" in s.value for s in app.success)
    assert app.text_area(key="live-text").value == "", "the form is ready for the next input"
    [item] = room.stored()
    assert (item.text, item.program_id, item.source_type, item.moderation) == (
        "Mohon pelatihan pemasaran daring",
        room.program_id,
        "community_group",
        "pending",
    )
    with read_session(room.engine) as session:
        assert session.get(m.Meeting, room.meeting_id).attendee_count == 3  # type: ignore[union-attr]


@pytest.mark.parametrize("state", ["unknown", "closed", "expired"])
def test_an_unusable_code_gets_a_clear_message(
    room: Room, monkeypatch: pytest.MonkeyPatch, state: str
) -> None:
    code = room.open_input()
    if state == "unknown":
        code = "ZZZZ2222"
    with write_session(room.engine) as session:
        meeting = session.get(m.Meeting, room.meeting_id)
        assert meeting is not None
        if state == "closed":
            meeting.input_closed_at = datetime.now(UTC)
        if state == "expired":
            meeting.input_open_until = datetime.now(UTC) - timedelta(minutes=1)
        session.add(meeting)
    app = open_page(monkeypatch, room.url, "pages/feedback.py", signed_in=False, params={"code": code})
    expected = "tidak dikenal" if state == "unknown" else "sudah ditutup"
    assert any(expected in error.value for error in app.error)
    assert not [w for w in app.text_input if w.key == "live-organisation"], "no check-in form"
    with read_session(room.engine) as session:
        assert session.exec(select(func.count()).select_from(m.MeetingParticipant)).one() == 0


def test_the_regency_agency_presents_its_compliance_summary(
    demo_sqlite_url: str, demo_accounts: DemoAccounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui, "page_guard", lambda: None)
    with read_session(engine_for(demo_sqlite_url)) as session:
        rakor = session.exec(select(m.Meeting).where(m.Meeting.kind == m.MeetingKind.RAKOR)).first()
        assert rakor is not None and rakor.id is not None
        framework = session.exec(
            select(m.Framework).where(m.Framework.regency_id == rakor.regency_id)
        ).first()
        assert framework is not None
    app = open_page(
        monkeypatch,
        demo_sqlite_url,
        "pages/present.py",
        viewer=demo_accounts.kukar,
        params={"meeting": str(rakor.id)},
    )
    app.button(key="live-next").click().run()
    assert app.title[0].value == "Kepatuhan poin koordinasi"
    assert framework.name in [caption.value for caption in app.caption]
    assert [metric.label for metric in app.metric][:1] == ["Sel terpenuhi"]
    app.button(key="live-next").click().run()
    assert app.title[0].value == "Harapan dan masukan"
    assert app.button(key="live-next").disabled, "the wall is the last slide"


def test_signed_out_visitors_get_the_login_form_instead_of_the_presenter(
    room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    room.open_input()
    app = open_page(
        monkeypatch, room.url, "pages/present.py", signed_in=False, params={"meeting": str(room.meeting_id)}
    )
    assert app.text_input(key="login-username") is not None
    assert not app.metric and not [b for b in app.button if b.key == "live-next"]


def test_the_public_form_speaks_english_on_request(room: Room, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_page(
        monkeypatch, room.url, "pages/feedback.py", signed_in=False, lang="en", params={"code": "ZZZZ2222"}
    )
    assert app.title[0].value == "Expectations and input"
    assert [error.value for error in app.error] == [translate("live.error.code_unknown", "en")]
    code = room.open_input()
    app = open_page(
        monkeypatch, room.url, "pages/feedback.py", signed_in=False, lang="en", params={"code": code}
    )
    assert app.text_input(key="live-organisation").label == "Organisation, group or agency"

"""The presenter page and the public form through AppTest: who may present, opening input, checking
in and sending input from the form, refusals with a clear message."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func
from sqlmodel import col, select
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

import models as m
from sinergi import ui
from sinergi.core.access import Viewer
from sinergi.core.db import engine_for, read_session, write_session
from sinergi.i18n.texts import translate
from sinergi.writes import live
from tests.apptest import open_page
from tests.conftest import DemoAccounts
from tests.factories import make_account, make_company, make_meeting, make_organisation, make_program


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

    def check_in(self, code: str, organisation: str, *, name: str = "") -> str:
        """A phone of a community group checked in with ``code``; its device token."""
        with write_session(self.engine) as session:
            return live.check_in(
                session=session,
                code=code,
                now=datetime.now(UTC),
                org_type="community_group",
                organisation_name=organisation,
                name=name,
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


def test_the_organiser_runs_the_meeting_from_the_console_and_the_room_follows(
    room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    console = open_page(monkeypatch, room.url, "pages/console.py", viewer=room.organiser)
    assert console.title[0].value == "Konsol presenter FGD"
    console.button[0].click().run()
    assert console.query_params["meeting"] == str(room.meeting_id)
    assert console.title[0].value == "FGD Bank Sampah"
    assert console.button(key="live-prev").disabled
    console.button(key="live-open").click().run()
    with read_session(room.engine) as session:
        meeting = session.get(m.Meeting, room.meeting_id)
        assert meeting is not None and meeting.input_code is not None
    assert any(meeting.input_code in success.value for success in console.success)

    def audience() -> AppTest:
        return open_page(
            monkeypatch,
            room.url,
            "pages/present.py",
            viewer=room.organiser,
            params={"meeting": str(room.meeting_id)},
        )

    room_view = audience()
    assert room_view.title[0].value == "FGD Bank Sampah"
    assert [html.proto.body for html in room_view.get("html") if meeting.input_code in html.proto.body]
    console.button(key="live-next").click().run()
    assert any("Program: Bank Sampah Margasari" in text.value for text in console.markdown)
    assert audience().title[0].value == "Bank Sampah Margasari", "the room sees the console's slide"
    # The audience view has nothing to drive or moderate with.
    assert not [b for b in room_view.button if b.key and b.key.startswith("live-")]

    console.button(key="live-slide-0").click().run()
    console.button(key="live-close").click().run()
    with read_session(room.engine) as session:
        closed = session.get(m.Meeting, room.meeting_id)
        assert closed is not None and closed.input_closed_at is not None and closed.live_slide == 0
    closed_view = audience()
    assert any("sudah ditutup" in info.value for info in closed_view.info), "closed, not 'not yet open'"
    assert not any("belum dibuka" in info.value for info in closed_view.info)


def test_the_audience_view_shows_approved_items_only_and_the_console_fixes_and_merges(
    room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = room.open_input()
    now = datetime.now(UTC)
    device = room.check_in(code, "Kelompok Mariojela", name="Bu Sari")
    texts = ["Pelatihan pemasaran daring", "Pelatihan pemasaran darng", "RAHASIA belum disetujui"]
    for n, text in enumerate(texts):
        with write_session(room.engine) as session:
            live.submit_input(
                session=session,
                code=code,
                device_token=device,
                now=now,
                kind="suggestion",
                text=text,
                submission_key=f"k{n}",
            )
    first, typo, secret = (int(item.id or 0) for item in room.stored())
    with write_session(room.engine) as session:
        live.moderate(
            session=session, viewer=room.organiser, item_ids=[first], moderation="approved", now=now
        )
        live.show_slide(session=session, viewer=room.organiser, meeting_id=room.meeting_id, slide=2, now=now)
    console = open_page(
        monkeypatch,
        room.url,
        "pages/console.py",
        viewer=room.organiser,
        params={"meeting": str(room.meeting_id)},
    )
    console.selectbox(key=f"live-merge-into-{typo}").set_value(first)
    console.button(key=f"live-merge-{typo}").click().run()
    console.text_area(key=f"live-correct-text-{secret}").input("Mohon pendampingan usaha")
    console.button(key=f"live-correct-{secret}").click().run()
    stored = {item.id: item for item in room.stored()}
    assert (stored[typo].merged_into_id, stored[typo].moderation) == (first, "hidden")
    assert (stored[secret].text, stored[secret].original_text) == ("Mohon pendampingan usaha", texts[2])
    assert stored[secret].moderation == "pending", "fixed, still waiting for approval"

    wall = open_page(
        monkeypatch,
        room.url,
        "pages/present.py",
        viewer=room.organiser,
        params={"meeting": str(room.meeting_id)},
    )
    shown = " ".join(element.value for element in [*wall.markdown, *wall.caption])
    assert wall.title[0].value == "Harapan dan masukan"
    assert texts[0] in shown and "+1 masukan serupa" in shown
    assert "RAHASIA" not in shown and "pendampingan" not in shown and texts[1] not in shown


def test_a_participant_checks_in_and_sends_input_without_an_account(
    room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Registered as attending, so the form offers it (a name typed anew is tested in Chromium: the
    # test client cannot type into a choice).
    organisation = make_organisation(room.engine, name="Kelompok Mariojela")
    with write_session(room.engine) as session:
        session.add(
            m.MeetingAttendance(meeting_id=room.meeting_id, organisation_id=organisation, head_count=1)
        )
        session.get(m.Meeting, room.meeting_id).attendee_count = 2  # type: ignore[union-attr]
    code = room.open_input()
    app = open_page(
        monkeypatch, room.url, "pages/feedback.py", signed_in=False, params={"code": code.lower()}
    )
    assert app.selectbox(key="live-organisation").options == ["Kelompok Mariojela"]
    assert app.title[0].value == "Harapan dan masukan"
    assert app.selectbox(key="live-organisation").value is None
    assert app.selectbox(key="live-org-type").proto.placeholder == "Pilih…"

    app.selectbox(key="live-organisation").set_value("Kelompok Mariojela")
    app.button[0].click().run()
    assert any("jenis" in error.value.lower() for error in app.error), "the type is missing"
    assert app.selectbox(key="live-organisation").value == "Kelompok Mariojela", "what was typed stays"

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
    assert not [w for w in app.selectbox if w.key == "live-organisation"], "no check-in form"
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
    params = {"meeting": str(rakor.id)}
    console = open_page(
        monkeypatch, demo_sqlite_url, "pages/console.py", viewer=demo_accounts.kukar, params=params
    )
    console.button(key="live-next").click().run()
    app = open_page(
        monkeypatch, demo_sqlite_url, "pages/present.py", viewer=demo_accounts.kukar, params=params
    )
    assert app.title[0].value == "Kepatuhan poin koordinasi"
    assert framework.name in [caption.value for caption in app.caption]
    assert [metric.label for metric in app.metric][:1] == ["Sel terpenuhi"]
    # The matrix names every company of the framework against each point, coloured by its status.
    [matrix] = app.get("vega_lite_chart")
    spec = json.loads(matrix.proto.spec)
    cells = spec["layer"][0]["data"]["values"]
    with read_session(engine_for(demo_sqlite_url)) as session:
        companies = session.exec(
            select(m.Company.name)
            .join(m.FrameworkParticipation, col(m.FrameworkParticipation.company_id) == col(m.Company.id))
            .where(m.FrameworkParticipation.framework_id == framework.id)
        ).all()
    assert {cell["company"] for cell in cells} == set(companies)
    assert spec["config"]["axis"]["labelFontSize"] >= 24
    console.button(key="live-next").click().run()
    app = open_page(
        monkeypatch, demo_sqlite_url, "pages/present.py", viewer=demo_accounts.kukar, params=params
    )
    assert app.title[0].value == "Harapan dan masukan"
    assert console.button(key="live-next").disabled, "the wall is the last slide"


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
    assert app.selectbox(key="live-organisation").label == "Organisation, group or agency"


def test_the_console_matches_a_typed_organisation_to_a_registered_one(
    room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered = make_organisation(room.engine, name="Kelompok Tani Sumber Rejeki")
    code = room.open_input()
    for typed in ("Klp Tani Sbr Rejeki", "Paguyuban Nelayan Pesisir"):
        room.check_in(code, typed)
    console = open_page(
        monkeypatch,
        room.url,
        "pages/console.py",
        viewer=room.organiser,
        params={"meeting": str(room.meeting_id)},
    )
    choice = console.selectbox(key="live-match-Klp Tani Sbr Rejeki")
    assert choice.label == "Klp Tani Sbr Rejeki (1 peserta)"
    assert "Kelompok Tani Sumber Rejeki" in choice.options
    choice.set_value(registered).run()
    console.button(key="live-match-button-Klp Tani Sbr Rejeki").click().run()
    assert not console.error
    with read_session(room.engine) as session:
        assert session.exec(
            select(m.MeetingParticipant.organisation_name, m.MeetingParticipant.organisation_id).order_by(
                col(m.MeetingParticipant.id)
            )
        ).all() == [("Klp Tani Sbr Rejeki", registered), ("Paguyuban Nelayan Pesisir", None)]
        attendance = session.get(m.MeetingAttendance, (room.meeting_id, registered))
        assert attendance is not None and attendance.head_count == 1
    assert [box.key for box in console.selectbox if (box.key or "").startswith("live-match-")] == [
        "live-match-Paguyuban Nelayan Pesisir"
    ], "the matched name is gone"
    # The choice made for the matched name does not pass to the name now first in the list.
    assert console.selectbox(key="live-match-Paguyuban Nelayan Pesisir").value is None


def test_a_vote_is_opened_on_the_console_spent_from_a_phone_shown_to_the_room_and_followed_up(
    room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = room.open_input()
    device = room.check_in(code, "KT")
    params = {"meeting": str(room.meeting_id)}
    console = open_page(monkeypatch, room.url, "pages/console.py", viewer=room.organiser, params=params)
    console.text_input(key="vote-question").input("Program mana untuk 2027?")
    console.toggle(key="vote-own-list").set_value(True)
    console.run()
    console.text_area(key="vote-options").input("Bank sampah\nSekolah lapang\nAir bersih")
    console.button(key="vote-open").click().run()
    assert not console.error
    with read_session(room.engine) as session:
        [vote] = session.exec(select(m.Vote)).all()
        options = {o.label: o.id for o in session.exec(select(m.VoteOption)).all()}
    assert (vote.question, vote.dots) == ("Program mana untuk 2027?", 3)

    phone = open_page(
        monkeypatch, room.url, "pages/feedback.py", signed_in=False, params={"code": code, "device": device}
    )
    assert phone.subheader[0].value == "Prioritas bersama"
    phone.number_input(key=f"vote-{vote.id}-{options['Air bersih']}").set_value(2)
    phone.number_input(key=f"vote-{vote.id}-{options['Bank sampah']}").set_value(1)
    phone.button[0].click().run()
    assert any("Titik Anda tersimpan (3)" in success.value for success in phone.success)
    phone.number_input(key=f"vote-{vote.id}-{options['Sekolah lapang']}").set_value(3)
    phone.button[0].click().run()
    assert [error.value for error in phone.error] == [translate("vote.error.too_many_dots", "id", dots=3)]

    console.button(key="live-slide-2").click().run()  # welcome, the program, the vote, the wall
    room_view = open_page(monkeypatch, room.url, "pages/present.py", viewer=room.organiser, params=params)
    assert room_view.title[0].value == "Program mana untuk 2027?"
    [chart] = room_view.get("vega_lite_chart")
    values = json.loads(chart.proto.spec)["layer"][0]["data"]["values"]
    assert [(v["option"], v["dots"]) for v in values][:2] == [("Air bersih", 2), ("Bank sampah", 1)]

    console = open_page(monkeypatch, room.url, "pages/console.py", viewer=room.organiser, params=params)
    console.button(key="vote-close").click().run()
    console.text_input(key=f"vote-owner-{options['Air bersih']}").input("Dinas PU")
    console.button(key=f"vote-action-{options['Air bersih']}").click().run()
    assert not console.error
    with read_session(room.engine) as session:
        [action] = session.exec(select(m.FollowUpAction)).all()
        assert (action.description, action.owner, action.program_id) == (
            "Air bersih",
            "Dinas PU",
            room.program_id,
        )
    # The closed vote is what the room decided: the engagement page lists it.
    engagement_page = open_page(monkeypatch, room.url, "pages/engagement.py", viewer=room.organiser)
    assert any("Program mana untuk 2027?" in text.value for text in engagement_page.markdown)


def path_of(page: AppTest, text: str) -> tuple[int, ...]:
    """Where the caption showing ``text`` sits: its place in each part of the page that holds it."""

    def search(block: Block, path: tuple[int, ...]) -> tuple[int, ...] | None:
        for place, node in block.children.items():
            if isinstance(node, Block):
                if (found := search(node, (*path, place))) is not None:
                    return found
            elif node.type == "caption" and text in node.value:
                return (*path, place)
        return None

    found = search(page.main, ())
    assert found is not None, f"nothing shows {text!r}"
    return found


def test_the_phone_count_keeps_its_place_whether_a_confirmation_shows_or_not(
    room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count refreshes on its own, and Streamlit knows such a part by its place: moved by a message
    that shows or not, a phone could be sent the count for a place its page does not have, and the page
    breaks ("Bad delta path index", seen with a hall of phones)."""
    code = room.open_input()
    device = room.check_in(code, "Kelompok Mariojela")
    phone = open_page(
        monkeypatch, room.url, "pages/feedback.py", signed_in=False, params={"code": code, "device": device}
    )
    phone.text_area(key="live-text").input("Mohon pelatihan pemasaran daring")
    phone.button[0].click().run()
    assert phone.success, "the confirmation shows"
    with_message = path_of(phone, "Anda sudah mengirim 1 masukan.")
    phone.run()
    assert not phone.success, "and shows once"
    assert path_of(phone, "Anda sudah mengirim 1 masukan.") == with_message


def test_the_console_timer_keeps_its_place_on_the_last_slide(
    room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timer refreshes every second, and Streamlit knows it by its place: the line naming the next
    slide above it is gone on the last one, and had that moved the timer, the console could be sent it
    for a place it no longer has, which breaks the page."""
    params = {"meeting": str(room.meeting_id)}
    console = open_page(monkeypatch, room.url, "pages/console.py", viewer=room.organiser, params=params)
    slides = [button.key for button in console.button if button.key and button.key.startswith("live-slide-")]
    assert len(slides) > 2
    console.button(key=slides[1]).click().run()
    assert any("Berikutnya" in caption.value for caption in console.caption), "the next slide is named"
    on_first = path_of(console, "Di slide ini")
    console.button(key=slides[-1]).click().run()
    assert console.button(key="live-next").disabled, "the last slide"
    assert path_of(console, "Di slide ini") == on_first


def test_a_phone_counts_what_it_sent_as_stored_and_a_resend_counts_once(
    room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = room.open_input()
    device = room.check_in(code, "Kelompok Mariojela")
    params = {"code": code, "device": device}
    phone = open_page(monkeypatch, room.url, "pages/feedback.py", signed_in=False, params=params)
    sent = "Anda sudah mengirim 1 masukan."
    phone.text_area(key="live-text").input("Mohon pelatihan pemasaran daring")
    phone.button[0].click().run()
    assert any("Terima kasih" in s.value for s in phone.success)
    assert sent in [caption.value for caption in phone.caption]

    # A page that did not show it as sent still holds the text, and is sent again: stored once.
    phone.text_area(key="live-text").input("Mohon pelatihan pemasaran daring")
    phone.button[0].click().run()
    assert any("Terima kasih" in s.value for s in phone.success)
    assert sent in [caption.value for caption in phone.caption]
    assert [item.text for item in room.stored()] == ["Mohon pelatihan pemasaran daring"]

    # The page opened anew (a reload, a lost connection) counts what the phone sent.
    again = open_page(monkeypatch, room.url, "pages/feedback.py", signed_in=False, params=params)
    assert sent in [caption.value for caption in again.caption]
    assert not again.success, "the confirmation shows once, where it was sent"

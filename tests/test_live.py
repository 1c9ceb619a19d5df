"""FGD live mode in the data layer: input codes, check-in, inputs, rate limit, moderation, the wall,
and who may run a meeting; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

import models as m
from sinergi.core.access import AccessDenied, Viewer
from sinergi.core.db import read_session, write_session
from sinergi.i18n.texts import TEXTS
from sinergi.reads import engagement
from sinergi.reads.filters import Filters
from sinergi.reports.meeting import summary_pdf, summary_xlsx
from sinergi.writes import entry, live
from tests.factories import make_account, make_company, make_meeting, make_organisation, make_program

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@dataclass
class World:
    engine: Engine
    meeting_id: int
    program_id: int
    other_program_id: int
    organisation_id: int
    admin: Viewer
    organiser: Viewer
    other_company: Viewer
    agency: Viewer
    other_agency: Viewer
    reader: Viewer

    def run(self, action: Callable[[Session], Any]) -> Any:
        with write_session(self.engine) as session:
            return action(session)

    def read(self, action: Callable[[Session], Any]) -> Any:
        with read_session(self.engine) as session:
            return action(session)

    def open(self, viewer: Viewer | None = None, *, now: datetime = NOW, hours: int = 3) -> str:
        code: str = self.run(
            lambda s: live.open_input(
                session=s,
                viewer=viewer or self.organiser,
                meeting_id=self.meeting_id,
                now=now,
                open_until=now + timedelta(hours=hours),
            )
        )
        return code

    def check_in(self, code: str, *, now: datetime = NOW, organisation: str = "Kelompok Mariojela") -> str:
        token: str = self.run(
            lambda s: live.check_in(
                session=s,
                code=code,
                now=now,
                org_type=m.OrgType.COMMUNITY_GROUP,
                organisation_name=organisation,
                name="Ibu Sari",
            )
        )
        return token

    def send(self, code: str, token: str, text: str, *, now: datetime = NOW, key: str | None = None) -> int:
        item_id: int = self.run(
            lambda s: live.submit_input(
                session=s,
                code=code,
                device_token=token,
                now=now,
                kind=m.FeedbackKind.EXPECTATION,
                text=text,
                program_id=self.program_id,
                submission_key=key,
            )
        )
        return item_id

    def items(self) -> list[m.FeedbackItem]:
        return list(
            self.read(
                lambda s: s.exec(
                    select(m.FeedbackItem)
                    .where(m.FeedbackItem.meeting_id == self.meeting_id)
                    .order_by(col(m.FeedbackItem.id))
                ).all()
            )
        )

    def audit(self, action: str) -> list[m.AuditLog]:
        return list(self.read(lambda s: s.exec(select(m.AuditLog).where(m.AuditLog.action == action)).all()))


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


def build_world(engine: Engine) -> World:
    """A meeting of a company in Kutai Kartanegara, its programs, and one account per role."""
    with write_session(engine) as session:
        session.add_all([m.Regency(name="Kabupaten Kutai Kartanegara"), m.Regency(name="Kota Balikpapan")])
        session.flush()
        regency_id = session.exec(
            select(m.Regency.id).where(m.Regency.name == "Kabupaten Kutai Kartanegara")
        ).one()
    organiser_company = make_company(engine, name="PT Penyelenggara")
    make_company(engine, name="PT Lain")
    program_id = make_program(engine, company_id=organiser_company, name="Bank Sampah")
    other_program_id = make_program(engine, company_id=organiser_company, name="Program Lain")
    meeting_id = make_meeting(engine, company_id=organiser_company, regency_id=regency_id, attendee_count=5)
    with write_session(engine) as session:
        session.add(m.MeetingProgram(meeting_id=meeting_id, program_id=program_id))
    return World(
        engine=engine,
        meeting_id=meeting_id,
        program_id=program_id,
        other_program_id=other_program_id,
        organisation_id=make_organisation(
            engine, name="Kelompok Mariojela", org_type=m.OrgType.COMMUNITY_GROUP
        ),
        admin=make_account(engine, username="admin", role="admin"),
        organiser=make_account(engine, username="csr", role="company", company="PT Penyelenggara"),
        other_company=make_account(engine, username="lain", role="company", company="PT Lain"),
        agency=make_account(engine, username="bappeda", role="agency", regency="Kabupaten Kutai Kartanegara"),
        other_agency=make_account(engine, username="bpp", role="agency", regency="Kota Balikpapan"),
        reader=make_account(engine, username="pembaca", role="viewer"),
    )


@pytest.mark.parametrize("who", ["admin", "organiser", "agency"])
def test_admin_organiser_and_regency_agency_run_the_meeting(world: World, who: str) -> None:
    code = world.open(getattr(world, who))
    assert len(code) == live.CODE_LENGTH and set(code) <= set(live.CODE_ALPHABET)
    meeting = world.read(
        lambda s: live.live_meeting(session=s, viewer=getattr(world, who), meeting_id=world.meeting_id)
    )
    assert meeting.code == code and meeting.is_open(NOW)
    assert meeting.programs == ((world.program_id, "Bank Sampah"),)
    [opened] = world.audit("open_input")
    assert opened.entity_id == world.meeting_id


@pytest.mark.parametrize("who", ["other_company", "other_agency", "reader"])
def test_others_may_not_open_moderate_or_read_the_wall(world: World, who: str) -> None:
    viewer: Viewer = getattr(world, who)
    with pytest.raises(AccessDenied):
        world.open(viewer)
    assert world.read(lambda s: s.get(m.Meeting, world.meeting_id)).input_code is None, "nothing changed"
    code = world.open()
    item_id = world.send(code, world.check_in(code), "Mohon pelatihan")
    with pytest.raises(AccessDenied):
        world.run(
            lambda s: live.moderate(
                session=s, viewer=viewer, item_ids=[item_id], moderation="approved", now=NOW
            )
        )
    assert world.items()[0].moderation == "pending"
    queries: list[Callable[..., Any]] = [
        live.wall_items,
        live.pending_items,
        live.live_counts,
        live.live_meeting,
    ]
    for query in queries:
        with pytest.raises(AccessDenied), read_session(world.engine) as session:
            query(session=session, viewer=viewer, meeting_id=world.meeting_id)
    with pytest.raises(AccessDenied):
        world.run(lambda s: live.close_input(session=s, viewer=viewer, meeting_id=world.meeting_id, now=NOW))
    assert world.read(lambda s: live.meeting_for_code(session=s, code=code, now=NOW)).id == world.meeting_id
    refused = world.audit("refused")
    assert len(refused) == 7 and {r.user_id for r in refused} == {viewer.user_id}
    assert world.read(lambda s: live.runnable_meetings(session=s, viewer=viewer)) == []


def test_runnable_meetings_are_those_of_the_company_or_regency(world: World) -> None:
    for viewer in (world.admin, world.organiser, world.agency):
        with read_session(world.engine) as session:
            found = live.runnable_meetings(session=session, viewer=viewer)
        assert [meeting_id for meeting_id, _, _ in found] == [world.meeting_id]


def test_a_participant_checks_in_and_sends_input_that_awaits_moderation(world: World) -> None:
    code = world.open()
    public = world.read(
        lambda s: live.meeting_for_code(session=s, code=f" {code[:4].lower()}-{code[4:]} ", now=NOW)
    )
    assert public.title == "FGD Contoh" and public.programs == ((world.program_id, "Bank Sampah"),)
    token = world.check_in(code)
    item_id = world.send(code, token, "  Mohon pelatihan pemasaran daring.  ")
    [item] = world.items()
    assert item.id == item_id
    assert (item.kind, item.status, item.moderation) == ("expectation", "open", "pending")
    assert (item.text, item.speaker, item.source_type) == (
        "Mohon pelatihan pemasaran daring.",
        "Ibu Sari",
        "community_group",
    )
    assert item.organisation_id == world.organisation_id and item.program_id == world.program_id


def test_check_in_feeds_the_head_count_and_attendance(world: World) -> None:
    code = world.open()
    world.check_in(code)
    world.check_in(code, organisation="kelompok mariojela")
    world.check_in(code, organisation="Warga RT 05")
    meeting = world.read(lambda s: s.get(m.Meeting, world.meeting_id))
    assert meeting.attendee_count == 5 + 3
    attendance = world.read(lambda s: s.get(m.MeetingAttendance, (world.meeting_id, world.organisation_id)))
    assert attendance.head_count == 2
    counts = world.read(
        lambda s: live.live_counts(session=s, viewer=world.organiser, meeting_id=world.meeting_id)
    )
    assert (counts.checked_in, counts.attendee_count) == (3, 8)


@pytest.mark.parametrize(
    "fields",
    [
        {"org_type": "aliens", "organisation_name": "X"},
        {"org_type": "media", "organisation_name": "   "},
        {"org_type": "media", "organisation_name": "X" * (live.MAX_NAME + 1)},
        {"org_type": "media", "organisation_name": "Koran", "name": "N" * (live.MAX_NAME + 1)},
    ],
    ids=["type", "no-organisation", "long-organisation", "long-name"],
)
def test_bad_check_in_is_refused_and_counts_nobody(world: World, fields: dict[str, str]) -> None:
    code = world.open()
    with pytest.raises(live.InvalidCheckIn):
        world.run(lambda s: live.check_in(session=s, code=code, now=NOW, **fields))
    assert world.read(lambda s: s.get(m.Meeting, world.meeting_id)).attendee_count == 5
    assert world.read(lambda s: s.exec(select(func.count()).select_from(m.MeetingParticipant)).one()) == 0


def test_a_closed_code_and_an_expired_code_are_refused(world: World) -> None:
    code = world.open(hours=2)
    token = world.check_in(code)
    world.run(
        lambda s: live.close_input(session=s, viewer=world.agency, meeting_id=world.meeting_id, now=NOW)
    )
    with pytest.raises(live.InputClosed):
        world.read(lambda s: live.meeting_for_code(session=s, code=code, now=NOW))
    with pytest.raises(live.InputClosed):
        world.send(code, token, "terlambat")
    with pytest.raises(live.InputClosed):
        world.check_in(code)

    reopened = world.open()
    assert reopened != code
    with pytest.raises(live.UnknownCode):  # the earlier code is gone for good
        world.read(lambda s: live.meeting_for_code(session=s, code=code, now=NOW))
    token = world.check_in(reopened)
    world.send(reopened, token, "masih sempat", now=NOW + timedelta(hours=2, minutes=59))
    with pytest.raises(live.InputClosed):  # the meeting's end has passed
        world.send(reopened, token, "sudah lewat", now=NOW + timedelta(hours=3))
    for unknown in ("", "ZZZZZZZZ", "x" * 100):
        with pytest.raises(live.UnknownCode), read_session(world.engine) as session:
            live.meeting_for_code(session=session, code=unknown, now=NOW)
    assert [item.text for item in world.items()] == ["masih sempat"]
    assert len(world.audit("close_input")) == 1


@pytest.mark.parametrize("hours", [0, -1, live.MAX_OPEN_HOURS + 1])
def test_input_must_close_within_a_day(world: World, hours: int) -> None:
    with pytest.raises(live.BadOpenUntil):
        world.open(hours=hours)
    assert world.read(lambda s: s.get(m.Meeting, world.meeting_id)).input_code is None


def test_inputs_are_checked_before_they_are_stored(world: World) -> None:
    code = world.open()
    token = world.check_in(code)
    world.send(code, token, "x" * live.MAX_INPUT_TEXT)
    for text in ("", "   ", "x" * (live.MAX_INPUT_TEXT + 1)):
        with pytest.raises(live.InvalidInput):
            world.send(code, token, text)
    with pytest.raises(live.InvalidInput):  # a program the meeting does not discuss
        world.run(
            lambda s: live.submit_input(
                session=s,
                code=code,
                device_token=token,
                now=NOW,
                kind="suggestion",
                text="ok",
                program_id=world.other_program_id,
            )
        )
    with pytest.raises(live.InvalidInput):
        world.run(
            lambda s: live.submit_input(
                session=s, code=code, device_token=token, now=NOW, kind="gossip", text="ok"
            )
        )
    with pytest.raises(live.NotCheckedIn):
        world.send(code, "not-a-device", "halo")
    assert len(world.items()) == 1


def test_the_same_form_sent_twice_is_stored_once(world: World) -> None:
    code = world.open()
    token = world.check_in(code)
    first = world.send(code, token, "sekali saja", key="form-1")
    assert world.send(code, token, "sekali saja", key="form-1") == first
    # A phone whose page did not show it as sent, sent again as a new form: still once.
    assert world.send(code, token, " sekali saja ", key="form-2", now=NOW + timedelta(minutes=2)) == first
    assert len(world.items()) == 1
    assert world.read(lambda s: live.inputs_sent(session=s, device_token=token)) == 1
    # Said again later, or something else, it is new.
    world.send(code, token, "sekali saja", key="form-3", now=NOW + live.RESEND_WINDOW + timedelta(seconds=1))
    world.send(code, token, "lain lagi", key="form-4", now=NOW + timedelta(minutes=2))
    other = world.check_in(code)
    world.send(code, other, "sekali saja", key="form-5")
    assert len(world.items()) == 4
    assert world.read(lambda s: live.inputs_sent(session=s, device_token=token)) == 3
    assert world.read(lambda s: live.inputs_sent(session=s, device_token="")) == 0


def test_a_device_that_sends_too_fast_is_slowed_down(world: World) -> None:
    code = world.open()
    token, other = world.check_in(code), world.check_in(code)
    for n in range(live.RATE.max_items):
        world.send(code, token, f"masukan {n}", now=NOW + timedelta(seconds=n))
    with pytest.raises(live.TooFast) as refused:
        world.send(code, token, "satu lagi", now=NOW + timedelta(seconds=30))
    # The first input leaves the window a minute after it was sent.
    assert refused.value.values["seconds"] == 31
    world.send(code, other, "perangkat lain tidak terhambat", now=NOW + timedelta(seconds=30))
    world.send(code, token, "sudah boleh lagi", now=NOW + timedelta(seconds=61))
    assert len(world.items()) == live.RATE.max_items + 2


def check_in_from(world: World, code: str, address: str, *, now: datetime = NOW) -> str:
    token: str = world.run(
        lambda s: live.check_in(
            session=s, code=code, now=now, org_type="media", organisation_name="Koran Kaltim", address=address
        )
    )
    return token


def send_from(world: World, code: str, token: str, address: str, *, now: datetime = NOW) -> int:
    text = f"usul {next(_SENT)}"  # each a new input: the same text again from a device is a resend
    item_id: int = world.run(
        lambda s: live.submit_input(
            session=s, code=code, device_token=token, now=now, kind="suggestion", text=text, address=address
        )
    )
    return item_id


_SENT = itertools.count(1)


def test_one_address_cannot_grow_the_head_count_past_its_limit(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SINERGI_LIVE_CHECKINS_PER_ADDRESS", "3")
    code = world.open()
    for _ in range(3):
        check_in_from(world, code, "203.0.113.5")
    with pytest.raises(live.TooManyCheckIns):
        check_in_from(world, code, "203.0.113.5", now=NOW + timedelta(hours=1))
    check_in_from(world, code, "198.51.100.7")
    assert world.read(lambda s: s.get(m.Meeting, world.meeting_id)).attendee_count == 5 + 3 + 1


def test_one_address_is_slowed_down_whatever_devices_it_sends_from(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SINERGI_LIVE_INPUTS_PER_ADDRESS", "4")
    code = world.open()
    tokens = [check_in_from(world, code, "203.0.113.5") for _ in range(4)]
    for token in tokens:
        send_from(world, code, token, "203.0.113.5")
    with pytest.raises(live.TooFast):
        send_from(world, code, tokens[0], "203.0.113.5", now=NOW + timedelta(seconds=10))
    send_from(world, code, tokens[0], "198.51.100.7", now=NOW + timedelta(seconds=10))
    send_from(world, code, tokens[1], "203.0.113.5", now=NOW + timedelta(seconds=61))
    assert len(world.items()) == 6


def test_a_hall_of_phones_behind_one_router_is_not_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The defaults: 48 phones on one Wi-Fi check in and each sends 5 inputs within a minute.
    monkeypatch.delenv("SINERGI_LIVE_CHECKINS_PER_ADDRESS", raising=False)
    monkeypatch.delenv("SINERGI_LIVE_INPUTS_PER_ADDRESS", raising=False)
    code = world.open()
    tokens = [check_in_from(world, code, "203.0.113.5") for _ in range(48)]
    for n in range(5):
        for p, token in enumerate(tokens):
            send_from(world, code, token, "203.0.113.5", now=NOW + timedelta(seconds=10 * n + p / 10))
    assert len(world.items()) == 48 * 5


def test_guessing_codes_from_one_address_is_refused_before_looking(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SINERGI_LIVE_CODE_MISSES_PER_ADDRESS", "3")
    code = world.open()
    for _ in range(3):
        world.run(lambda s: live.note_code_miss(session=s, address="203.0.113.5", now=NOW))
    with pytest.raises(live.TooManyCodes):
        world.read(lambda s: live.meeting_for_code(session=s, code=code, now=NOW, address="203.0.113.5"))
    elsewhere = world.read(lambda s: live.meeting_for_code(session=s, code=code, now=NOW, address="10.0.0.9"))
    assert elsewhere.id == world.meeting_id
    later = NOW + live.CODE_MISS_WINDOW + timedelta(seconds=1)
    assert world.read(lambda s: live.meeting_for_code(session=s, code=code, now=later, address="203.0.113.5"))


def test_a_device_keeps_its_check_in(world: World) -> None:
    code = world.open()
    token = world.check_in(code)
    assert world.read(lambda s: live.device_checked_in(session=s, code=code, device_token=token, now=NOW))
    assert not world.read(lambda s: live.device_checked_in(session=s, code=code, device_token="x", now=NOW))
    assert not world.read(lambda s: live.device_checked_in(session=s, code=code, device_token="", now=NOW))


def test_moderation_decides_what_the_wall_shows_and_counts(world: World) -> None:
    code = world.open()
    token = world.check_in(code)
    first, second, third = (world.send(code, token, text) for text in ("satu", "dua", "<script>x</script>"))
    pending = world.read(
        lambda s: live.pending_items(session=s, viewer=world.agency, meeting_id=world.meeting_id)
    )
    assert list(pending["text"]) == ["satu", "dua", "<script>x</script>"]
    changed = world.run(
        lambda s: live.moderate(
            session=s, viewer=world.organiser, item_ids=[first, second], moderation="approved", now=NOW
        )
    )
    world.run(
        lambda s: live.moderate(
            session=s, viewer=world.agency, item_ids=[third], moderation="hidden", now=NOW
        )
    )
    assert changed == 2
    wall = world.read(
        lambda s: live.wall_items(session=s, viewer=world.organiser, meeting_id=world.meeting_id)
    )
    assert set(wall["text"]) == {"satu", "dua"}
    assert set(wall["organisation"]) == {"Kelompok Mariojela"} and set(wall["program"]) == {"Bank Sampah"}
    counts = world.read(
        lambda s: live.live_counts(session=s, viewer=world.admin, meeting_id=world.meeting_id)
    )
    assert (counts.received, counts.pending, counts.approved) == (3, 0, 2)
    assert dict(counts.by_kind)["expectation"] == 2 and dict(counts.by_org_type) == {"community_group": 2}
    moderated = world.audit("moderate")
    assert len(moderated) == 3 and json.loads(moderated[-1].after) == {"moderation": "hidden"}


def test_the_console_sets_the_slide_every_audience_view_follows(world: World) -> None:
    later = NOW + timedelta(minutes=5)
    world.run(
        lambda s: live.show_slide(
            session=s, viewer=world.agency, meeting_id=world.meeting_id, slide=2, now=later
        )
    )
    meeting = world.read(
        lambda s: live.live_meeting(session=s, viewer=world.admin, meeting_id=world.meeting_id)
    )
    assert (meeting.slide, meeting.slide_at) == (2, later)
    [shown] = world.audit("show_slide")
    assert json.loads(shown.after) == {"slide": 2} and shown.user_id == world.agency.user_id
    for viewer in (world.other_company, world.other_agency, world.reader):
        with pytest.raises(AccessDenied), write_session(world.engine) as session:
            live.show_slide(session=session, viewer=viewer, meeting_id=world.meeting_id, slide=0, now=later)
    assert world.read(lambda s: s.get(m.Meeting, world.meeting_id)).live_slide == 2, "nothing changed"


def test_a_typo_is_fixed_with_the_sent_text_kept_and_a_duplicate_merged(world: World) -> None:
    code = world.open()
    token = world.check_in(code)
    kept, duplicate, again, typo = (
        world.send(code, token, text)
        for text in ("Pelatihan daring", "pelatihan daring", "Pelatihan online", "Bnak")
    )
    approve = [kept]
    world.run(
        lambda s: live.moderate(
            session=s, viewer=world.organiser, item_ids=approve, moderation="approved", now=NOW
        )
    )
    world.run(
        lambda s: live.merge_items(
            session=s, viewer=world.organiser, keep_id=duplicate, duplicate_ids=[again], now=NOW
        )
    )
    merged = world.run(
        lambda s: live.merge_items(
            session=s, viewer=world.organiser, keep_id=kept, duplicate_ids=[duplicate], now=NOW
        )
    )
    assert merged == 1
    items = {item.id: item for item in world.items()}
    assert {items[duplicate].merged_into_id, items[again].merged_into_id} == {kept}, "merged ones follow"
    assert items[duplicate].moderation == items[again].moderation == "hidden"
    wall = world.read(
        lambda s: live.wall_items(session=s, viewer=world.organiser, meeting_id=world.meeting_id)
    )
    assert list(zip(wall["text"], wall["duplicates"], strict=True)) == [("Pelatihan daring", 2)]

    world.run(
        lambda s: live.correct_item(session=s, viewer=world.agency, item_id=typo, text=" Bank ", now=NOW)
    )
    fixed = world.read(lambda s: s.get(m.FeedbackItem, typo))
    assert (fixed.text, fixed.original_text, fixed.moderation) == ("Bank", "Bnak", "pending")
    world.run(
        lambda s: live.correct_item(session=s, viewer=world.agency, item_id=typo, text="Bank sampah", now=NOW)
    )
    assert world.read(lambda s: s.get(m.FeedbackItem, typo)).original_text == "Bnak", "the first text stays"
    for bad in ("", "   ", "x" * (live.MAX_INPUT_TEXT + 1)):
        with pytest.raises(live.InvalidCorrection), write_session(world.engine) as session:
            live.correct_item(session=session, viewer=world.agency, item_id=typo, text=bad, now=NOW)
    with pytest.raises(live.InvalidMerge):
        world.run(
            lambda s: live.merge_items(
                session=s, viewer=world.organiser, keep_id=kept, duplicate_ids=[kept], now=NOW
            )
        )
    with pytest.raises(live.InvalidMerge):
        world.run(
            lambda s: live.merge_items(
                session=s, viewer=world.organiser, keep_id=duplicate, duplicate_ids=[typo], now=NOW
            )
        )
    for viewer in (world.other_company, world.other_agency, world.reader):
        with pytest.raises(AccessDenied), write_session(world.engine) as session:
            live.correct_item(session=session, viewer=viewer, item_id=typo, text="x", now=NOW)
        with pytest.raises(AccessDenied), write_session(world.engine) as session:
            live.merge_items(session=session, viewer=viewer, keep_id=kept, duplicate_ids=[typo], now=NOW)
    assert world.read(lambda s: s.get(m.FeedbackItem, typo)).text == "Bank sampah", "refused: nothing changed"
    # A merged duplicate approved after all stands on its own again.
    world.run(
        lambda s: live.moderate(
            session=s, viewer=world.organiser, item_ids=[again], moderation="approved", now=NOW
        )
    )
    assert world.read(lambda s: s.get(m.FeedbackItem, again)).merged_into_id is None
    assert [json.loads(row.after)["text"] for row in world.audit("correct")] == ["Bank", "Bank sampah"]
    assert len(world.audit("merge")) == 2


def test_a_typed_organisation_is_kept_and_can_be_matched_to_a_registered_one(world: World) -> None:
    code = world.open()
    token = world.check_in(code, organisation="Klp Tani Sumber Rejeki")
    world.check_in(code, organisation="klp tani sumber rejeki")
    item_id = world.send(code, token, "Mohon pendampingan")
    log = world.read(
        lambda s: engagement.feedback_log(session=s, viewer=world.admin, filters=Filters(), today=NOW.date())
    )
    assert list(log.loc[log["text"] == "Mohon pendampingan", "organisation"]) == ["Klp Tani Sumber Rejeki"]
    typed = world.read(
        lambda s: live.typed_organisations(session=s, viewer=world.organiser, meeting_id=world.meeting_id)
    )
    assert typed == [("Klp Tani Sumber Rejeki", 1), ("klp tani sumber rejeki", 1)]
    for viewer in (world.other_company, world.other_agency, world.reader):
        with pytest.raises(AccessDenied), write_session(world.engine) as session:
            live.match_organisation(
                session=session,
                viewer=viewer,
                meeting_id=world.meeting_id,
                typed="Klp Tani Sumber Rejeki",
                organisation_id=world.organisation_id,
            )
    matched = world.run(
        lambda s: live.match_organisation(
            session=s,
            viewer=world.agency,
            meeting_id=world.meeting_id,
            typed="Klp Tani Sumber Rejeki",
            organisation_id=world.organisation_id,
        )
    )
    assert matched == 2, "the same name however it was capitalised"
    assert world.read(lambda s: s.get(m.FeedbackItem, item_id)).organisation_id == world.organisation_id
    attendance = world.read(lambda s: s.get(m.MeetingAttendance, (world.meeting_id, world.organisation_id)))
    assert attendance is not None and attendance.head_count >= 2
    assert (
        world.read(
            lambda s: live.typed_organisations(session=s, viewer=world.organiser, meeting_id=world.meeting_id)
        )
        == []
    )
    with pytest.raises(live.InvalidMatch), write_session(world.engine) as session:
        live.match_organisation(
            session=session,
            viewer=world.agency,
            meeting_id=world.meeting_id,
            typed="Klp Tani Sumber Rejeki",
            organisation_id=world.organisation_id,
        )
    assert len(world.audit("match_organisation")) == 1


def test_the_wall_shows_the_newest_approved_items_up_to_its_limit(world: World) -> None:
    code = world.open()
    token = world.check_in(code)
    sent = [
        world.send(code, token, text, now=NOW + timedelta(minutes=minute))
        for minute, text in enumerate(("satu", "dua", "tiga", "empat"))
    ]
    world.run(
        lambda s: live.moderate(
            session=s, viewer=world.organiser, item_ids=sent, moderation="approved", now=NOW
        )
    )

    def wall(limit: int) -> list[str]:
        return list(
            world.read(
                lambda s: live.wall_items(
                    session=s, viewer=world.organiser, meeting_id=world.meeting_id, limit=limit
                )
            )["text"]
        )

    assert wall(3) == ["empat", "tiga", "dua"]
    assert wall(live.WALL_LIMIT) == ["empat", "tiga", "dua", "satu"]


def test_after_the_meeting_every_input_is_open_feedback_in_engagement(world: World) -> None:
    code = world.open()
    token = world.check_in(code)
    sent = [world.send(code, token, f"masukan {n}") for n in range(3)]
    world.run(
        lambda s: live.moderate(
            session=s, viewer=world.admin, item_ids=sent[:1], moderation="approved", now=NOW
        )
    )
    world.run(
        lambda s: live.close_input(session=s, viewer=world.organiser, meeting_id=world.meeting_id, now=NOW)
    )
    log = world.read(
        lambda s: engagement.feedback_log(
            session=s, filters=Filters(), viewer=world.organiser, today=date(2026, 11, 23)
        )
    )
    assert sorted(log["text"]) == ["masukan 0", "masukan 1", "masukan 2"]
    assert set(log["status"]) == {"open"}


def test_the_meeting_summary_counts_who_came_and_what_was_said_and_done(world: World) -> None:
    code = world.open()
    token = world.check_in(code)
    world.check_in(code, organisation="Kelompok Tani Baru")
    sent = [world.send(code, token, text) for text in ("Pelatihan daring", "Duplikat", "Pasar desa")]
    world.run(
        lambda s: live.moderate(
            session=s, viewer=world.admin, item_ids=[sent[1]], moderation="hidden", now=NOW
        )
    )

    def decide(session: Session) -> None:
        declined = session.get(m.FeedbackItem, sent[2])
        answered = session.get(m.FeedbackItem, sent[0])
        assert declined is not None and answered is not None
        declined.status, declined.decline_reason = "declined", "Di luar wilayah program"
        action = m.FollowUpAction(
            program_id=world.program_id,
            description="Jadwalkan pelatihan",
            owner="Dinsos",
            due_date=date(2027, 1, 15),
        )
        session.add(action)
        session.flush()
        answered.status, answered.follow_up_id, answered.response = "in_progress", action.id, "Dijadwalkan"
        session.add_all([declined, answered])

    world.run(decide)
    summary = world.read(
        lambda s: engagement.meeting_summary(session=s, viewer=world.agency, meeting_id=world.meeting_id)
    )
    assert summary.checked_in == 2
    # Two phones of two groups nobody registered: counted by the type they chose.
    assert summary.attendance.to_dict("records") == [
        {"org_type": "community_group", "organisations": 2, "head_count": 2}
    ]
    assert sorted(summary.items["text"]) == ["Pasar desa", "Pelatihan daring"], "hidden input left out"
    assert dict(zip(summary.inputs["status"], summary.inputs["items"], strict=True)) == {
        "declined": 1,
        "in_progress": 1,
    }
    assert list(summary.actions["action"]) == ["Jadwalkan pelatihan"]

    pdf = PdfReader(io.BytesIO(summary_pdf(summary, "id")))
    text = " ".join(page.extract_text() for page in pdf.pages)
    for expected in (
        "Ringkasan pertemuan",
        "Pelatihan daring",
        "Ditolak",
        "Di luar wilayah program",
        "Jadwalkan",
    ):
        assert expected in text, expected
    assert "Duplikat" not in text
    book = openpyxl.load_workbook(io.BytesIO(summary_xlsx(summary, "en")))
    assert (
        book.sheetnames
        == ["Attendance by type of organis", "Input by kind and status", "All input", "Follow-up actions"][
            : len(book.sheetnames)
        ]
        or book.sheetnames
    )
    inputs = book[book.sheetnames[1]]
    assert [cell.value for cell in inputs[1]] == ["Kind", "Status", "Count"]
    counts = [row[2] for row in inputs.iter_rows(min_row=2, values_only=True)]
    assert counts == [1, 1], "counts as numbers"

    with pytest.raises(AccessDenied), read_session(world.engine) as session:
        engagement.meeting_summary(session=session, viewer=world.other_agency, meeting_id=world.meeting_id)


def test_every_live_message_is_translated() -> None:
    for error in (
        live.UnknownCode,
        live.InputClosed,
        live.TooFast,
        live.InvalidInput,
        live.InvalidCheckIn,
        live.TooManyCheckIns,
        live.TooManyCodes,
    ):
        assert error.key in TEXTS


# The attendance grid of /data while phones check in ---------------------------------------------


def attendance(world: World) -> dict[int, int]:
    rows: dict[int, int] = world.read(
        lambda s: entry.attendance_of(session=s, viewer=world.organiser, meeting_id=world.meeting_id)
    )
    return rows


def save_grid(world: World, opened: dict[int, int], typed: dict[int, int]) -> dict[int, int]:
    saved: dict[int, int] = world.run(
        lambda s: entry.set_attendance(
            session=s, viewer=world.organiser, meeting_id=world.meeting_id, opened=opened, head_counts=typed
        )
    )
    return saved


def head_count(world: World) -> int:
    return int(world.read(lambda s: s.get(m.Meeting, world.meeting_id)).attendee_count)


def test_saving_the_attendance_grid_keeps_the_check_ins_made_while_it_was_open(world: World) -> None:
    code = world.open()
    world.check_in(code)
    opened = attendance(world)
    assert opened == {world.organisation_id: 1}
    world.check_in(code)
    world.check_in(code)  # two more phones of the same group while the facilitator types
    dinsos = make_organisation(world.engine, name="Dinas Sosial")

    saved = save_grid(world, opened, {**opened, dinsos: 4})

    assert saved == attendance(world) == {world.organisation_id: 3, dinsos: 4}
    assert head_count(world) == 5 + 3, "the head count already held the check-ins and more than the rows"


def test_a_count_changed_in_the_grid_and_by_check_ins_meanwhile_keeps_both(world: World) -> None:
    code = world.open()
    world.check_in(code)
    opened = attendance(world)
    world.check_in(code)
    world.check_in(code)

    # The grid showed 1; the facilitator counted 5 on the paper list: 4 more, besides the 2 phones.
    save_grid(world, opened, {world.organisation_id: 5})

    assert attendance(world) == {world.organisation_id: 7}
    assert head_count(world) == 8, "never below the rows: 7 listed, 8 counted with the check-ins"
    [row] = [r for r in world.audit("update") if r.entity == "meeting_attendance"]
    assert json.loads(row.before) == {str(world.organisation_id): 3}
    assert json.loads(row.after) == {str(world.organisation_id): 7}


def test_a_row_removed_in_the_grid_keeps_the_people_who_checked_in_since(world: World) -> None:
    dinsos = make_organisation(world.engine, name="Dinas Sosial")
    save_grid(world, {}, {dinsos: 2, world.organisation_id: 2})
    code = world.open()
    opened = attendance(world)
    world.check_in(code)

    save_grid(world, opened, {})  # both rows removed; one check-in came after the grid was opened

    assert attendance(world) == {world.organisation_id: 1}


def test_the_head_count_rises_to_the_rows_and_an_unchanged_or_impossible_grid_writes_nothing(
    world: World,
) -> None:
    dinsos = make_organisation(world.engine, name="Dinas Sosial")
    save_grid(world, {}, {dinsos: 6, world.organisation_id: 3})
    assert head_count(world) == 9
    save_grid(world, {dinsos: 6, world.organisation_id: 3}, {dinsos: 2, world.organisation_id: 3})
    assert attendance(world) == {dinsos: 2, world.organisation_id: 3}
    assert head_count(world) == 9, "fewer listed does not lower the people counted"
    updates = len(world.audit("update"))
    save_grid(world, attendance(world), attendance(world))
    with pytest.raises(entry.FieldErrors) as refused:
        save_grid(world, attendance(world), {dinsos: 10**9, world.organisation_id: 3})
    assert refused.value.errors == {"head_count": ("entry.error.maximum", {"max": 10**8})}
    assert len(world.audit("update")) == updates

"""Notices on SQLite and PostgreSQL: who is told of a submission, a verification and a result sent back;
follow-up actions falling due and feedback left waiting, each told once however often it is looked for;
the unread count; nobody reads or marks another's notices; each notice mailed once."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, text

import models as m
from sinergi.core import spreadsheet
from sinergi.core.access import AccessDenied, Viewer
from sinergi.core.db import read_session, write_session
from sinergi.core.settings import PROJECT_ROOT, SmtpSettings
from sinergi.reads.filters import Filters
from sinergi.reads.notices import NoticeView, inbox, notice_text, unread_count
from sinergi.transfer import exporting, importing, parsing
from sinergi.writes import entry
from sinergi.writes.mailing import send_notices
from sinergi.writes.notices import find_due_notices, mark_all_read, mark_read
from sinergi.writes.results import return_result, verify_results
from tests.factories import (
    make_account,
    make_action,
    make_company,
    make_feedback,
    make_indicators,
    make_meeting,
    make_periods,
    make_program,
    make_village,
)

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
TODAY = NOW.date()


@dataclass
class World:
    engine: Engine
    program: int
    period: int
    company: int
    regency: int
    viewers: dict[str, Viewer]


def sql(engine: Engine, statement: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.begin() as connection:
        found = connection.execute(text(statement), params)
        return [tuple(row) for row in found] if found.returns_rows else []


def notices_of(world: World, who: str) -> list[NoticeView]:
    with read_session(world.engine) as session:
        return inbox(session=session, viewer=world.viewers[who])


def unread(world: World, who: str) -> int:
    with read_session(world.engine) as session:
        return unread_count(session=session, viewer=world.viewers[who])


def kinds(world: World) -> dict[str, list[str]]:
    """Each user's notices by kind, oldest first; users with none left out."""
    told: dict[str, list[str]] = {}
    for who in world.viewers:
        found = [notice.kind for notice in reversed(notices_of(world, who))]
        if found:
            told[who] = found
    return told


@pytest.fixture
def world(engine: Engine) -> World:
    """PT Kilang Uji's program in Kabupaten Uji with two indicators and results saved for 2023-S1;
    two users of the company, two of the agency of Kabupaten Uji, and others who must hear nothing."""
    company = make_company(engine, name="PT Kilang Uji")
    make_company(engine, name="PT Tambang Lain")
    regency, village = make_village(engine, regency="Kabupaten Uji")
    make_village(engine, regency="Kabupaten Lain")
    program = make_program(
        engine, company_id=company, name="Bank Sampah", stage=m.Stage.IMPLEMENTATION, village_ids=(village,)
    )
    make_indicators(engine, program_id=program, count=2)
    [period] = make_periods(engine, first_year=2023, count=1)
    viewers = {
        "csr": make_account(engine, username="csr", role="company", company="PT Kilang Uji"),
        "csr2": make_account(engine, username="csr2", role="company", company="PT Kilang Uji"),
        "other_company": make_account(engine, username="lain", role="company", company="PT Tambang Lain"),
        "agency": make_account(engine, username="bappeda", role="agency", regency="Kabupaten Uji"),
        "agency2": make_account(engine, username="dlh", role="agency", regency="Kabupaten Uji"),
        "other_agency": make_account(
            engine, username="bappeda.lain", role="agency", regency="Kabupaten Lain"
        ),
        "reader": make_account(engine, username="pembaca", role="viewer"),
        "admin": make_account(engine, username="admin", role="admin"),
    }
    built = World(engine, program, period, company, regency, viewers)
    csr = viewers["csr"]
    with read_session(engine) as session:
        rows = entry.result_rows(session, csr, program, [period])
    with write_session(engine) as session:
        entry.save_results(
            session=session,
            viewer=csr,
            edits=[entry.RowEdit(row, target=10, actual=8, narrative="") for row in rows],
        )
    return built


def submit(world: World) -> None:
    with write_session(world.engine) as session:
        entry.submit_results(
            session=session, viewer=world.viewers["csr"], program_id=world.program, period_id=world.period
        )


def submitted(world: World) -> list[tuple[int, int]]:
    return [(int(i), int(v)) for i, v in sql(world.engine, "SELECT id, version FROM result ORDER BY id")]


def test_a_submission_tells_the_agency_staff_of_the_programs_regency_and_nobody_else(world: World) -> None:
    submit(world)
    assert kinds(world) == {"agency": ["submitted"], "agency2": ["submitted"]}
    [notice] = notices_of(world, "agency")
    assert notice.link == "verify"
    assert notice_text(notice, "id") == (
        "PT Kilang Uji mengajukan hasil program Bank Sampah (2023-S1) untuk diverifikasi: 2."
    )
    assert notice_text(notice, "en") == (
        "PT Kilang Uji submitted results of the program Bank Sampah (2023-S1) for verification: 2."
    )


def test_a_verification_tells_the_companys_staff_and_nobody_else(world: World) -> None:
    submit(world)
    with write_session(world.engine) as session:
        verify_results(session=session, viewer=world.viewers["agency"], seen=submitted(world))
    told = kinds(world)
    assert told == {
        "csr": ["verified"],
        "csr2": ["verified"],
        "agency": ["submitted"],
        "agency2": ["submitted"],
    }
    [notice] = notices_of(world, "csr")
    assert notice.link == f"program?id={world.program}"
    assert notice_text(notice, "en") == "Results of the program Bank Sampah (2023-S1) verified: 2."


def test_a_result_sent_back_tells_the_companys_staff_and_nobody_else(world: World) -> None:
    submit(world)
    result_id, version = submitted(world)[0]
    with write_session(world.engine) as session:
        return_result(
            session=session,
            viewer=world.viewers["agency"],
            result_id=result_id,
            note="Lampirkan foto",
            version=version,
        )
    assert {who: found for who, found in kinds(world).items() if "returned" in found} == {
        "csr": ["returned"],
        "csr2": ["returned"],
    }
    assert "other_company" not in kinds(world)
    [notice] = notices_of(world, "csr2")
    assert notice.link == "verify"
    assert "Indikator 0" in notice_text(notice, "id")


def test_results_submitted_by_an_import_tell_the_agency_once_per_program_and_period(world: World) -> None:
    csr = world.viewers["csr"]
    with read_session(world.engine) as session:
        sheets = exporting.export_sheets(session=session, viewer=csr, filters=Filters(), lang="en")
    results = sheets["Results"]
    results["Verification state"] = "Submitted"
    upload = parsing.read_upload("hasil.xlsx", spreadsheet.workbook_bytes({"Results": results}))
    report = importing.import_sheets(engine=world.engine, viewer=csr, sheets=upload, commit=True)
    assert report.committed, report.problems
    assert kinds(world) == {"agency": ["submitted"], "agency2": ["submitted"]}
    assert notice_text(notices_of(world, "agency")[0], "en").endswith("for verification: 2.")
    again = importing.import_sheets(engine=world.engine, viewer=csr, sheets=upload, commit=True)
    assert again.committed
    assert kinds(world) == {"agency": ["submitted"], "agency2": ["submitted"]}, "submitted already"


def test_a_refused_verification_leaves_no_notice(world: World) -> None:
    submit(world)
    with pytest.raises(AccessDenied), write_session(world.engine) as session:
        verify_results(session=session, viewer=world.viewers["other_agency"], seen=submitted(world))
    assert "csr" not in kinds(world)


def dated_world(world: World) -> World:
    """Follow-up actions due in five days, overdue, due in three weeks and done though overdue; feedback
    at a meeting the company organised left open for 31 days, open for 10, answered, and a duplicate
    merged into the first."""
    engine = world.engine
    make_action(
        engine, program_id=world.program, description="Pelatihan kader", due=TODAY + timedelta(days=5)
    )
    make_action(
        engine, program_id=world.program, description="Laporan bank sampah", due=TODAY - timedelta(days=2)
    )
    make_action(engine, program_id=world.program, description="Masih lama", due=TODAY + timedelta(days=21))
    make_action(
        engine,
        program_id=world.program,
        description="Sudah selesai",
        due=TODAY - timedelta(days=9),
        status=m.ActionStatus.DONE,
    )
    meeting = make_meeting(engine, company_id=world.company, regency_id=world.regency, title="FGD Margasari")
    waiting = make_feedback(engine, meeting_id=meeting, text="Mohon *air bersih* untuk RT 5")
    recent = make_feedback(engine, meeting_id=meeting, text="Baru saja")
    answered = make_feedback(engine, meeting_id=meeting, text="Sudah dijawab", response="Akan dibahas")
    duplicate = make_feedback(engine, meeting_id=meeting, text="Mohon air bersih")
    sql(engine, "UPDATE feedback_item SET merged_into_id = :into WHERE id = :id", into=waiting, id=duplicate)
    for item, days in ((waiting, 31), (recent, 10), (answered, 40), (duplicate, 35)):
        sql(
            engine,
            "UPDATE feedback_item SET created_at = :at WHERE id = :id",
            at=(NOW - timedelta(days=days)).replace(tzinfo=None),
            id=item,
        )
    return world


def find(world: World, *, now: datetime = NOW, user: str | None = None) -> int:
    with write_session(world.engine) as session:
        user_id = world.viewers[user].user_id if user else None
        return find_due_notices(session, now=now, user_id=user_id)


def test_actions_due_or_overdue_and_feedback_left_waiting_are_told_once_however_often_found(
    world: World,
) -> None:
    dated_world(world)
    # Found first for one user as the inbox does, then for everyone as the cron job does, twice.
    assert find(world, user="csr") == 3
    assert find(world) == 3
    assert find(world) == 0
    assert find(world, user="csr") == 0
    told = kinds(world)
    assert set(told) == {"csr", "csr2"}
    assert sorted(told["csr"]) == ["action_due", "action_overdue", "feedback_waiting"]
    texts = {notice.kind: notice_text(notice, "id") for notice in notices_of(world, "csr2")}
    assert texts["action_due"] == (
        "Tindak lanjut “Pelatihan kader” program Bank Sampah jatuh tempo 11 Desember 2026."
    )
    assert texts["action_overdue"] == (
        "Tindak lanjut “Laporan bank sampah” program Bank Sampah melewati jatuh temponya, 4 Desember 2026."
    )
    assert texts["feedback_waiting"] == (
        "Masukan dari FGD Margasari belum ditanggapi sejak 5 November 2026: “Mohon *air bersih* untuk RT 5”"
    )
    # A week on, the action due is overdue: told once more, as overdue; nothing else is new.
    assert find(world, now=NOW + timedelta(days=7)) == 2
    assert find(world, now=NOW + timedelta(days=7)) == 0


def test_feedback_of_a_meeting_no_company_organised_waits_for_the_agency_of_its_regency(world: World) -> None:
    meeting = make_meeting(world.engine, regency_id=world.regency, title="Rakor TJSP")
    item = make_feedback(world.engine, meeting_id=meeting, text="Data P3KE")
    sql(
        world.engine,
        "UPDATE feedback_item SET created_at = :at WHERE id = :id",
        at=datetime(2026, 10, 1),
        id=item,
    )
    assert find(world) == 2
    assert kinds(world) == {"agency": ["feedback_waiting"], "agency2": ["feedback_waiting"]}


def test_the_unread_count_falls_as_notices_are_marked_read(world: World) -> None:
    dated_world(world)
    find(world)
    submit(world)
    assert unread(world, "csr") == 3
    assert unread(world, "agency") == 1
    newest = notices_of(world, "csr")[0]
    with write_session(world.engine) as session:
        mark_read(session=session, viewer=world.viewers["csr"], notice_id=newest.id)
    assert unread(world, "csr") == 2
    assert unread(world, "csr2") == 3, "a colleague's notices are their own"
    assert [notice.read for notice in notices_of(world, "csr")].count(True) == 1
    with write_session(world.engine) as session:
        assert mark_all_read(session=session, viewer=world.viewers["csr"]) == 2
    assert unread(world, "csr") == 0
    assert unread(world, "csr2") == 3
    assert unread(world, "agency") == 1


@pytest.mark.parametrize("intruder", ["csr2", "other_company", "agency", "admin"])
def test_nobody_reads_or_marks_anothers_notices(world: World, intruder: str) -> None:
    dated_world(world)
    find(world)
    owned = notices_of(world, "csr")
    intruder_sees = {notice.id for notice in notices_of(world, intruder)}
    assert not intruder_sees & {notice.id for notice in owned}
    with pytest.raises(AccessDenied), write_session(world.engine) as session:
        mark_read(session=session, viewer=world.viewers[intruder], notice_id=owned[0].id)
    with write_session(world.engine) as session:
        mark_all_read(session=session, viewer=world.viewers[intruder])
    assert unread(world, "csr") == len(owned), "still unread for their owner"
    refusals = sql(
        world.engine,
        "SELECT username, entity, entity_id FROM audit_log WHERE action = 'refused' AND entity = 'notice'",
    )
    assert refusals == [(world.viewers[intruder].username, "notice", owned[0].id)]


# --- mail -----------------------------------------------------------------------------------------------


class Inbox:
    """What the local mail server received: each message and the addresses it was sent to."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], Message]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mail_server() -> Iterator[tuple[Inbox, SmtpSettings]]:
    """An SMTP server on 127.0.0.1 that keeps what it receives, for as long as the test runs."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield (
            handler,
            SmtpSettings(
                host="127.0.0.1", port=port, user="", password="", sender="sinergi@contoh.id", starttls=False
            ),
        )
    finally:
        controller.stop()


def give_addresses(world: World, **addresses: str) -> None:
    for who, email in addresses.items():
        sql(
            world.engine,
            "UPDATE app_user SET email = :email WHERE id = :id",
            email=email,
            id=world.viewers[who].user_id,
        )


def test_each_notice_is_mailed_once_to_users_with_an_address(
    world: World, mail_server: tuple[Inbox, SmtpSettings]
) -> None:
    received, smtp = mail_server
    dated_world(world)
    submit(world)
    give_addresses(world, csr="rina@kilang.co.id", agency="bappeda@kukar.go.id")
    first = send_notices(world.engine, smtp=smtp, now=NOW)
    assert (first.found, first.mailed, first.refused) == (6, 4, 0)
    again = send_notices(world.engine, smtp=smtp, now=NOW)
    assert (again.found, again.mailed) == (0, 0)
    assert sorted(to[0] for to, _ in received.received) == [
        "bappeda@kukar.go.id",
        *["rina@kilang.co.id"] * 3,
    ]
    subjects = {message["Subject"] for to, message in received.received if to == ["rina@kilang.co.id"]}
    assert subjects == {
        "Sinergi: tindak lanjut segera jatuh tempo",
        "Sinergi: tindak lanjut melewati jatuh tempo",
        "Sinergi: masukan menunggu tanggapan",
    }
    bodies = [bytes(message.get_payload(decode=True)).decode() for _, message in received.received]
    assert any("“Mohon *air bersih* untuk RT 5”" in body for body in bodies), "typed text as typed"
    # A colleague given an address later gets what is still unmailed for them, and nothing twice.
    give_addresses(world, csr2="dewi@kilang.co.id")
    later = send_notices(world.engine, smtp=smtp, now=NOW)
    assert later.mailed == 3
    assert len(received.received) == 7
    unmailed = sql(world.engine, "SELECT user_id FROM notice WHERE mailed_at IS NULL")
    assert unmailed == [(world.viewers["agency2"].user_id,)], "kept for a user without an address"


def test_a_notice_the_server_refuses_is_mailed_on_a_later_run(
    world: World, mail_server: tuple[Inbox, SmtpSettings]
) -> None:
    received, smtp = mail_server
    submit(world)
    give_addresses(world, agency="bappeda@kukar.go.id", agency2="dlh@kukar.go.id")
    received.refuse.add("dlh@kukar.go.id")
    run = send_notices(world.engine, smtp=smtp, now=NOW)
    assert (run.mailed, run.refused) == (1, 1)
    received.refuse.clear()
    run = send_notices(world.engine, smtp=smtp, now=NOW)
    assert (run.mailed, run.refused) == (1, 0)
    assert sorted(to[0] for to, _ in received.received) == ["bappeda@kukar.go.id", "dlh@kukar.go.id"]


def test_without_a_mail_server_nothing_is_mailed_and_notices_stay_to_mail_later(world: World) -> None:
    submit(world)
    give_addresses(world, agency="bappeda@kukar.go.id")
    run = send_notices(world.engine, smtp=None, now=NOW)
    assert run.mailed == 0
    assert sql(world.engine, "SELECT count(*) FROM notice WHERE mailed_at IS NULL") == [(2,)]


def test_the_cron_command_mails_through_the_configured_server_once(
    world: World, mail_server: tuple[Inbox, SmtpSettings], db_url: str
) -> None:
    received, smtp = mail_server
    submit(world)
    give_addresses(world, agency="bappeda@kukar.go.id")
    environment = {
        "PATH": "/usr/bin:/bin",
        "SINERGI_SMTP_HOST": smtp.host,
        "SINERGI_SMTP_PORT": str(smtp.port),
        "SINERGI_SMTP_FROM": smtp.sender,
        "SINERGI_SMTP_STARTTLS": "false",
    }
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "manage.py", "send-notices", "--database-url", db_url, "--lang", "en"],
            cwd=PROJECT_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    assert "Mailed: 0;" in done.stdout
    [(to, message)] = received.received
    assert to == ["bappeda@kukar.go.id"]
    assert message["Subject"] == "Sinergi: results submitted for verification"
    assert message["From"] == "sinergi@contoh.id"


def test_a_mail_server_out_of_reach_fails_the_run_and_marks_nothing_mailed(
    world: World, mail_server: tuple[Inbox, SmtpSettings]
) -> None:
    _, smtp = mail_server
    submit(world)
    give_addresses(world, agency="bappeda@kukar.go.id")
    closed = SmtpSettings(
        host="127.0.0.1", port=free_port(), user="", password="", sender="sinergi@contoh.id", starttls=False
    )
    with pytest.raises(OSError):
        send_notices(world.engine, smtp=closed, now=NOW)
    assert sql(world.engine, "SELECT count(*) FROM notice WHERE mailed_at IS NOT NULL") == [(0,)]
    assert send_notices(world.engine, smtp=smtp, now=NOW).mailed == 1

"""An FGD with a hall of phones: ``phones`` phone sessions in Chromium (390 × 844, as many contexts of
one browser) check in, each sends ``inputs`` inputs and spends its dots, while the audience view and
the presenter console refresh. Counts what was lost or counted twice, how soon approved input reaches
the audience view, the server's memory per phone, and the console's load time with the phones against
none."""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page
from sqlalchemy import func
from sqlmodel import col, select

import models as m
from bench.chromium import chromium, rss_mb
from sinergi.core.access import SYSTEM, viewer_for
from sinergi.core.db import engine_for, read_session, upgrade_database, write_session
from sinergi.core.secrets import cookie_key
from sinergi.ui.present import REFRESH_SECONDS
from sinergi.worlds.demo import load_demo
from sinergi.writes import live, voting
from sinergi.writes.accounts import UserInput, create_user
from tests.browser import served_app, served_pid
from tests.test_browser import cookie_for, token

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
PROJECTOR = {"width": 1920, "height": 1080}
TIMEOUT_MS = 300_000
FACILITATOR = "bench.fasilitator"
OPTIONS = ["Bank sampah", "Sekolah lapang", "Air bersih", "Pasar desa"]


def _settled(page: Page) -> None:
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=TIMEOUT_MS
    )


def _console_load(browser: Browser, base: str, meeting_id: int, cookie: str, loads: int = 3) -> float:
    """Median seconds from opening the console to its moderation queue drawn."""
    times = []
    for _ in range(loads):
        context = browser.new_context(viewport=LAPTOP)  # type: ignore[arg-type]
        context.add_cookies(cookie_for(base, cookie))
        page = context.new_page()
        started = time.perf_counter()
        page.goto(f"{base}/console?meeting={meeting_id}")
        page.get_by_role("heading", name="Moderasi").wait_for(timeout=TIMEOUT_MS)
        _settled(page)
        times.append(time.perf_counter() - started)
        context.close()
    return statistics.median(times)


def measure_meeting(*, phones: int = 48, inputs: int = 5, log: Any = print) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="sinergi-bench-meeting-") as folder:
        url = f"sqlite:///{Path(folder) / 'meeting.db'}"
        upgrade_database(url)
        engine = engine_for(url)
        load_demo(engine=engine)
        with write_session(engine) as session:
            user = create_user(
                session=session,
                actor=SYSTEM,
                data=UserInput(
                    username=FACILITATOR,
                    display_name="Fasilitator",
                    role="admin",
                    password="bench-kata-sandi-2026",
                ),
            )
            facilitator = viewer_for(user)
            meeting = session.exec(select(m.Meeting).order_by(col(m.Meeting.held_on).desc())).first()
            assert meeting is not None and meeting.id is not None
            meeting_id = meeting.id
        now = datetime.now(UTC)
        with write_session(engine) as session:
            code = live.open_input(
                session=session,
                viewer=facilitator,
                meeting_id=meeting_id,
                now=now,
                open_until=now + timedelta(hours=3),
            )
            head_count_before = int(meeting.attendee_count)
        cookie = token(FACILITATOR, cookie_key())
        with served_app(url) as base, chromium() as browser:
            pid = served_pid(base.rsplit(":", 1)[1])
            console_idle_s = _console_load(browser, base, meeting_id, cookie)
            room = browser.new_context(viewport=PROJECTOR)  # type: ignore[arg-type]
            room.add_cookies(cookie_for(base, cookie))
            wall = room.new_page()
            wall.goto(f"{base}/present?meeting={meeting_id}")
            _settled(wall)
            desk = browser.new_context(viewport=LAPTOP)  # type: ignore[arg-type]
            desk.add_cookies(cookie_for(base, cookie))
            console = desk.new_page()
            console.goto(f"{base}/console?meeting={meeting_id}")
            _settled(console)
            before_phones_mb = rss_mb(pid)

            log(f"meeting: {phones} phones check in")
            started = time.perf_counter()
            contexts = [
                browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)  # type: ignore[arg-type]
                for _ in range(phones)
            ]
            pages = [context.new_page() for context in contexts]
            for page in pages:
                page.goto(f"{base}/feedback?code={code}")
            for n, page in enumerate(pages):
                field = page.get_by_label("Organisasi, kelompok atau instansi")
                field.wait_for(timeout=TIMEOUT_MS)
                field.click()
                field.fill(f"Kelompok {n}")
                field.press("Enter")
                page.get_by_label("Jenis organisasi").click()
                page.get_by_role("option", name="Kelompok binaan").click()
                page.get_by_role("button", name="Check-in").click()
            for page in pages:
                page.get_by_label("Masukan Anda").wait_for(timeout=TIMEOUT_MS)
            checked_in_s = time.perf_counter() - started
            log(f"meeting: {phones} phones send {inputs} inputs each")
            for n in range(inputs):
                for p, page in enumerate(pages):
                    page.get_by_label("Masukan Anda").fill(f"Telepon {p} masukan {n}")
                    page.get_by_role("button", name="Kirim").click()
                for page in pages:
                    page.get_by_text(f"Anda sudah mengirim {n + 1} masukan.").wait_for(timeout=TIMEOUT_MS)
            sent_s = time.perf_counter() - started

            log("meeting: a vote, the phones spend their dots")
            with write_session(engine) as session:
                vote_id = voting.open_vote(
                    session=session,
                    viewer=facilitator,
                    meeting_id=meeting_id,
                    question="Program mana untuk tahun depan?",
                    dots=3,
                    options=OPTIONS,
                    now=datetime.now(UTC),
                )
            for p, page in enumerate(pages):
                field = page.get_by_label(OPTIONS[p % len(OPTIONS)], exact=True)
                field.wait_for(timeout=TIMEOUT_MS)
                field.fill("3")
                field.press("Tab")
                page.get_by_role("button", name="Kirim titik").click()
            for page in pages:
                page.get_by_text("Titik Anda tersimpan (3)").wait_for(timeout=TIMEOUT_MS)
            all_done_s = time.perf_counter() - started
            _settled(console)
            with_phones_mb = rss_mb(pid)
            console_busy_s = _console_load(browser, base, meeting_id, cookie)

            log("meeting: approve everything, time it to the audience view")
            # The audience view shows the wall (the last slide).
            with read_session(engine) as session:
                slides = 1 + len(
                    live.live_meeting(session=session, viewer=facilitator, meeting_id=meeting_id).programs
                )
            with write_session(engine) as session:
                live.show_slide(
                    session=session,
                    viewer=facilitator,
                    meeting_id=meeting_id,
                    slide=slides + 5,
                    now=datetime.now(UTC),
                )
            wall.get_by_role("heading", name="Harapan dan masukan").wait_for(timeout=TIMEOUT_MS)
            with write_session(engine) as session:
                pending = [
                    int(item_id or 0)
                    for item_id in session.exec(
                        select(m.FeedbackItem.id).where(
                            m.FeedbackItem.meeting_id == meeting_id, m.FeedbackItem.moderation == "pending"
                        )
                    ).all()
                ]
                live.moderate(
                    session=session,
                    viewer=facilitator,
                    item_ids=pending,
                    moderation="approved",
                    now=datetime.now(UTC),
                )
            approved_at = time.perf_counter()
            wall.get_by_text(f"Telepon {phones - 1} masukan {inputs - 1}", exact=True).wait_for(
                timeout=TIMEOUT_MS
            )
            to_wall_s = time.perf_counter() - approved_at
            for context in (*contexts, room, desk):
                context.close()

        with read_session(engine) as session:
            items = session.exec(
                select(m.FeedbackItem.text).where(
                    m.FeedbackItem.meeting_id == meeting_id, col(m.FeedbackItem.participant_id).is_not(None)
                )
            ).all()
            participants = session.exec(
                select(func.count()).where(m.MeetingParticipant.meeting_id == meeting_id)
            ).one()
            head_count = session.exec(
                select(m.Meeting.attendee_count).where(m.Meeting.id == meeting_id)
            ).one()
            dots = session.exec(select(func.sum(m.VoteDot.dots)).where(m.VoteDot.vote_id == vote_id)).one()
        engine.dispose()
    expected = {f"Telepon {p} masukan {n}" for p in range(phones) for n in range(inputs)}
    return {
        "phones": phones,
        "inputs_each": inputs,
        "inputs_lost": len(expected - set(items)),
        "inputs_twice": len(items) - len(set(items)),
        "phones_counted": int(participants),
        "head_count_added": int(head_count) - head_count_before,
        "dots_spent": int(dots or 0),
        "checked_in_s": checked_in_s,
        "inputs_sent_s": sent_s,
        "all_done_s": all_done_s,
        "approval_to_audience_view_s": to_wall_s,
        "refresh_s": REFRESH_SECONDS,
        "server_mb_before_phones": before_phones_mb,
        "server_mb_with_phones": with_phones_mb,
        "mb_per_phone": (with_phones_mb - before_phones_mb) / phones,
        "console_load_no_phones_s": console_idle_s,
        "console_load_with_phones_s": console_busy_s,
    }

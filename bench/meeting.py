"""An FGD with a hall of phones: ``phones`` phone sessions in Chromium (390 × 844, as many pages of
one browser context) check in, each sends ``inputs`` inputs and spends its dots, all phones at once,
while the audience view and the presenter console refresh. Counts what was lost or counted twice, how
soon approved input reaches the audience view, the server's memory per phone, and the console's load
time with the phones against none; and where each phase's time went (processor seconds of the server,
the browser, and other work on the machine)."""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Locator, Page, async_playwright, expect
from playwright.async_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import func
from sqlmodel import col, select

import models as m
from bench.chromium import rss_mb
from sinergi.core.access import SYSTEM, viewer_for
from sinergi.core.db import engine_for, read_session, upgrade_database, write_session
from sinergi.core.secrets import cookie_key
from sinergi.ui.present import REFRESH_SECONDS
from sinergi.worlds.demo import load_demo
from sinergi.writes import live, voting
from sinergi.writes.accounts import UserInput, create_user
from tests.browser import CHROMIUM, CHROMIUM_ARGS, served_app, served_pid
from tests.test_browser import cookie_for, token

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
PROJECTOR = {"width": 1920, "height": 1080}
TIMEOUT_MS = 300_000
# How long a phone waits for its page to confirm an input or its dots: a page still without it by then
# is counted (``unconfirmed``) and the phone goes on, as a participant would look up and carry on.
CONFIRM_MS = 60_000
# How long after its count shows a phone's field may still hold the input sent: the run that stored it
# draws both, so a field still full means that run's redraw was lost (the count came from a later look).
REDRAW_MS = 10_000
FACILITATOR = "bench.fasilitator"
OPTIONS = ["Bank sampah", "Sekolah lapang", "Air bersih", "Pasar desa"]


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Debian's Chromium driven through Playwright's async API: the phones act at once, as in a hall."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            await browser.close()


def _cpu_s(stat: str, *, children: bool = False) -> float:
    """Processor seconds in a /proc/PID/stat line: the process's own, and its reaped children's."""
    fields = stat.rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def processor_time(server: int) -> dict[str, float]:
    """Processor seconds used so far: by the app server, by the browser (every other process this one
    started: Chromium and Playwright's driver), by this process, and by the whole machine (others'
    work included)."""
    stats: dict[int, str] = {}
    parents: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                stats[int(proc.name)] = stat = (proc / "stat").read_text()
            except OSError:
                continue
            parents[int(proc.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    me = os.getpid()

    def below(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 1)
            if pid == me:
                return True
        return False

    browser = sum(
        _cpu_s(stat, children=True)
        for pid, stat in stats.items()
        if pid != server and parents[pid] != server and below(pid)
    )
    # user, nice, system, idle, iowait, irq, softirq: busy is all but idle and iowait.
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    idle = fields[3] + fields[4]
    return {
        "server": _cpu_s(stats[server], children=True),
        "browser": browser,
        "harness": time.process_time(),
        "machine": (sum(fields) - idle) / os.sysconf("SC_CLK_TCK"),
        "wall": time.perf_counter(),
    }


def _phase(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """Where a phase's time went: processor seconds of each, and of other work on the machine."""
    used = {name: after[name] - before[name] for name in before}
    used["others"] = used["machine"] - used["server"] - used["browser"] - used["harness"]
    return used


async def _settled(page: Page) -> None:
    await page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=TIMEOUT_MS
    )


async def _console_load(browser: Browser, base: str, meeting_id: int, cookie: str, loads: int = 3) -> float:
    """Median seconds from opening the console to its moderation queue drawn."""
    times = []
    for _ in range(loads):
        context = await browser.new_context(viewport=LAPTOP)  # type: ignore[arg-type]
        await context.add_cookies(cookie_for(base, cookie))
        page = await context.new_page()
        started = time.perf_counter()
        await page.goto(f"{base}/console?meeting={meeting_id}")
        await page.get_by_role("heading", name="Moderasi").wait_for(timeout=TIMEOUT_MS)
        await _settled(page)
        times.append(time.perf_counter() - started)
        await context.close()
    return statistics.median(times)


async def _check_in(phone: Watched, base: str, code: str, n: int, unconfirmed: list[str]) -> None:
    page = phone.page
    await page.goto(f"{base}/feedback?code={code}")
    field = page.get_by_label("Organisasi, kelompok atau instansi")
    await field.click(timeout=TIMEOUT_MS)
    await field.fill(f"Kelompok {n}")
    await field.press("Enter")
    await page.get_by_label("Jenis organisasi").click()
    await page.get_by_role("option", name="Kelompok binaan").click()
    await page.get_by_role("button", name="Check-in").click()
    try:
        await page.get_by_label("Masukan Anda").wait_for(timeout=TIMEOUT_MS)
    except PlaywrightTimeout:
        unconfirmed.append(f"phone {n} check-in ({await _page_state(phone)})")


class Watched:
    """What befell a phone's page that its figures do not show: the tab crashing, the page loading again,
    its connection to the server closing, errors in its console; each with the second of the run it
    first happened, and how often."""

    def __init__(self, page: Page, started: float) -> None:
        self.page, self.started = page, started
        self.seen: dict[str, tuple[float, int]] = {}
        page.on("crash", lambda _: self.note("tab crashed"))
        page.on("load", lambda _: self.note(f"page loaded {page.url.split('?')[0]}"))
        page.on("websocket", lambda socket: socket.on("close", lambda _: self.note("connection closed")))
        page.on("console", lambda message: self.note(f"console {message.type}: {message.text[:160]}"))

    def note(self, event: str) -> None:
        if event.startswith("console") and not event.startswith(("console error", "console warning")):
            return
        first, times = self.seen.get(event, (time.perf_counter() - self.started, 0))
        self.seen[event] = (first, times + 1)

    @property
    def events(self) -> list[str]:
        return [
            f"{first:.1f} s {event}" + (f" (×{times})" if times > 1 else "")
            for event, (first, times) in sorted(self.seen.items(), key=lambda seen: seen[1][0])
        ]

    @property
    def troubled(self) -> bool:
        """Whether its tab crashed, its page loaded more than once, or its connection closed."""
        return any(
            "crashed" in event or "closed" in event or (event.startswith("page loaded") and times > 1)
            for event, (_, times) in self.seen.items()
        )


async def _confirmed(confirmation: Locator, phone: Watched, unconfirmed: list[str], what: str) -> bool:
    """Whether the page showed ``confirmation`` within ``CONFIRM_MS``; if not, it is counted with what
    the page showed."""
    try:
        await confirmation.wait_for(timeout=CONFIRM_MS)
    except PlaywrightTimeout:
        unconfirmed.append(f"{what} ({await _page_state(phone)})")
        return False
    return True


async def _texts(page: Page, selector: str) -> list[str]:
    texts: list[str] = await page.locator(selector).evaluate_all(
        "(found) => found.map((e) => e.innerText.trim().replace(/\\s+/g, ' ').slice(0, 160))"
    )
    return [text for text in texts if text]


async def _page_state(phone: Watched) -> str:
    """What an unconfirmed phone's page shows: whether its script runs, what its input field holds, the
    count it shows, any message, exception, status or dialog on it, and what befell it (``Watched``)."""
    page = phone.page
    try:
        app = page.locator('[data-testid="stApp"]')
        if not await app.count():
            body = " ".join((await page.locator("body").inner_text(timeout=5_000)).split())[:200]
            return f"no app on the page ({page.url[-60:]}: {body!r}); events {phone.events}"
        state = await app.get_attribute("data-test-script-state", timeout=5_000)
        field = page.get_by_label("Masukan Anda")
        held = await field.input_value(timeout=5_000) if await field.count() == 1 else "no field"
        shown = [
            f"{what} {texts}"
            for what, selector in (
                ("count", "text=/Anda sudah mengirim \\d+ masukan/"),
                ("messages", '[data-testid="stAlert"]'),
                ("exceptions", '[data-testid="stException"]'),
                ("status", '[data-testid="stStatusWidget"]'),
                ("dialogs", '[role="dialog"]'),
            )
            if (texts := await _texts(page, selector))
        ]
    except PlaywrightTimeout as error:
        return f"page did not answer ({str(error).splitlines()[0]}); events {phone.events}"
    return "; ".join([f"script {state}, field {held!r}", *shown, f"events {phone.events}"])


async def _send_inputs(
    phone: Watched, p: int, inputs: int, unconfirmed: list[str], unredrawn: list[str]
) -> None:
    page = phone.page
    field = page.get_by_label("Masukan Anda")
    for n in range(inputs):
        try:
            await field.fill(f"Telepon {p} masukan {n}", timeout=CONFIRM_MS)
        except PlaywrightTimeout:
            # The page lost its form: the phone stops here, as its participant would have to.
            unconfirmed.append(f"phone {p} input {n}: no input form ({await _page_state(phone)})")
            return
        await page.get_by_role("button", name="Kirim").click()
        # The count is the server's, and the page looks at it again every few seconds: it shows an
        # input stored even when the run that sent it was not drawn. That run empties the field.
        sent = page.get_by_text(f"Anda sudah mengirim {n + 1} masukan.")
        if not await _confirmed(sent, phone, unconfirmed, f"phone {p} input {n}"):
            continue  # counted as unconfirmed; an input never counted is not one whose redraw was lost
        try:
            await expect(field).to_have_value("", timeout=REDRAW_MS)
        except AssertionError:
            unredrawn.append(f"phone {p} input {n} ({await _page_state(phone)})")


async def _spend_dots(phone: Watched, p: int, unconfirmed: list[str]) -> None:
    page = phone.page
    field = page.get_by_label(OPTIONS[p % len(OPTIONS)], exact=True)
    try:
        await field.fill("3", timeout=TIMEOUT_MS)
    except PlaywrightTimeout:
        unconfirmed.append(f"phone {p} dots: no vote ({await _page_state(phone)})")
        return
    await field.press("Tab")
    # The saved dots show, as stored, once the phone's vote part has drawn again after the click.
    saved = asyncio.ensure_future(
        _confirmed(page.get_by_text("Titik Anda tersimpan (3)"), phone, unconfirmed, f"phone {p} dots")
    )
    await asyncio.sleep(0)
    await page.get_by_role("button", name="Kirim titik").click()
    await saved


def _stored_or_not(what: str, items: set[str]) -> str:
    """An unconfirmed input, said stored or not stored."""
    found = re.match(r"phone (\d+) input (\d+)", what)
    if found is None:
        return what
    stored = f"Telepon {found[1]} masukan {found[2]}" in items
    return f"{what}, {'stored' if stored else 'not stored'}"


def measure_meeting(*, phones: int = 48, inputs: int = 5, log: Any = print) -> dict[str, Any]:
    return asyncio.run(_measure_meeting(phones=phones, inputs=inputs, log=log))


async def _measure_meeting(*, phones: int, inputs: int, log: Any) -> dict[str, Any]:
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
        server_log = Path(folder) / "server.log"
        with served_app(url, log_path=server_log) as base:
            async with chromium() as browser:
                pid = served_pid(base.rsplit(":", 1)[1])
                console_idle_s = await _console_load(browser, base, meeting_id, cookie)
                room = await browser.new_context(viewport=PROJECTOR)  # type: ignore[arg-type]
                await room.add_cookies(cookie_for(base, cookie))
                wall = await room.new_page()
                await wall.goto(f"{base}/present?meeting={meeting_id}")
                await _settled(wall)
                desk = await browser.new_context(viewport=LAPTOP)  # type: ignore[arg-type]
                await desk.add_cookies(cookie_for(base, cookie))
                console = await desk.new_page()
                await console.goto(f"{base}/console?meeting={meeting_id}")
                await _settled(console)
                before_phones_mb = rss_mb(pid)
                # The phones are pages of one browser context: each has a server session of its own, as
                # a phone does, and they share the browser's cache, so that the app's script bundle is
                # fetched and compiled once rather than once per phone (on two cores Chromium's own
                # work for 48 separate contexts dwarfs the server's).
                hall = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)  # type: ignore[arg-type]
                hall.set_default_timeout(TIMEOUT_MS)
                pages = [await hall.new_page() for _ in range(phones)]

                # Every phone acts at once, as in a hall; each phase ends when the last phone is done.
                log(f"meeting: {phones} phones check in")
                unconfirmed: list[str] = []
                unredrawn: list[str] = []
                cpu = {"start": processor_time(pid)}
                started = time.perf_counter()
                watched = [Watched(page, started) for page in pages]
                await asyncio.gather(
                    *(_check_in(phone, base, code, n, unconfirmed) for n, phone in enumerate(watched))
                )
                checked_in_s = time.perf_counter() - started
                log(f"meeting: checked in after {checked_in_s:.1f} s")
                cpu["checked_in"] = processor_time(pid)
                log(f"meeting: {phones} phones send {inputs} inputs each")
                await asyncio.gather(
                    *(
                        _send_inputs(phone, p, inputs, unconfirmed, unredrawn)
                        for p, phone in enumerate(watched)
                    )
                )
                sent_s = time.perf_counter() - started
                log(f"meeting: inputs sent after {sent_s:.1f} s")
                cpu["sent"] = processor_time(pid)

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
                await asyncio.gather(*(_spend_dots(phone, p, unconfirmed) for p, phone in enumerate(watched)))
                all_done_s = time.perf_counter() - started
                cpu["done"] = processor_time(pid)
                await _settled(console)
                with_phones_mb = rss_mb(pid)
                console_busy_s = await _console_load(browser, base, meeting_id, cookie)

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
                await wall.get_by_role("heading", name="Harapan dan masukan").wait_for(timeout=TIMEOUT_MS)
                with write_session(engine) as session:
                    pending = [
                        int(item_id or 0)
                        for item_id in session.exec(
                            select(m.FeedbackItem.id).where(
                                m.FeedbackItem.meeting_id == meeting_id,
                                m.FeedbackItem.moderation == "pending",
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
                    # The newest phone input stored (a lost one is counted below, not waited for).
                    newest = session.exec(
                        select(m.FeedbackItem.text)
                        .where(
                            m.FeedbackItem.meeting_id == meeting_id,
                            col(m.FeedbackItem.participant_id).is_not(None),
                        )
                        .order_by(col(m.FeedbackItem.id).desc())
                    ).first()
                approved_at = time.perf_counter()
                await wall.get_by_text(str(newest), exact=True).wait_for(timeout=TIMEOUT_MS)
                to_wall_s = time.perf_counter() - approved_at
                for context in (hall, room, desk):
                    await context.close()

        server_errors = [
            line[:300]
            for line in server_log.read_text(errors="replace").splitlines()
            if re.search(r"error|warning|exception|traceback", line, re.IGNORECASE)
        ][:40]
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
        # Inputs and dots whose phone's page did not confirm them within CONFIRM_MS (stored or not:
        # inputs_lost and dots_spent tell).
        "unconfirmed": [_stored_or_not(what, set(items)) for what in unconfirmed],
        # Inputs counted on their phone, whose sending run was not drawn there (the field kept the text).
        "unredrawn": unredrawn,
        # What the server logged as an error or a warning (a script's exception, a lost session).
        "server_errors": server_errors,
        # Phones whose tab crashed, loaded again or lost its connection, with what befell them.
        "phones_troubled": {p: phone.events for p, phone in enumerate(watched) if phone.troubled},
        "checked_in_s": checked_in_s,
        "inputs_sent_s": sent_s,
        "all_done_s": all_done_s,
        # Processor seconds of each phase: server, browser, harness, others' work, machine, wall.
        "processor_s": {
            "check_in": _phase(cpu["start"], cpu["checked_in"]),
            "inputs": _phase(cpu["checked_in"], cpu["sent"]),
            "dots": _phase(cpu["sent"], cpu["done"]),
        },
        "approval_to_audience_view_s": to_wall_s,
        "refresh_s": REFRESH_SECONDS,
        "server_mb_before_phones": before_phones_mb,
        "server_mb_with_phones": with_phones_mb,
        "mb_per_phone": (with_phones_mb - before_phones_mb) / phones,
        "console_load_no_phones_s": console_idle_s,
        "console_load_with_phones_s": console_busy_s,
    }

"""The served app in Debian's Chromium: time to a fully drawn page, a filter change, memory per viewer."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, WebSocket, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from sinergi.i18n.texts import translate
from tests.browser import CHROMIUM, CHROMIUM_ARGS, served_app, served_pid

VIEWPORT = {"width": 1366, "height": 900}
TIMEOUT_MS = 180_000

# True once the script run is over and every expected tile and chart is drawn (a chart counts once
# its SVG or canvas exists) and nothing on the page is still marked stale from an earlier run.
_RENDERED = """([metrics, charts]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  if (document.querySelector('[data-testid="stException"]')) return true;
  const tiles = document.querySelectorAll('[data-testid="stMetric"]').length;
  const drawn = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .filter((chart) => chart.querySelector('svg, canvas')).length;
  const runs = window.__sinergiRuns || 0;
  return tiles >= metrics && drawn >= charts && (window.__sinergiRunsWanted || 0) <= runs;
}"""

# Counts the script runs that start from now on, so a wait can insist on a new run being over.
_COUNT_RUNS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__sinergiRuns = 0;
  window.__sinergiRunsWanted = 1;
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') window.__sinergiRuns += 1;
  }).observe(app, { attributes: true, attributeFilter: ['data-test-script-state'] });
}"""


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def wait_rendered(page: Page, *, metrics: int, charts: int) -> None:
    page.wait_for_function(_RENDERED, arg=[metrics, charts], polling="raf", timeout=TIMEOUT_MS)
    if page.get_by_test_id("stException").count():
        raise RuntimeError(f"{page.url}: {page.get_by_test_id('stException').first.inner_text()[:500]}")


def sign_in(browser: Browser, base: str, *, username: str, password: str) -> dict[str, Any]:
    """Sign in through the login form once; the browser state (the auth cookie) for new contexts."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(base)
    page.get_by_label(translate("login.username", "id")).fill(username)
    page.get_by_label(translate("login.password", "id")).fill(password)
    page.get_by_role("button", name=translate("login.submit", "id"), exact=True).click()
    page.get_by_test_id("stMetric").first.wait_for(timeout=TIMEOUT_MS)
    deadline = time.monotonic() + 30
    while not any(cookie["name"] == "sinergi_auth" for cookie in context.cookies()):
        if time.monotonic() > deadline:
            raise RuntimeError("signing in set no cookie")
        page.wait_for_timeout(100)
    state: dict[str, Any] = context.storage_state()  # type: ignore[assignment]
    context.close()
    return state


@dataclass(frozen=True)
class Load:
    """One page load, split where the websocket says: until it opens (static files, the app booting),
    from the first message sent to the last one received (the script run and its transfer), and
    from there to the page fully drawn (the browser rendering)."""

    total_s: float
    connect_s: float
    run_s: float
    draw_s: float


def load_time(
    browser: Browser, url: str, *, metrics: int, charts: int, state: dict[str, Any] | None = None
) -> Load:
    """Seconds from asking a new browser context for ``url`` to the page fully drawn: a first visit,
    every file of the app fetched and compiled."""
    context = browser.new_context(viewport=VIEWPORT, storage_state=state)  # type: ignore[arg-type]
    try:
        return _timed_load(context, url, metrics=metrics, charts=charts)
    finally:
        context.close()


def _timed_load(context: BrowserContext, url: str, *, metrics: int, charts: int) -> Load:
    """One load of ``url`` in a new tab of ``context``, closed afterwards."""
    page = context.new_page()
    try:
        opened: list[float] = []
        sent: list[float] = []
        received: list[float] = []

        def watch(socket: WebSocket) -> None:
            opened.append(time.perf_counter())
            socket.on("framesent", lambda _: sent.append(time.perf_counter()))
            socket.on("framereceived", lambda _: received.append(time.perf_counter()))

        page.on("websocket", watch)
        started = time.perf_counter()
        page.goto(url)
        wait_rendered(page, metrics=metrics, charts=charts)
        done = time.perf_counter()
        first_sent = sent[0] if sent else done
        last_received = max([t for t in received if t <= done], default=done)
        return Load(
            total_s=done - started,
            connect_s=(opened[0] if opened else done) - started,
            run_s=max(last_received - first_sent, 0.0),
            draw_s=done - last_received,
        )
    finally:
        page.close()


def choose(page: Page, widget_label: str, option: str, *, attempts: int = 3) -> None:
    """Open the filter bar, then its select box called ``widget_label``, and pick ``option``.

    A click that lands while the bar is being redrawn opens nothing; it is tried again.
    """
    # The bar's label follows its icon (drawn from a ligature, "filter_list", in the text).
    bar = page.get_by_test_id("stPopover").filter(has_text=re.compile(r"(Saring|Filter): ")).first
    if not page.get_by_test_id("stPopoverBody").is_visible():
        bar.click()
    box = page.get_by_test_id("stPopoverBody").get_by_test_id("stSelectbox").filter(has_text=widget_label)
    choice = page.get_by_role("option", name=option, exact=True)
    for attempt in range(attempts):
        box.click()
        try:
            choice.wait_for(timeout=10_000)
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
            continue
        choice.click()
        return


def filter_change_times(
    browser: Browser, base: str, state: dict[str, Any], pillars: list[str], *, metrics: int, charts: int
) -> list[float]:
    """Seconds from picking each pillar in the sidebar to the overview redrawn with it.

    Each pick must change the filter (no pillar twice in a row), or no run would follow it.
    """
    if any(a == b for a, b in pairwise(pillars)):
        raise ValueError(f"the same pillar twice in a row does not change the filter: {pillars}")
    context = browser.new_context(viewport=VIEWPORT, storage_state=state)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.goto(base)
        wait_rendered(page, metrics=metrics, charts=charts)
        times: list[float] = []
        for pillar in pillars:
            page.evaluate(_COUNT_RUNS)
            started = time.perf_counter()
            choose(page, translate("filter.pillar", "id"), translate(f"pillar.{pillar}", "id"))
            wait_rendered(page, metrics=metrics, charts=charts)
            times.append(time.perf_counter() - started)
            if f"pillar={pillar}" not in page.url:
                raise RuntimeError(f"picking {pillar} did not reach the URL: {page.url}")
        return times
    finally:
        context.close()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def _medians(loads: list[Load]) -> dict[str, float]:
    return {
        name: statistics.median(getattr(load, name) for load in loads)
        for name in ("total_s", "connect_s", "run_s", "draw_s")
    }


@dataclass(frozen=True)
class BrowserFigures:
    overview: list[Load]
    overview_small: list[Load]
    hello: list[Load]
    overview_return: list[Load]
    hello_return: list[Load]
    filter_cold_s: list[float]
    filter_warm_s: list[float]

    def summary(self) -> dict[str, Any]:
        overview, small, hello = _medians(self.overview), _medians(self.overview_small), _medians(self.hello)
        overview_return, hello_return = _medians(self.overview_return), _medians(self.hello_return)
        return {
            "overview_s": overview["total_s"],
            "overview_small_s": small["total_s"],
            "hello_s": hello["total_s"],
            "overview_over_hello": overview["total_s"] / hello["total_s"],
            "overview_large_over_small": overview["total_s"] / small["total_s"],
            "overview_return_s": overview_return["total_s"],
            "hello_return_s": hello_return["total_s"],
            "overview_over_hello_return": overview_return["total_s"] / hello_return["total_s"],
            "filter_change_new_s": statistics.median(self.filter_cold_s),
            "filter_change_again_s": statistics.median(self.filter_warm_s),
            "overview_parts_s": overview,
            "overview_small_parts_s": small,
            "hello_parts_s": hello,
            "overview_runs_s": [load.total_s for load in self.overview],
            "overview_small_runs_s": [load.total_s for load in self.overview_small],
            "hello_runs_s": [load.total_s for load in self.hello],
            "overview_return_runs_s": [load.total_s for load in self.overview_return],
            "hello_return_runs_s": [load.total_s for load in self.hello_return],
            "filter_change_new_runs_s": self.filter_cold_s,
            "filter_change_again_runs_s": self.filter_warm_s,
        }


@dataclass(frozen=True)
class Overview:
    """The overview served from one database, and what it shows there when fully drawn."""

    url: str
    metrics: int
    charts: int


def measure_browser(
    large: Overview, small: Overview, *, username: str, password: str, loads: int, pillars: list[str]
) -> BrowserFigures:
    """The overview at large scale against hello world (and against itself at small scale, which
    tells what the data's size costs in the browser), loads interleaved in one run; the overview and
    hello world again for a returning reader, whose browser has the app's files from an earlier visit;
    then pillar changes at large scale, each pillar first while nobody has asked for it (new to the
    cache) and then once more."""
    with (
        served_app(large.url) as base,
        served_app(small.url) as small_base,
        served_app(large.url, script="bench/hello.py") as hello,
        chromium() as browser,
    ):
        state = sign_in(browser, base, username=username, password=password)
        small_state = sign_in(browser, small_base, username=username, password=password)
        # The first load of each serves the static files and makes the server's first run.
        load_time(browser, base, metrics=large.metrics, charts=large.charts, state=state)
        load_time(browser, small_base, metrics=small.metrics, charts=small.charts, state=small_state)
        load_time(browser, hello, metrics=1, charts=1)
        overview: list[Load] = []
        overview_small: list[Load] = []
        hellos: list[Load] = []
        for _ in range(loads):
            overview.append(load_time(browser, base, metrics=large.metrics, charts=large.charts, state=state))
            overview_small.append(
                load_time(browser, small_base, metrics=small.metrics, charts=small.charts, state=small_state)
            )
            hellos.append(load_time(browser, hello, metrics=1, charts=1))
        overview_return, hello_return = returning_loads(browser, base, state, hello, large=large, loads=loads)
        changes = filter_change_times(
            browser, base, state, pillars + pillars, metrics=large.metrics, charts=large.charts
        )
    return BrowserFigures(
        overview,
        overview_small,
        hellos,
        overview_return,
        hello_return,
        changes[: len(pillars)],
        changes[len(pillars) :],
    )


def returning_loads(
    browser: Browser, base: str, state: dict[str, Any], hello: str, *, large: Overview, loads: int
) -> tuple[list[Load], list[Load]]:
    """The overview and hello world loaded ``loads`` times each, interleaved, each in a new tab of a
    browser context that has visited it before: the app's files come from the browser's cache."""
    overview_context = browser.new_context(viewport=VIEWPORT, storage_state=state)  # type: ignore[arg-type]
    hello_context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    try:
        # The first visit fills each context's cache.
        _timed_load(overview_context, base, metrics=large.metrics, charts=large.charts)
        _timed_load(hello_context, hello, metrics=1, charts=1)
        overview: list[Load] = []
        hellos: list[Load] = []
        for _ in range(loads):
            overview.append(_timed_load(overview_context, base, metrics=large.metrics, charts=large.charts))
            hellos.append(_timed_load(hello_context, hello, metrics=1, charts=1))
        return overview, hellos
    finally:
        overview_context.close()
        hello_context.close()


def measure_memory(
    url: str, *, username: str, password: str, metrics: int, charts: int, sessions: int
) -> dict[str, Any]:
    """Resident memory of a fresh app server with no viewer, one viewer and ``sessions`` viewers,
    each viewer a browser context with the overview fully drawn and left open."""
    with served_app(url) as base, chromium() as browser:
        pid = served_pid(base.rsplit(":", 1)[1])
        idle = rss_mb(pid)
        state = sign_in(browser, base, username=username, password=password)
        contexts: list[BrowserContext] = []
        readings: dict[int, float] = {}
        try:
            for n in range(1, sessions + 1):
                context = browser.new_context(viewport=VIEWPORT, storage_state=state)  # type: ignore[arg-type]
                contexts.append(context)
                page = context.new_page()
                page.goto(base)
                wait_rendered(page, metrics=metrics, charts=charts)
                if n in (1, sessions):
                    time.sleep(2)
                    readings[n] = rss_mb(pid)
        finally:
            for context in contexts:
                context.close()
    one, many = readings[1], readings[sessions]
    return {
        "idle_mb": idle,
        "one_session_mb": one,
        "sessions": sessions,
        "all_sessions_mb": many,
        "mb_per_extra_session": (many - one) / (sessions - 1) if sessions > 1 else 0.0,
    }

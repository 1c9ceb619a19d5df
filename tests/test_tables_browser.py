"""Tables in Chromium at 1366 × 768, set to Indonesian: the columns people act on (a program's status,
achievement and gaps; a feedback item's status, text and answer; an action's owner and due date) come
first and are in view without scrolling sideways. Also the screenshots of /reporting and a program's
page at that size."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pandas as pd
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from sinergi.core.secrets import cookie_key
from sinergi.core.settings import PROJECT_ROOT
from tests.browser import download, served_app
from tests.conftest import DemoAccounts
from tests.test_browser import cookie_for, token, wait_until_rendered
from tests.test_data_page import scalar

pytestmark = pytest.mark.browser

LONG = 60_000
SCREENSHOTS = PROJECT_ROOT / "test-artifacts"
# The demo program with the most follow-up actions, and feedback about it.
BUSIEST_PROGRAM = (
    "SELECT program_id FROM follow_up_action GROUP BY program_id ORDER BY count(*) DESC, program_id LIMIT 1"
)

# True once every chart on the page has drawn its image at its full width.
EVERY_CHART_DRAWN = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every(
  (chart) => [...chart.querySelectorAll('svg, canvas')].some((image) => image.clientWidth > 200))"""


@dataclass(frozen=True)
class Table:
    address: str  # the page, "{program}" standing for the busiest program's id
    acted_on: tuple[str, ...]  # the headers that must be in view, in order
    last: bool = False  # the page's last table (else its first)


TABLES = {
    "programs": Table("/programs", ("Program", "Status", "Capaian", "Verifikasi", "Kesenjangan")),
    "feedback log": Table(
        "/engagement",
        ("Status", "Masukan", "Tanggapan", "Tindak lanjut", "Penanggung jawab", "Batas waktu"),
        last=True,
    ),
    "program actions": Table(
        "/program?id={program}&tab=Evaluasi+%26+tindak+lanjut",
        ("Tindak lanjut", "Penanggung jawab", "Tenggat", "Status"),
    ),
    "program feedback": Table("/program?id={program}&tab=Masukan", ("Status", "Masukan", "Tanggapan")),
}


def open_signed_in(browser: Browser, base: str, username: str, address: str) -> Page:
    context = browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 768})
    context.add_cookies(cookie_for(base, token(username, cookie_key())))
    page = context.new_page()
    page.goto(base + address)
    wait_until_rendered(page)
    return page


def headers_in_view(grid: Locator) -> list[str]:
    """The headers the table draws: those of the columns in view, in order (the table names only
    those in its accessible header). The first column's title may be blank (a link column)."""
    return [title.strip() for title in grid.locator("th").all_inner_texts()]


@pytest.mark.parametrize("name", list(TABLES))
def test_the_columns_people_act_on_are_in_view_at_1366_pixels(
    browser: Browser, demo_sqlite_url: str, demo_accounts: DemoAccounts, name: str
) -> None:
    table = TABLES[name]
    program = scalar(demo_sqlite_url, BUSIEST_PROGRAM)
    with served_app(demo_sqlite_url) as base:
        page = open_signed_in(
            browser, base, demo_accounts.admin.username, table.address.format(program=program)
        )
        grids = page.get_by_test_id("stDataFrame")
        grid = grids.last if table.last else grids.first
        expect(grid).to_be_visible(timeout=LONG)
        grid.scroll_into_view_if_needed()
        expect(grid.locator("th").first).to_be_attached(timeout=LONG)

        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        box = grid.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1366
        shown = headers_in_view(grid)
        acted_on = [title for title in shown if title in table.acted_on]
        assert acted_on == list(table.acted_on), f"{name}: in view {shown}"
        # A column drawn after the last one acted on means that one is wholly in view.
        assert shown.index(table.acted_on[-1]) < len(shown) - 1, f"{name}: in view {shown}"
        page.context.close()


@pytest.mark.parametrize(
    ("address", "screenshot"),
    [("/reporting", "reporting-1366x768.png"), ("/program?id={program}", "program-1366x768.png")],
)
def test_screenshots_at_1366_by_768(
    browser: Browser, demo_sqlite_url: str, demo_accounts: DemoAccounts, address: str, screenshot: str
) -> None:
    """The pages as an agency's planner (who sees the regency's reports) and an admin (who sees every
    program) see them on an office laptop, kept for the record."""
    program = scalar(demo_sqlite_url, BUSIEST_PROGRAM)
    username = demo_accounts.kukar.username if address == "/reporting" else demo_accounts.admin.username
    with served_app(demo_sqlite_url) as base:
        page = open_signed_in(browser, base, username, address.format(program=program))
        expect(page.locator("h1").first).to_be_visible(timeout=LONG)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        page.wait_for_function(EVERY_CHART_DRAWN, timeout=LONG)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / screenshot))
        assert re.search(r"/(reporting|program)", page.url)
        page.context.close()


def test_the_programs_download_holds_every_program_found_in_the_reader_language(
    browser: Browser, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    """The file is made by the server when asked for, after the page's run: it still holds what the
    list found (the search in the address) in the reader's language."""
    found = scalar(
        demo_sqlite_url,
        "SELECT count(*) FROM program p JOIN company c ON c.id = p.company_id "
        "WHERE lower(p.name) LIKE '%margasari%' OR lower(c.name) LIKE '%margasari%'",
    )
    assert isinstance(found, int) and found >= 2
    with served_app(demo_sqlite_url) as base:
        page = open_signed_in(
            browser, base, demo_accounts.admin.username, "/programs?q=margasari&lang=English"
        )
        expect(page.locator("h1").first).to_have_text("Programs", timeout=LONG)
        wait_until_rendered(page)
        table = pd.read_csv(io.BytesIO(download(page, f"All {found} rows (CSV)")), encoding="utf-8-sig")
        assert len(table) == found
        assert table["Program"].str.contains("Margasari").all()
        assert table["Status"].str.contains("On track|Needs attention|Off track|No data").all()
        assert table["link"].str.endswith("&lang=English").all()
        page.context.close()

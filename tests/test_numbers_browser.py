"""In Chromium set to English or Indonesian: a number typed into the results grid is read by the
interface language, never by the browser's (which reads ``13,5`` as 135 in English)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from sinergi.core.db import engine_for
from tests.browser import served_app
from tests.conftest import DemoAccounts
from tests.test_browser import sign_in, wait_for_cookie, wait_until_rendered

pytestmark = pytest.mark.browser

LONG = 60_000
# The demo's coconut fibre program (the first one PT KPI's staff is offered), 2025-S1: "Anggota perempuan
# aktif" has target 45, 37 the semester before, no actual yet. The actual is the grid's fifth column.
INDICATOR, ACTUAL_COLUMN = "Anggota perempuan aktif", 4
HEADER_HEIGHT = ROW_HEIGHT = 35


def actuals(url: str) -> dict[int, object]:
    """Every result's actual by its id."""
    with engine_for(url).connect() as connection:
        return dict(connection.execute(text("SELECT id, actual FROM result")).tuples().all())


def changed_actuals(url: str, before: dict[int, object]) -> list[object]:
    """The actuals that differ from ``before`` (the row typed into is found by its place on screen,
    so the test checks what changed rather than one row by name)."""
    return [actual for row_id, actual in actuals(url).items() if before.get(row_id) != actual]


def open_grid(page: Page, base: str, username: str, *, english: bool) -> None:
    page.goto(f"{base}/data?tab=Isi%20data")
    sign_in(page, username)
    task = page.get_by_label("Apa yang ingin diisi?")
    expect(task).to_be_visible(timeout=LONG)
    wait_for_cookie(page.context)
    wait_until_rendered(page)
    if english:
        page.get_by_test_id("stButtonGroup").get_by_text("English", exact=True).click()
        task = page.get_by_label("What do you want to fill in?")
        expect(task).to_be_visible(timeout=LONG)
        wait_until_rendered(page)
    task.click()
    page.get_by_role(
        "option", name="Targets & actuals per semester" if english else "Target & realisasi per semester"
    ).click()
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=LONG)
    wait_until_rendered(page)


def type_into_cell(page: Page, text: str) -> None:
    """Select the indicator's first cell, move to its actual with the keyboard, type into the cell's
    editor (once it is open: keys pressed while it opens are lost) and commit. Each step waits until
    the grid's accessible table shows the cell it should have reached selected: a key pressed before
    the grid has taken the click is lost, and the number would go into another column."""
    grid = page.get_by_test_id("stDataFrame").first
    cells = grid.locator("tr[role=row]").filter(has_text=INDICATOR).locator("td[role=gridcell]")
    cell_id = cells.first.get_attribute("id") or ""  # glide-cell-<column>-<row>
    row_index = int(cell_id.rsplit("-", 1)[1])
    grid.click(position={"x": 20, "y": HEADER_HEIGHT + row_index * ROW_HEIGHT + ROW_HEIGHT / 2})
    expect(cells.first).to_have_attribute("aria-selected", "true")
    for column in range(1, ACTUAL_COLUMN + 1):
        page.keyboard.press("ArrowRight")
        expect(cells.nth(column)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")  # opens the cell's editor
    editor = page.locator("textarea.gdg-input")
    expect(editor).to_be_visible(timeout=LONG)
    editor.fill(text)
    page.keyboard.press("Enter")
    expect(editor).to_have_count(0)
    # The edit reaches the server as a rerun of its own, which may not have started yet.
    page.wait_for_timeout(1500)
    wait_until_rendered(page)


@pytest.mark.parametrize(
    ("locale", "english", "typed"),
    [("id-ID", False, "13,5"), ("en-US", False, "13,5"), ("en-US", True, "13.5")],
)
def test_a_number_typed_into_the_grid_is_read_by_the_interface_language(
    browser: Browser,
    demo_copy_url: str,
    demo_accounts: DemoAccounts,
    locale: str,
    english: bool,
    typed: str,
) -> None:
    with served_app(demo_copy_url) as base:
        context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 900})
        page = context.new_page()
        open_grid(page, base, demo_accounts.kpi.username, english=english)
        before = actuals(demo_copy_url)
        type_into_cell(page, typed)
        page.get_by_role("button", name="Save" if english else "Simpan", exact=True).click()
        expect(page.get_by_text("1 rows saved." if english else "1 baris tersimpan.")).to_be_visible(
            timeout=LONG
        )
        assert changed_actuals(demo_copy_url, before) == [13.5]
        expect(page.get_by_test_id("stException")).to_have_count(0)
        context.close()


def test_an_indonesian_number_in_the_english_interface_is_refused_not_read_as_thousands(
    browser: Browser, demo_copy_url: str, demo_accounts: DemoAccounts
) -> None:
    with served_app(demo_copy_url) as base:
        context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        open_grid(page, base, demo_accounts.kpi.username, english=True)
        before = actuals(demo_copy_url)
        type_into_cell(page, "13,5")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("Not saved: 1 cells are not clear numbers.", exact=False)).to_be_visible(
            timeout=LONG
        )
        assert changed_actuals(demo_copy_url, before) == []
        context.close()

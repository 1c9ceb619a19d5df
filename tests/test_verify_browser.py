"""/verify in Chromium at 1366 × 768, set to Indonesian: the figures a verifier acts on are on screen
without scrolling sideways, and a selected result is verified."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from sinergi.core.secrets import cookie_key
from sinergi.core.settings import PROJECT_ROOT
from tests.browser import served_app
from tests.conftest import DemoAccounts
from tests.test_browser import cookie_for, token, wait_until_rendered
from tests.test_data_page import scalar

pytestmark = pytest.mark.browser

LONG = 60_000
HEADER_HEIGHT = ROW_HEIGHT = 35
SCREENSHOT = PROJECT_ROOT / "test-artifacts" / "verify-1366x768.png"
ACTED_ON = ["Perusahaan", "Indikator", "Periode", "Realisasi", "Target", "Capaian", "Periode lalu"]


def test_the_queue_fits_1366_pixels_and_verifies_a_selected_result(
    browser: Browser, demo_copy_url: str, demo_accounts: DemoAccounts
) -> None:
    agency = demo_accounts.kukar
    in_queue = (
        "SELECT count(*) FROM result r JOIN indicator i ON i.id = r.indicator_id "
        "JOIN program_village pv ON pv.program_id = i.program_id JOIN village v ON v.id = pv.village_id "
        f"JOIN district d ON d.id = v.district_id WHERE d.regency_id = {agency.regency_id} AND r.state = "
    )
    waiting = scalar(demo_copy_url, in_queue + "'submitted'")
    verified = scalar(demo_copy_url, in_queue + "'verified'")
    with served_app(demo_copy_url) as base:
        context = browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 768})
        context.add_cookies(cookie_for(base, token(agency.username, cookie_key())))
        page = context.new_page()
        page.goto(f"{base}/verify")
        grid = page.get_by_test_id("stDataFrame").first
        expect(grid).to_be_visible(timeout=LONG)
        wait_until_rendered(page)

        # Nothing scrolls sideways: neither the page nor the table before the columns acted on.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        box = grid.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1366
        # The table draws (and names in its accessible header) only the columns in view, in order;
        # one more after them means those acted on are wholly in view.
        headers = grid.locator("th")
        expect(headers.nth(len(ACTED_ON))).to_be_attached(timeout=LONG)
        assert headers.all_inner_texts()[: len(ACTED_ON)] == ACTED_ON
        # Figures are written the Indonesian way.
        assert "74,6" in grid.locator("td").all_inner_texts()
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))

        # The first row's selection box, then the button it brings.
        grid.click(position={"x": 16, "y": HEADER_HEIGHT + ROW_HEIGHT / 2})
        button = page.get_by_role("button", name="Verifikasi yang dipilih (1)")
        expect(button).to_be_visible(timeout=LONG)
        wait_until_rendered(page)
        button.click()
        expect(page.get_by_text("1 realisasi diverifikasi.")).to_be_visible(timeout=LONG)
        context.close()
    assert scalar(demo_copy_url, in_queue + "'submitted'") == waiting - 1  # type: ignore[operator]
    assert scalar(demo_copy_url, in_queue + "'verified'") == verified + 1  # type: ignore[operator]

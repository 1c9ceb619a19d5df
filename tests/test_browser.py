"""The served app in Debian's Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser import served_app

pytestmark = pytest.mark.browser


def test_overview_shows_the_demo_figures(browser: Browser, demo_sqlite_url: str) -> None:
    with served_app(demo_sqlite_url) as base:
        page = browser.new_page()
        page.goto(base)
        expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_be_attached(
            timeout=60_000
        )
        tiles = page.get_by_test_id("stMetric")
        expect(tiles.first).to_be_visible(timeout=30_000)
        assert tiles.count() == 7
        expect(page.get_by_test_id("stMetric").filter(has_text="Program")).not_to_have_count(0)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        page.close()

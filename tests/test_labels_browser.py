"""In Chromium, a chart on the overview carries its description as its accessible name."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from sinergi.core.secrets import cookie_key
from sinergi.i18n.texts import translate
from tests.browser import served_app
from tests.conftest import DemoAccounts
from tests.test_browser import cookie_for, token, wait_until_rendered

pytestmark = pytest.mark.browser


def test_the_overview_trend_chart_is_named_for_screen_readers(
    browser: Browser, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    with served_app(demo_sqlite_url) as base:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.add_cookies(cookie_for(base, token(demo_accounts.admin.username, cookie_key())))
        page = context.new_page()
        page.goto(base)
        charts = page.get_by_test_id("stVegaLiteChart")
        expect(charts.first).to_be_visible(timeout=60_000)
        wait_until_rendered(page)
        # Vega names the chart's own element: the description is its aria-label.
        named = page.locator(
            f'[data-testid="stVegaLiteChart"][aria-label="{translate("chart.trend", "id")}"]'
        )
        expect(named).to_have_count(1, timeout=60_000)
        expect(named).to_have_attribute("role", "graphics-document")
        expect(named).to_have_attribute("aria-roledescription", "visualization")
        expect(charts.and_(page.locator(":not([aria-label])"))).to_have_count(0)
        context.close()

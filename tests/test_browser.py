"""The served app in Debian's Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from domain.db import engine_for
from tests.browser import served_app
from tests.conftest import DemoAccounts
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def wait_until_rendered(page: Page) -> None:
    expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_be_attached(
        timeout=60_000
    )


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Fill the login form the app shows in place of a page that needs an account."""
    form = page.get_by_test_id("stForm")
    expect(form).to_be_visible(timeout=60_000)
    form.get_by_label("Nama pengguna").fill(username)
    form.get_by_label("Kata sandi").fill(password)
    form.get_by_role("button", name="Masuk").click()


def test_overview_shows_the_demo_figures(
    browser: Browser, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    with engine_for(demo_sqlite_url).connect() as connection:
        meetings = connection.execute(text("SELECT count(*) FROM meeting")).scalar_one()
    with served_app(demo_sqlite_url) as base:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(base)
        sign_in(page, demo_accounts.admin.username)
        tiles = page.get_by_test_id("stMetric")
        expect(tiles).to_have_count(8, timeout=30_000)
        expect(tiles.filter(has_text="Pertemuan")).to_contain_text(str(meetings))
        expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("stException")).to_have_count(0)

        # English on request, kept while moving to another page of the same session.
        page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
        expect(page.locator("h1").first).to_have_text("TJSL programs at a glance", timeout=30_000)
        page.get_by_test_id("stSidebarNav").get_by_text("Programs").click()
        expect(page.locator("h1").first).to_have_text("Programs", timeout=30_000)
        page.close()


def test_program_link_opened_first_in_a_new_browser(
    browser: Browser, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    """A pasted /program?id=N link, the first request the server ever gets, opens that program after
    signing in, and a reload keeps both the page and the sign-in."""
    with engine_for(demo_sqlite_url).connect() as connection:
        program_id, name = connection.execute(
            text("SELECT id, name FROM program WHERE name LIKE 'Mariojela%'")
        ).one()
        indicators = connection.execute(
            text("SELECT count(*) FROM indicator WHERE program_id = :p"), {"p": program_id}
        ).scalar_one()
    with served_app(demo_sqlite_url) as base:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/program?id={program_id}")
        sign_in(page, demo_accounts.kpi.username)
        expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(indicators, timeout=30_000)
        expect(page.get_by_test_id("stMetric")).to_have_count(4)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        expect(page.get_by_test_id("stSidebarNav")).to_contain_text("Ringkasan")
        assert page.url.endswith(f"/program?id={program_id}")

        page.reload()
        wait_until_rendered(page)
        expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("stForm")).to_have_count(0)
        context.close()

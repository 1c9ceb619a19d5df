"""The served app in Debian's Chromium."""

from __future__ import annotations

import io
import re
import time
from datetime import datetime, timedelta

import jwt
import pandas as pd
import pytest
from playwright._impl._api_structures import SetCookieParam
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from sqlalchemy import text

from sinergi.core.db import engine_for
from sinergi.core.secrets import cookie_key
from sinergi.core.settings import COOKIE_EXPIRY_DAYS, COOKIE_NAME
from tests.browser import download, served_app
from tests.conftest import DemoAccounts
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def wait_until_rendered(page: Page) -> None:
    expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_be_attached(
        timeout=60_000
    )


def login_form(page: Page) -> Locator:
    """The sign-in form (other forms, such as the share form, do not count)."""
    return page.get_by_test_id("stForm").filter(has=page.get_by_label("Nama pengguna"))


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Fill the login form the app shows in place of a page that needs an account."""
    form = login_form(page)
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
        expect(tiles).to_have_count(9, timeout=60_000)
        # A run that follows sign-in may still hold the tiles of the one before it for a while.
        wait_until_rendered(page)
        expect(tiles.filter(has_text="Pertemuan")).to_contain_text(str(meetings), timeout=60_000)
        expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=60_000)
        expect(page.get_by_test_id("stException")).to_have_count(0)

        # English on request, kept while moving to another page of the same session.
        page.get_by_test_id("stButtonGroup").get_by_text("English", exact=True).click()
        expect(page.locator("h1").first).to_have_text("TJSL programs at a glance", timeout=60_000)
        page.get_by_test_id("stTopNavLink").filter(has_text="Programs").click()
        expect(page.locator("h1").first).to_have_text("Programs", timeout=60_000)
        # A full page load is a new session: the address keeps the language.
        expect(page).to_have_url(re.compile(r"lang=English"), timeout=30_000)
        page.reload()
        expect(page.locator("h1").first).to_have_text("Programs", timeout=60_000)
        page.close()


def test_a_charts_menu_downloads_its_data_and_its_image(
    browser: Browser, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    """Under each chart, a menu whose buttons are drawn once it is opened; each gives its file."""
    with served_app(demo_sqlite_url) as base:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.add_cookies(cookie_for(base, token(demo_accounts.admin.username, cookie_key())))
        page = context.new_page()
        page.goto(base)
        expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=60_000)
        wait_until_rendered(page)
        expect(page.get_by_role("button", name="Data (CSV)")).to_have_count(0)
        page.get_by_test_id("stPopover").filter(has_text="Unduh").first.get_by_role("button").click()
        expect(page.get_by_role("button", name="Data (CSV)")).to_be_visible(timeout=60_000)
        wait_until_rendered(page)
        table = download(page, "Data (CSV)").decode("utf-8-sig")
        header, *rows = table.splitlines()
        assert header.split(",")[:3] == ["group", "status", "results"] and "share" in header.split(",")
        assert rows and any(row.startswith("Ekonomi,") for row in rows), table
        if not page.get_by_role("button", name="Grafik (PNG)").is_visible():
            page.get_by_test_id("stPopover").filter(has_text="Unduh").first.get_by_role("button").click()
        image = download(page, "Grafik (PNG)", timeout_ms=120_000)
        assert image.startswith(b"\x89PNG\r\n\x1a\n") and len(image) > 2_000
        context.close()


def test_program_link_opened_first_in_a_new_browser(
    browser: Browser, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    """A pasted /program?id=N link, the first request the server ever gets, opens that program after
    signing in, and a reload keeps both the page and the sign-in."""
    with engine_for(demo_sqlite_url).connect() as connection:
        program_id, name = connection.execute(
            text("SELECT id, name FROM program WHERE name LIKE 'Mariojela%'")
        ).one()
    with served_app(demo_sqlite_url) as base:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/program?id={program_id}")
        sign_in(page, demo_accounts.kpi.username)
        expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=60_000)
        expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(1, timeout=60_000)
        expect(page.get_by_test_id("stMetric")).to_have_count(4)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        expect(page.get_by_test_id("stTopNav")).to_contain_text("Ringkasan")
        assert page.url.endswith(f"/program?id={program_id}")

        wait_for_cookie(context)  # written by a component in the browser, shortly after sign-in
        page.reload()
        wait_until_rendered(page)
        expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=60_000)
        expect(login_form(page)).to_have_count(0)
        context.close()


def test_a_programs_indicators_download_as_one_table_and_one_image(
    browser: Browser, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    """The menu under the program's indicator chart gives every indicator's semesters in one CSV, each
    row named by its indicator and unit, and the whole stack of panels as one PNG; the program's other
    tabs are links of their own."""
    with engine_for(demo_sqlite_url).connect() as connection:
        program_id = connection.execute(
            text("SELECT id FROM program WHERE name LIKE 'Mariojela%'")
        ).scalar_one()
        expected = connection.execute(
            text(
                "SELECT i.name, i.unit, p.code FROM result r JOIN indicator i ON i.id = r.indicator_id "
                "JOIN period p ON p.id = r.period_id WHERE i.program_id = :p"
            ),
            {"p": program_id},
        ).all()
    with served_app(demo_sqlite_url) as base:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.add_cookies(cookie_for(base, token(demo_accounts.kpi.username, cookie_key())))
        page = context.new_page()
        page.goto(f"{base}/program?id={program_id}")
        expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(1, timeout=60_000)
        wait_until_rendered(page)
        page.get_by_test_id("stPopover").filter(has_text="Unduh").first.get_by_role("button").click()
        expect(page.get_by_role("button", name="Data (CSV)")).to_be_visible(timeout=60_000)
        wait_until_rendered(page)
        table = pd.read_csv(io.BytesIO(download(page, "Data (CSV)")), encoding="utf-8-sig")
        assert list(table.columns[:3]) == ["indicator", "unit", "period"]
        assert sorted(zip(table["indicator"], table["unit"], table["period"], strict=True)) == sorted(
            (name, unit, code) for name, unit, code in expected
        )
        if not page.get_by_role("button", name="Grafik (PNG)").is_visible():
            page.get_by_test_id("stPopover").filter(has_text="Unduh").first.get_by_role("button").click()
        image = download(page, "Grafik (PNG)", timeout_ms=120_000)
        assert image.startswith(b"\x89PNG\r\n\x1a\n") and len(image) > 2_000

        # Another tab of the program is a link of its own: picked, it is in the address and a reload
        # opens it again.
        page.get_by_role("tab", name="Masukan").click()
        expect(page).to_have_url(re.compile(r"[?&]tab=Masukan"), timeout=60_000)
        wait_until_rendered(page)
        expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(0)
        page.reload()
        wait_until_rendered(page)
        expect(page.get_by_role("tab", name="Masukan")).to_have_attribute(
            "aria-selected", "true", timeout=60_000
        )
        expect(page.get_by_test_id("stDataFrame")).to_have_count(1, timeout=60_000)
        context.close()


def wait_for_cookie(context: BrowserContext) -> str:
    """The sign-in cookie, once the authenticator's component has written it."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for cookie in context.cookies():
            if cookie.get("name") == COOKIE_NAME:
                return str(cookie.get("value"))
        time.sleep(0.2)
    raise AssertionError("the sign-in cookie was never written")


def cookie_for(base: str, value: str) -> list[SetCookieParam]:
    return [{"name": COOKIE_NAME, "value": value, "url": base}]


def token(username: str, key: str) -> str:
    expires = (datetime.now() + timedelta(days=COOKIE_EXPIRY_DAYS)).timestamp()
    return jwt.encode({"username": username, "exp_date": expires}, key, algorithm="HS256")


def test_forged_cookie_is_refused_and_a_signed_one_accepted(
    browser: Browser, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    with served_app(demo_sqlite_url) as base:
        forged = browser.new_context()
        forged.add_cookies(cookie_for(base, token(demo_accounts.admin.username, "kunci-palsu-" + "x" * 40)))
        page = forged.new_page()
        page.goto(base)
        expect(login_form(page)).to_be_visible(timeout=60_000)
        expect(page.get_by_test_id("stMetric")).to_have_count(0)
        forged.close()

        genuine = browser.new_context()
        genuine.add_cookies(cookie_for(base, token(demo_accounts.reader.username, cookie_key())))
        page = genuine.new_page()
        page.goto(base)
        expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
        genuine.close()


def test_cookie_replayed_after_logout_is_refused(
    browser: Browser, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    with served_app(demo_sqlite_url) as base:
        first = browser.new_context(viewport={"width": 1366, "height": 900})
        page = first.new_page()
        page.goto(base)
        sign_in(page, demo_accounts.indexim.username)
        expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
        stolen = wait_for_cookie(first)

        copy = browser.new_context()
        copy.add_cookies(cookie_for(base, stolen))
        other = copy.new_page()
        other.goto(base)
        expect(other.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
        other.close()

        page.get_by_test_id("stPopover").filter(has_text=demo_accounts.indexim.username).click()
        page.get_by_role("button", name="Keluar").click()
        expect(login_form(page)).to_be_visible(timeout=60_000)
        first.close()

        replay = copy.new_page()
        replay.goto(base)
        expect(login_form(replay)).to_be_visible(timeout=60_000)
        expect(replay.get_by_test_id("stMetric")).to_have_count(0)
        copy.close()

"""A company user downloads the semester report in Debian's Chromium and hands out what it holds."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from sqlalchemy import text

from sinergi.core.db import engine_for
from tests.browser import served_app
from tests.conftest import DemoAccounts
from tests.test_browser import sign_in, wait_for_cookie, wait_until_rendered

pytestmark = pytest.mark.browser


def download(page: Page, button: str, folder: Path) -> tuple[str, bytes]:
    with page.expect_download(timeout=120_000) as started:
        page.get_by_role("button", name=button).click()
    done = started.value
    target = folder / done.suggested_filename
    done.save_as(target)
    return done.suggested_filename, target.read_bytes()


def test_a_company_user_downloads_the_semester_report(
    browser: Browser,
    demo_sqlite_url: str,
    demo_accounts: DemoAccounts,
    tmp_path: Path,
) -> None:
    with engine_for(demo_sqlite_url).connect() as connection:
        indicators = connection.execute(
            text(
                "SELECT i.name FROM indicator i JOIN program p ON p.id = i.program_id "
                "JOIN company c ON c.id = p.company_id WHERE c.name = 'PT Indexim Coalindo'"
            )
        ).scalars()
        names = [str(name) for name in indicators]
    assert names
    with served_app(demo_sqlite_url) as base:
        page = browser.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True)
        page.goto(f"{base}/data?tab=Laporan+semester")
        sign_in(page, demo_accounts.indexim.username)
        expect(page.get_by_text("Seluruh program perusahaan")).to_be_visible(timeout=60_000)
        wait_for_cookie(page.context)  # the cookie component reruns the page once more
        wait_until_rendered(page)
        page.get_by_text("Seluruh program perusahaan").click()
        # Each choice reruns the page; the line naming the report shows when that run drew it, and a
        # click on a button the rerun is about to replace would be lost.
        expect(page.get_by_text("Laporan: PT Indexim Coalindo, semester")).to_be_visible(timeout=60_000)
        wait_until_rendered(page)
        page.get_by_test_id("stSelectbox").filter(has_text="Semester").click()
        page.get_by_role("option", name="2023-S1").click()
        expect(page.get_by_text("Laporan: PT Indexim Coalindo, semester 2023-S1")).to_be_visible(
            timeout=60_000
        )
        wait_until_rendered(page)

        name, pdf = download(page, "Unduh PDF", tmp_path)
        assert name == "laporan-evaluasi-2023-S1-pt-indexim-coalindo.pdf"
        reader = PdfReader(io.BytesIO(pdf))
        printed = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
        assert "Laporan Evaluasi Semester PT Indexim Coalindo" in printed
        assert "Evaluasi Semesteran PPM 2023-S1" in printed
        for indicator in names:
            assert indicator in printed

        name, xlsx = download(page, "Unduh Excel", tmp_path)
        assert name.endswith(".xlsx")
        book = load_workbook(io.BytesIO(xlsx))
        assert "Indikator" in book.sheetnames
        expect(page.get_by_test_id("stException")).to_have_count(0)
        page.close()


def test_the_program_pages_report_link_opens_that_programs_report(
    browser: Browser, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    with engine_for(demo_sqlite_url).connect() as connection:
        program_id = connection.execute(text("SELECT id FROM program WHERE name LIKE 'Mariojela%'")).scalar()
    with served_app(demo_sqlite_url) as base:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{base}/program?id={program_id}")
        sign_in(page, demo_accounts.kpi.username)
        wait_for_cookie(page.context)
        wait_until_rendered(page)
        # The program page's own tab is the one the session remembers when the link is followed.
        expect(page.get_by_role("tab", name="Indikator", selected=True)).to_be_visible(timeout=60_000)
        page.get_by_role("link", name="Laporan evaluasi semester").click()
        expect(page.get_by_role("tab", name="Laporan semester", selected=True)).to_be_visible(timeout=60_000)
        expect(page.get_by_role("radio", name="Satu program")).to_be_checked()
        expect(page).to_have_url(re.compile(rf"/data\?program={program_id}$"))

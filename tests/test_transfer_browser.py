"""In Chromium: download the template, fill it with demo rows, upload it, read the preview, import,
export, and hand out the semester report of what was imported."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from sqlalchemy import text

from sinergi.core.db import engine_for, upgrade_database
from sinergi.worlds.demo import load_demo
from tests.browser import download, served_app
from tests.factories import make_account
from tests.test_browser import sign_in, wait_for_cookie, wait_until_rendered

pytestmark = pytest.mark.browser


def upload(page: Page, path: Path) -> None:
    page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(path))


def test_company_user_imports_the_filled_template(browser: Browser, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sinergi.db'}"
    upgrade_database(url)
    engine = engine_for(url)
    load_demo(engine=engine)
    make_account(engine, username="rina", role="company", company="PT Indexim Coalindo")

    def programs() -> int:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM program")).scalar_one())

    before = programs()
    with served_app(url) as base:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{base}/data?tab=Impor")
        sign_in(page, "rina")
        # Signing in reruns the page (and the cookie component reruns it again): click once it is drawn.
        expect(page.get_by_role("button", name="Unduh templat (.xlsx)")).to_be_visible(timeout=60_000)
        wait_for_cookie(page.context)
        wait_until_rendered(page)
        book = load_workbook(io.BytesIO(download(page, "Unduh templat (.xlsx)")))
        assert book.sheetnames[0] == "Petunjuk"

        # First with a mistake: a date nobody can read.
        book["Program"].append(
            ["", "Bank Sampah Kaubun", "", "Lingkungan", "Pelaksanaan", "Ya", "31/02/2024"]
        )
        book["Anggaran"].append(["", "Bank Sampah Kaubun", 2024, 150_000_000, 20_000_000])
        book["Indikator"].append(["", "Bank Sampah Kaubun", "Sampah terkelola", "kg"])
        book["Capaian"].append(["", "Bank Sampah Kaubun", "Sampah terkelola", "2024-S1", 1000, "850,5"])
        bad = tmp_path / "templat-salah.xlsx"
        book.save(bad)
        upload(page, bad)
        expect(page.get_by_text("kesalahan ditemukan; belum ada yang disimpan")).to_be_visible(timeout=60_000)
        expect(page.get_by_role("button", name="Impor sekarang")).to_have_count(0)
        assert programs() == before

        # Fixed, uploaded again: the preview counts the new rows, the import writes them.
        book["Program"]["G2"] = date(2024, 2, 1)
        good = tmp_path / "templat.xlsx"
        book.save(good)
        upload(page, good)
        expect(page.get_by_text("Semua baris benar")).to_be_visible(timeout=60_000)
        expect(page.get_by_test_id("stDataFrame")).to_have_count(1)
        assert programs() == before
        page.get_by_role("button", name="Impor sekarang").click()
        expect(page.get_by_text("Impor selesai.")).to_be_visible(timeout=60_000)
        expect(page.get_by_test_id("stException")).to_have_count(0)

        # The export holds the imported program, the company's own rows only, numbers as numbers.
        page.get_by_role("tab", name="Ekspor").click()
        expect(page.get_by_test_id("stPopover").filter(has_text="Saring:")).to_be_visible(timeout=60_000)
        wait_until_rendered(page)
        exported = load_workbook(io.BytesIO(download(page, "Excel (.xlsx)")))
        rows = list(exported["Capaian"].iter_rows(min_row=2, values_only=True))
        assert {row[0] for row in rows} == {"PT Indexim Coalindo"}
        assert ("Bank Sampah Kaubun", "Sampah terkelola", "2024-S1", 1000, 850.5) in {
            row[1:6] for row in rows
        }

        # The semester report of the imported program carries the imported figures.
        page.get_by_role("tab", name="Laporan semester").click()
        expect(page.get_by_text("Seluruh program perusahaan")).to_be_visible(timeout=60_000)
        wait_until_rendered(page)
        page.get_by_test_id("stSelectbox").filter(has_text="Semester").click()
        page.get_by_role("option", name="2024-S1").click()
        wait_until_rendered(page)
        page.get_by_test_id("stSelectbox").filter(has_text="Program").click()
        page.get_by_role("option", name="Bank Sampah Kaubun").click()
        expect(page.get_by_text("Laporan: Bank Sampah Kaubun, semester 2024-S1")).to_be_visible(
            timeout=60_000
        )
        wait_until_rendered(page)
        report = PdfReader(io.BytesIO(download(page, "Unduh PDF", timeout_ms=120_000)))
        printed = " ".join(" ".join(p.extract_text() for p in report.pages).split())
        assert "Sampah terkelola" in printed
        assert "1.000 850,5 85%" in printed
        page.close()

    assert programs() == before + 1
    with engine.connect() as connection:
        actual = connection.execute(
            text(
                "SELECT r.actual FROM result r JOIN indicator i ON i.id = r.indicator_id "
                "WHERE i.name = 'Sampah terkelola'"
            )
        ).scalar_one()
    assert actual == 850.5

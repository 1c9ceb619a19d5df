"""Serving the app on a free port and driving Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.pg_server import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def served_app(
    database_url: str,
    *,
    script: str = "app.py",
    address: str | None = "127.0.0.1",
    log_path: Path | None = None,
) -> Iterator[str]:
    """Run ``streamlit run`` on a free port, on 127.0.0.1 (``address=None``: wherever the project's
    configuration says); yield the base URL; stop it afterwards. The server's output is kept in
    ``log_path`` if given, to read after the run."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        *(["--server.address", address] if address else []),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    # The server's output goes to a file: a pipe nobody reads while the server runs would stop the
    # server once its buffer is full.
    log = log_path.open("w+b") if log_path else tempfile.TemporaryFile()  # noqa: SIM115 (closed below)
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"streamlit exited early:\n{log.read().decode(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("streamlit did not become healthy") from None
                time.sleep(0.25)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def served_pid(port: str) -> int:
    """The streamlit process this process started for ``port`` (a child of this process)."""
    me = str(os.getpid())
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = (proc / "stat").read_text().rsplit(")", 1)[1].split()[1]
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if ppid == me and b"streamlit" in command and port.encode() in command:
            return int(proc.name)
    raise RuntimeError(f"no streamlit child serves port {port}")


def download(page: Page, button: str, *, attempts: int = 3, timeout_ms: int = 60_000) -> bytes:
    """Click a download button and return the file.

    A click that lands while the page is being redrawn (sign-in and the cookie component rerun it)
    starts nothing; on a loaded machine that is worth another click rather than a failed test.
    """
    for attempt in range(attempts):
        try:
            with page.expect_download(timeout=timeout_ms) as started:
                page.get_by_role("button", name=button).click()
            return Path(started.value.path()).read_bytes()
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")

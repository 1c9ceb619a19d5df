"""The app's server (`streamlit run`, as `make run` starts it)."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from tests.browser import served_app, served_pid


def test_the_server_runs_on_uvloop_and_httptools(demo_sqlite_url: str) -> None:
    """A first visit fetches the whole frontend from the app's own server: it runs on the faster event
    loop and HTTP parser that the requirements install (Streamlit falls back without a word)."""
    with served_app(demo_sqlite_url) as base:
        with urllib.request.urlopen(base, timeout=30) as response:
            assert response.status == 200
        server = served_pid(base.rsplit(":", 1)[1])
        loaded = Path(f"/proc/{server}/maps").read_text()
    assert "/uvloop/" in loaded and "/httptools/" in loaded

"""Every page through Streamlit's AppTest, on the demo data and on an empty database."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from domain.db import engine_for, upgrade_database
from domain.formatting import number
from domain.settings import PROJECT_ROOT


def run_app(monkeypatch: pytest.MonkeyPatch, database_url: str, *, lang: str | None = None) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", database_url)
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    if lang:
        app.session_state["lang"] = lang
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_overview_counts_match_the_database(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> None:
    app = run_app(monkeypatch, demo_sqlite_url)
    shown = metrics(app)
    with engine_for(demo_sqlite_url).connect() as connection:
        expected = {
            label: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for label, table in [
                ("Perusahaan", "company"),
                ("Program", "program"),
                ("Indikator", "indicator"),
                ("Data capaian", "result"),
                ("Pertemuan", "meeting"),
                ("Masukan", "feedback_item"),
            ]
        }
    for label, count in expected.items():
        assert count > 0
        assert shown[label] == number(count, "id")
    markdown = " ".join(block.value for block in app.markdown)
    assert "data contoh" in " ".join(w.value for w in app.warning)
    for number_ in range(1, 7):
        assert f"**{number_}. " in markdown


def test_overview_speaks_english_on_request(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> None:
    app = run_app(monkeypatch, demo_sqlite_url, lang="en")
    assert "Companies" in metrics(app)
    assert "demo data" in " ".join(w.value for w in app.warning)


def test_overview_on_an_empty_database_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    upgrade_database(sqlite_url)
    app = run_app(monkeypatch, sqlite_url)
    assert not app.metric
    assert "load-demo" in app.info[0].value

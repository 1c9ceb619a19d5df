"""Opening a page of the app through Streamlit's AppTest, as a signed-in viewer."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

import models as m
from sinergi.core.access import Viewer, viewer_for
from sinergi.core.db import engine_for, read_session
from sinergi.core.settings import PROJECT_ROOT
from sinergi.i18n.texts import LANGUAGES, translate
from tests.factories import make_account


def first_admin(database_url: str) -> Viewer:
    """The database's first admin, created if there is none."""
    engine = engine_for(database_url)
    with engine.connect() as connection:
        user_id = connection.execute(
            text("SELECT id FROM app_user WHERE role = 'admin' ORDER BY id")
        ).scalar()
    if user_id is None:
        return make_account(engine, username="admin", role="admin")
    with read_session(engine) as session:
        user = session.get(m.User, user_id)
        assert user is not None
        return viewer_for(user)


def open_page(
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    page: str = "pages/overview.py",
    *,
    lang: str | None = None,
    params: dict[str, str] | None = None,
    viewer: Viewer | None = None,
    signed_in: bool = True,
) -> AppTest:
    """The app as ``viewer`` (signed in already; by default the first admin) sees ``page``."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    if signed_in:
        app.session_state["viewer"] = viewer or first_admin(database_url)
        app.session_state["signed_in_at"] = time.time()
    if lang:
        app.session_state["lang"] = lang
    for key, value in (params or {}).items():
        app.query_params[key] = value
    app.run()
    if page != "pages/overview.py":
        app.switch_page(page).run()
    assert_ran_clean(app)
    return app


def assert_ran_clean(app: AppTest) -> None:
    """The run raised nothing: neither an exception Streamlit shows nor one the app caught and told
    the reader about (``ui.run_page``)."""
    assert not app.exception, [e.message for e in app.exception]
    unexpected = {translate("app.unexpected_error", lang) for lang in LANGUAGES}
    assert not [e.value for e in app.error if e.value in unexpected], "the page failed; see the log"

"""What every page shows a reader, in both languages and every role, is written for people: no "None",
"nan" or "NaT", no ISO date, no code of an action, state or status where its word belongs, no bare
record id, and every chart has a description that names what it shows."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from sinergi.core.access import Viewer
from sinergi.core.db import engine_for, write_session
from sinergi.i18n import registry
from sinergi.i18n.texts import TEXTS, translate
from sinergi.reports import charts
from sinergi.writes import sharing
from tests.apptest import open_page
from tests.conftest import DemoAccounts

PAGES = [
    "pages/overview.py",
    "pages/programs.py",
    "pages/program.py",
    "pages/engagement.py",
    "pages/compliance.py",
    "pages/reporting.py",
    "pages/verify.py",
    "pages/data.py",
    "pages/account.py",
    "pages/present.py",
    "pages/console.py",
]
# The pages with tabs of which only the chosen one is drawn, and the keys of their tabs.
TABS = {
    "pages/program.py": (
        "program.tab.indicators",
        "program.tab.budget",
        "program.tab.evaluations",
        "program.tab.feedback",
    ),
    "pages/data.py": ("data.tab.entry", "data.tab.import", "data.tab.export", "data.tab.report"),
}
ROLES = ("admin", "kpi", "kukar", "reader")

NOT_FOR_PEOPLE = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|\bNaT\b|\b\d{4}-\d{2}-\d{2}\b")
# What a column of record ids is called; a reader gets a name instead. The audit log keeps the number
# of the record a row is about: many (a result, a link) have no name, and the admin looks it up by it.
ID_COLUMN = re.compile(r"(^|_)id$")
NUMBERED = {"entity_id"}
# A picker's option that is only a number of a record (years have four digits and are words here).
BARE_ID = re.compile(r"#?\d{1,3}")


def codes() -> frozenset[str]:
    """Every code a reader must see as a word: audit actions and entities, and enumeration values."""
    values: set[str] = set(registry.AUDIT_ACTIONS) | set(registry.AUDIT_ENTITIES)
    for enum in registry.MODEL_ENUMERATIONS.values():
        values |= {member.value for member in enum}
    values |= set(charts.STATUS_COLOURS) | set(charts.SHARE_COLOURS)
    return frozenset(values)


def words_of(lang: str) -> frozenset[str]:
    """The texts of the catalog in ``lang``: a code that is also a word there ("Admin") is no code."""
    index = 0 if lang == "id" else 1
    return frozenset(pair[index] for pair in TEXTS.values())


def _visible_cells(element: Any) -> Iterator[tuple[str, str]]:
    """(column, cell as shown) of a dataframe's shown columns; a missing value is shown as the table's
    placeholder (Streamlit writes "None" when there is none)."""
    frame = element.value
    if not isinstance(frame, pd.DataFrame):
        return
    config = json.loads(element.proto.columns or "{}")
    order = list(element.proto.column_order) or list(frame.columns)
    placeholder = element.proto.placeholder if element.proto.HasField("placeholder") else "None"
    for column in order:
        if column not in frame.columns or config.get(column, {}).get("hidden"):
            continue
        for value in frame[column]:
            missing = value is None or (not isinstance(value, list | tuple) and pd.isna(value))
            yield str(column), placeholder if missing else str(value)


def shown_texts(app: AppTest) -> Iterator[tuple[str, str]]:
    """(where, text) of everything the run shows a reader."""
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "success",
        "error",
    ):
        for element in app.get(kind):
            yield kind, str(getattr(element, "value", ""))
    for widgets in (app.selectbox, app.multiselect, app.radio):
        for widget in widgets:
            yield f"{widget.type} label", str(widget.label)
            for option in widget.options or []:
                yield f"{widget.type} option", str(option)
    for metric in app.metric:
        yield "metric", f"{metric.label}: {metric.value}"
    for element in app.dataframe:
        for column, cell in _visible_cells(element):
            yield f"table column {column}", cell


def problems(app: AppTest, lang: str) -> list[str]:
    found = []
    code_words = codes() - words_of(lang)
    for where, shown in shown_texts(app):
        if NOT_FOR_PEOPLE.search(shown):
            found.append(f"{where}: {shown[:120]!r}")
        elif shown.strip() in code_words:
            found.append(f"{where}: the code {shown!r}")
        elif where.endswith("option") and BARE_ID.fullmatch(shown.strip()):
            found.append(f"{where}: the bare id {shown!r}")
    for element in app.dataframe:
        for column, _ in _visible_cells(element):
            if ID_COLUMN.search(column) and column not in NUMBERED:
                found.append(f"table column {column!r} shows ids")
                break
    for chart in app.get("vega_lite_chart"):
        description = str(json.loads(chart.proto.spec).get("description") or "")
        if not description.strip():
            found.append("a chart without a description")
    return found


def _program_for(url: str, viewer: Viewer) -> int:
    """A program the viewer may open: in the agency's regency, of the company's own, else the first."""
    with engine_for(url).connect() as connection:
        if viewer.regency_id is not None:
            query = (
                "SELECT min(pv.program_id) FROM program_village pv JOIN village v ON v.id = pv.village_id "
                f"JOIN district d ON d.id = v.district_id WHERE d.regency_id = {int(viewer.regency_id)}"
            )
        elif viewer.company_id is not None:
            query = f"SELECT min(id) FROM program WHERE company_id = {int(viewer.company_id)}"
        else:
            query = "SELECT min(id) FROM program"
        return int(connection.execute(text(query)).scalar_one())


def runs(page: str, lang: str) -> list[dict[str, str]]:
    """The address parameters of each run that draws a part of ``page``: each of its tabs."""
    return [{"tab": translate(key, lang)} for key in TABS.get(page, ())] or [{}]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_words_not_codes_ids_or_raw_dates(
    monkeypatch: pytest.MonkeyPatch,
    demo_sqlite_url: str,
    demo_accounts: DemoAccounts,
    page: str,
    lang: str,
    role: str,
) -> None:
    viewer: Viewer = getattr(demo_accounts, role)
    found = []
    for params in runs(page, lang):
        params["id"] = str(_program_for(demo_sqlite_url, viewer))
        app = open_page(monkeypatch, demo_sqlite_url, page, lang=lang, params=params, viewer=viewer)
        found += problems(app, lang)
    assert not found, "\n".join(sorted(set(found)))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_admin_page_and_its_audit_log_show_words_not_codes(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts, lang: str
) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, "pages/admin.py", lang=lang, viewer=demo_accounts.admin)
    found = problems(app, lang)
    assert not found, "\n".join(sorted(set(found)))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_shared_page_shows_words_not_codes(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts, lang: str
) -> None:
    engine = engine_for(demo_copy_url)
    program_id = _program_for(demo_copy_url, demo_accounts.kpi)
    with write_session(engine) as session:
        token = sharing.create_link(
            session=session,
            viewer=demo_accounts.kpi,
            company_id=int(demo_accounts.kpi.company_id or 0),
            program_id=program_id,
            filters=None,
            label="DLH",
            expires_on=(datetime.now(UTC) + timedelta(days=7)).date(),
            now=datetime.now(UTC),
        )
    found = []
    for params in runs("pages/program.py", lang):
        app = open_page(
            monkeypatch,
            demo_copy_url,
            "pages/shared.py",
            lang=lang,
            params={"token": token, **params},
            signed_in=False,
        )
        found += problems(app, lang)
    assert not found, "\n".join(sorted(set(found)))


def test_the_check_finds_what_it_is_for() -> None:
    """The patterns catch each kind of leak they name, and leave words alone."""
    for leak in ("None", "nan", "NaT", "2023-05-12", "Batas 2023-05-12 00:00:00"):
        assert NOT_FOR_PEOPLE.search(leak), leak
    for word in ("12 Mei 2023", "2023-S1", "Nonaktif", "finance"):
        assert not NOT_FOR_PEOPLE.search(word), word
    assert {"create", "update", "login", "draft", "submitted", "declined"} <= codes() - words_of("id")
    assert ID_COLUMN.search("result_id") and not ID_COLUMN.search("paid")


@pytest.mark.parametrize("role", ["admin", "kpi", "kukar"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_entry_task_names_its_records_in_words(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts, lang: str, role: str
) -> None:
    """The pickers of /data's entry tab, task by task: meetings by day and title, never by ISO date or id."""
    viewer: Viewer = getattr(demo_accounts, role)
    params = {"tab": translate("data.tab.entry", lang)}
    app = open_page(monkeypatch, demo_sqlite_url, "pages/data.py", lang=lang, params=params, viewer=viewer)
    found = problems(app, lang)
    tasks = app.selectbox(key="entry-task").options
    assert len(tasks) > 1
    for task in tasks:
        app.selectbox(key="entry-task").select(task).run()
        found += [f"{task}: {problem}" for problem in problems(app, lang)]
    assert not found, "\n".join(sorted(set(found)))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_slide_of_live_mode_shows_words_not_codes(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts, lang: str
) -> None:
    """The console drives the slide the room sees (it writes it): each slide, on both screens."""
    with engine_for(demo_copy_url).connect() as connection:
        meeting_id = connection.execute(text("SELECT min(meeting_id) FROM feedback_item")).scalar_one()
    params = {"meeting": str(meeting_id)}
    console = open_page(monkeypatch, demo_copy_url, "pages/console.py", lang=lang, params=params)
    found, slides = [], 0
    while True:
        found += problems(console, lang)
        room = open_page(monkeypatch, demo_copy_url, "pages/present.py", lang=lang, params=params)
        found += problems(room, lang)
        slides += 1
        if console.button(key="live-next").disabled:
            break
        console.button(key="live-next").click().run()
    assert slides > 2
    assert not found, "\n".join(sorted(set(found)))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_public_feedback_form_shows_words_not_codes(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, demo_accounts: DemoAccounts, lang: str
) -> None:
    from sinergi import ui
    from sinergi.writes import live

    # AppTest resets Streamlit's legacy pages flag before every run; a real server reruns once.
    monkeypatch.setattr(ui, "page_guard", lambda: None)
    with engine_for(demo_copy_url).connect() as connection:
        meeting_id = connection.execute(text("SELECT min(meeting_id) FROM feedback_item")).scalar_one()
    now = datetime.now(UTC)
    with write_session(engine_for(demo_copy_url)) as session:
        code = live.open_input(
            session=session,
            viewer=demo_accounts.admin,
            meeting_id=meeting_id,
            now=now,
            open_until=now + timedelta(hours=2),
        )
    app = open_page(
        monkeypatch, demo_copy_url, "pages/feedback.py", lang=lang, params={"code": code}, signed_in=False
    )
    assert app.title[0].value == translate("live.form.title", lang)
    found = problems(app, lang)
    assert not found, "\n".join(sorted(set(found)))

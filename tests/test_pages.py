"""Every page through Streamlit's AppTest, on the demo data and on an empty database."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

import models as m
from sinergi.core.db import engine_for, upgrade_database, write_session
from sinergi.i18n.formatting import number
from sinergi.i18n.texts import translate
from sinergi.ui import plain
from tests.apptest import assert_ran_clean, open_page
from tests.conftest import DemoAccounts
from tests.factories import make_company, make_indicators, make_periods, make_program

PAGES = [
    "pages/overview.py",
    "pages/programs.py",
    "pages/program.py",
    "pages/engagement.py",
    "pages/compliance.py",
    "pages/reporting.py",
    "pages/verify.py",
    "pages/inbox.py",
]


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def scalar(url: str, sql: str) -> int:
    with engine_for(url).connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def column(url: str, sql: str) -> list[Any]:
    with engine_for(url).connect() as connection:
        return list(connection.execute(text(sql)).scalars())


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_page_runs_on_the_demo_data(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, page: str, lang: str
) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, page, lang=lang, params={"id": "1"})
    assert app.title, "every page has a title"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_on_an_empty_database_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, migrated_sqlite_url: str, page: str
) -> None:
    app = open_page(monkeypatch, migrated_sqlite_url, page, params={"id": "1"})
    assert app.info, "an empty database gets a sentence, not an empty screen"
    assert not app.metric or all(m.value in {"0", "–"} for m in app.metric)


def test_overview_tiles_show_the_database_figures(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    shown = metrics(open_page(monkeypatch, demo_sqlite_url))
    url = demo_sqlite_url
    assert shown["Program aktif"] == number(
        scalar(url, "SELECT count(*) FROM program WHERE stage <> 'completed'")
    )
    assert shown["KK penerima manfaat"] == number(scalar(url, "SELECT sum(families_reached) FROM program"))
    assert shown["Pertemuan"] == number(scalar(url, "SELECT count(*) FROM meeting"))
    closed = scalar(url, "SELECT count(*) FROM feedback_item WHERE status IN ('done', 'declined')")
    assert shown["Masukan selesai ditangani"] == number(closed)


def test_a_regency_the_reader_is_not_offered_leaves_the_address(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    # An admin's link filtered to Kutai Kartanegara, opened by PT KPI's staff, whose programs are not there.
    kukar = scalar(demo_sqlite_url, "SELECT id FROM regency WHERE name = 'Kabupaten Kutai Kartanegara'")
    app = open_page(monkeypatch, demo_sqlite_url, viewer=demo_accounts.kpi, params={"regency": str(kukar)})
    assert "regency" not in app.query_params
    assert app.selectbox(key="filter-regency-id").value == ""
    programs = scalar(
        demo_sqlite_url,
        f"SELECT count(*) FROM program WHERE company_id = {demo_accounts.kpi.company_id} "
        "AND stage <> 'completed'",
    )
    assert metrics(app)["Program aktif"] == number(programs), "the view shows all of KPI's programs"


def test_overview_filter_from_the_url(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> None:
    company = scalar(demo_sqlite_url, "SELECT id FROM company WHERE name = 'PT Indexim Coalindo'")
    app = open_page(monkeypatch, demo_sqlite_url, params={"company": str(company)})
    expected = scalar(
        demo_sqlite_url, f"SELECT sum(families_reached) FROM program WHERE company_id = {company}"
    )
    assert metrics(app)["KK penerima manfaat"] == number(expected)
    assert app.selectbox(key="filter-company-id").value == str(company)


def test_overview_filter_that_matches_nothing(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> None:
    # Both offered, and together they match nothing: PT KPI runs no program in Kutai Kartanegara.
    company = scalar(demo_sqlite_url, "SELECT id FROM company WHERE name LIKE 'PT Kilang Pertamina%'")
    kukar = scalar(demo_sqlite_url, "SELECT id FROM regency WHERE name = 'Kabupaten Kutai Kartanegara'")
    app = open_page(monkeypatch, demo_sqlite_url, params={"company": str(company), "regency": str(kukar)})
    assert any("Tidak ada data" in info.value for info in app.info)
    assert not app.metric


def test_overview_speaks_english_on_request(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, lang="en")
    assert "Active programs" in metrics(app)
    assert "demo data" in " ".join(c.value for c in app.caption)


def test_overview_lists_the_villages_once_asked(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    app = open_page(monkeypatch, demo_sqlite_url)
    villages = scalar(demo_sqlite_url, "SELECT count(DISTINCT village_id) FROM program_village")
    assert f"Daftar {number(villages)} desa/kelurahan" in [expander.label for expander in app.expander]
    assert not app.dataframe, "closed: the list is not sent"
    app.session_state["villages-open"] = True  # what opening the section does
    app.run()
    table = app.dataframe[0].value
    assert len(table) == villages
    with engine_for(demo_sqlite_url).connect() as connection:
        expected = connection.execute(
            text(
                "SELECT v.name, count(*) FROM program_village pv JOIN village v ON v.id = pv.village_id "
                "GROUP BY v.id"
            )
        ).all()
    assert sorted(zip(table["village"], table["programs"], strict=True)) == sorted(
        (name, count) for name, count in expected
    )


def test_programs_page_lists_and_searches(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, "pages/programs.py")
    table = app.dataframe[0].value
    assert len(table) == scalar(demo_sqlite_url, "SELECT count(*) FROM program")
    app = open_page(monkeypatch, demo_sqlite_url, "pages/programs.py", params={"q": "jelantah"})
    names = list(app.dataframe[0].value["name"])
    assert names and all("jelantah" in name.lower() for name in names)


def test_programs_page_draws_the_first_programs_and_says_how_many_there_are(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    """A province holds tens of thousands of programs: the list draws the first of them, says so, and
    counts them all (its download holds them all)."""
    from sinergi.ui import programs as programs_ui

    monkeypatch.setattr(programs_ui, "SHOWN_PROGRAMS", 5)
    app = open_page(monkeypatch, demo_sqlite_url, "pages/programs.py")
    total = scalar(demo_sqlite_url, "SELECT count(*) FROM program")
    assert total > 5
    assert len(app.dataframe[0].value) == 5
    captions = [c.value for c in app.caption]
    assert translate("programs.count", "id", count=total) in captions
    assert any(f"5 baris pertama dari {total}" in c for c in captions)


def test_programs_download_holds_every_program_as_the_list_shows_them_in_the_reader_language(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    """The list reads only the programs it draws; its files, made when the reader asks for them (after
    the run), hold all of them in the list's order, words and language."""
    from sinergi.ui import programs as programs_ui

    files: dict[str, Any] = {}
    add_deferred = MediaFileManager.add_deferred

    def keep(self: MediaFileManager, data_callable: Any, *args: Any, **kwargs: Any) -> str:
        files[kwargs.get("file_name") or args[2]] = data_callable
        return add_deferred(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    monkeypatch.setattr(programs_ui, "SHOWN_PROGRAMS", 5)
    app = open_page(monkeypatch, demo_sqlite_url, "pages/programs.py", lang="en")
    shown = app.dataframe[0].value
    total = scalar(demo_sqlite_url, "SELECT count(*) FROM program")
    assert len(shown) == 5 < total
    listed = list(csv.reader(io.StringIO(files["programs.csv"]().decode("utf-8-sig"))))
    header, body = listed[0], listed[1:]
    assert header[1:4] == ["Program", "Status", "Achievement"]
    assert len(body) == total
    assert [row[1] for row in body[:5]] == list(shown["name"])
    assert [row[2] for row in body[:5]] == list(shown["status"])
    assert all(row[0].endswith("&lang=English") for row in body), "each link opens in English"
    english = {
        translate(f"achievement.{status}", "en")
        for status in ("on_track", "needs_attention", "off_track", "no_data")
    }
    assert {row[2].split(" ", 1)[1] for row in body} <= english
    workbook = load_workbook(io.BytesIO(files["programs.xlsx"]()))
    assert workbook.active is not None and workbook.active.max_row == total + 1


def test_program_page_shows_each_indicator(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> None:
    program = scalar(demo_sqlite_url, "SELECT id FROM program WHERE name LIKE 'Mariojela%'")
    app = open_page(monkeypatch, demo_sqlite_url, "pages/program.py", params={"id": str(program)})
    assert app.title[0].value.startswith("Mariojela")
    with engine_for(demo_sqlite_url).connect() as connection:
        indicators = connection.execute(
            text(
                "SELECT name, unit, (SELECT count(*) FROM result r WHERE r.indicator_id = i.id) "
                f"FROM indicator i WHERE program_id = {program} ORDER BY id"
            )
        ).all()
    assert indicators and all(results for _, _, results in indicators), "every indicator has figures"
    # One chart, a panel per indicator, each headed by its name and unit and described beneath.
    [chart] = app.get("vega_lite_chart")
    panels = json.loads(chart.proto.spec)["vconcat"]
    assert [panel["title"]["text"] for panel in panels] == [
        f"{name} ({unit})" for name, unit, _ in indicators
    ]
    assert all(panel["title"]["subtitle"].startswith(("Keluaran", "Hasil", "Dampak")) for panel in panels)
    assert [len(panel["layer"][0]["data"]["values"]) for panel in panels] == [n for _, _, n in indicators]
    assert "KK penerima manfaat" in metrics(app)
    [gaps] = [w.value for w in app.warning if w.value.startswith("Di bawah target")]
    listed = [line.removeprefix("- ").rsplit(":", 1)[0] for line in gaps.splitlines()[1:]]
    # Each line names an indicator (as Markdown that shows it exactly as typed) and its semesters.
    assert listed and set(listed) <= {plain(panel["title"]["text"]) for panel in panels}


def test_program_page_writes_indicator_figures_in_the_readers_language(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    # A program with a figure in the thousands, where Indonesian and English group digits differently.
    program = scalar(
        demo_sqlite_url,
        "SELECT i.program_id FROM result r JOIN indicator i ON i.id = r.indicator_id "
        "WHERE r.target >= 1000 ORDER BY i.program_id LIMIT 1",
    )
    shown = {
        language: open_page(
            monkeypatch, demo_sqlite_url, "pages/program.py", lang=language, params={"id": str(program)}
        )
        .dataframe[0]
        .value
        for language in ("id", "en")
    }
    swap = str.maketrans({".": ",", ",": "."})
    for column in ("target", "actual"):
        indonesian, english = list(shown["id"][column]), list(shown["en"][column])
        assert [text.translate(swap) for text in indonesian] == english
    assert any("." in text for text in shown["id"]["target"]), "thousands grouped with a dot"


PROGRAM_TABS = ["Indikator", "Anggaran & penerima manfaat", "Evaluasi & tindak lanjut", "Masukan", "Bukti"]


def test_program_page_opens_on_its_indicators_and_builds_only_that_tab(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    program = scalar(demo_sqlite_url, "SELECT id FROM program WHERE name LIKE 'Pengelolaan Sampah%'")
    app = open_page(monkeypatch, demo_sqlite_url, "pages/program.py", params={"id": str(program)})
    assert [tab.label for tab in app.tabs] == PROGRAM_TABS
    assert len(app.get("vega_lite_chart")) == 1
    # The indicators' summary and their semesters; no budget, action or feedback table is built.
    assert len(app.dataframe) == 2
    assert "action" not in app.dataframe[0].value.columns and "year" not in app.dataframe[0].value.columns


def test_program_page_tabs_show_budget_actions_and_feedback_from_the_url(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    program = scalar(demo_sqlite_url, "SELECT id FROM program WHERE name LIKE 'Pengelolaan Sampah%'")

    def tab(label: str) -> AppTest:
        app = open_page(
            monkeypatch, demo_sqlite_url, "pages/program.py", params={"id": str(program), "tab": label}
        )
        assert not app.get("vega_lite_chart"), "the indicators' tab is not built behind another"
        return app

    budget, people = (table.value for table in tab("Anggaran & penerima manfaat").dataframe)
    assert list(budget["year"]) == column(
        demo_sqlite_url, f"SELECT year FROM program_budget WHERE program_id = {program} ORDER BY year"
    )
    assert list(people["reached"]) == [
        number(scalar(demo_sqlite_url, f"SELECT {reached} FROM program WHERE id = {program}"), "id")
        for reached in ("families_reached", "men_reached", "women_reached")
    ]

    [actions] = (table.value for table in tab("Evaluasi & tindak lanjut").dataframe)
    assert sorted(actions["action"]) == sorted(
        column(demo_sqlite_url, f"SELECT description FROM follow_up_action WHERE program_id = {program}")
    )

    [feedback] = (table.value for table in tab("Masukan").dataframe)
    assert len(feedback) == scalar(
        demo_sqlite_url,
        f"SELECT count(*) FROM feedback_item WHERE program_id = {program} AND moderation != 'hidden'",
    )


def test_overdue_follow_ups_are_said_above_every_tab(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    overdue_sql = (
        "FROM follow_up_action WHERE status IN ('open', 'in_progress') "
        f"AND due_date < '{date.today().isoformat()}'"
    )
    program = scalar(
        demo_sqlite_url, f"SELECT program_id {overdue_sql} GROUP BY program_id ORDER BY count(*) DESC LIMIT 1"
    )
    overdue = scalar(demo_sqlite_url, f"SELECT count(*) {overdue_sql} AND program_id = {program}")
    for tab in PROGRAM_TABS:
        app = open_page(
            monkeypatch, demo_sqlite_url, "pages/program.py", params={"id": str(program), "tab": tab}
        )
        assert [w.value for w in app.warning if "lewat tenggat" in w.value] == [
            f"{overdue} tindak lanjut lewat tenggat, tercantum di tab Evaluasi & tindak lanjut."
        ], tab


def test_the_chosen_tab_survives_a_change_of_language(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, "pages/program.py", params={"id": "1", "tab": "Masukan"})
    app.button_group(key="lang").set_value("en").run()
    assert_ran_clean(app)
    assert [tab.label for tab in app.tabs] == [
        "Indicators",
        "Budget & beneficiaries",
        "Evaluations & follow-up",
        "Feedback",
        "Evidence",
    ]
    assert not app.get("vega_lite_chart") and "meeting" in app.dataframe[0].value.columns
    app.run()  # the reader's next action
    assert app.query_params["tab"] == "Feedback", "the address names the tab in the new language"


def test_a_tab_link_made_in_the_other_language_opens_that_tab(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, "pages/program.py", params={"id": "1", "tab": "Feedback"})
    assert [tab.label for tab in app.tabs][3] == "Masukan"
    assert not app.get("vega_lite_chart") and "meeting" in app.dataframe[0].value.columns
    app.run()  # the reader's next action
    assert app.query_params["tab"] == "Masukan"


def test_program_page_with_an_unknown_id(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, "pages/program.py", params={"id": "99999"})
    assert "tidak ditemukan" in app.info[0].value


def test_overdue_figures_use_today(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, "pages/programs.py")
    table = app.dataframe[0].value
    overdue = scalar(
        demo_sqlite_url,
        "SELECT count(*) FROM follow_up_action WHERE status IN ('open', 'in_progress') "
        f"AND due_date < '{date.today().isoformat()}'",
    )
    assert int(table["overdue_actions"].sum()) == overdue


def test_language_switch_changes_every_label(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> None:
    app = open_page(monkeypatch, demo_sqlite_url)
    app.button_group(key="lang").set_value("en").run()
    assert "Active programs" in metrics(app)
    assert app.title[0].value == "TJSL programs at a glance"


def test_a_page_loaded_with_the_language_in_its_address_speaks_it(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    """A full page load is a new session: the language comes from the address alone."""
    app = open_page(monkeypatch, demo_sqlite_url, "pages/programs.py", params={"lang": "English"})
    assert app.title[0].value == "Programs"
    links = app.dataframe[0].value["link"]
    assert links.str.endswith("&lang=English").all(), "a program opened in a new tab speaks English too"


def test_program_without_indicators_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'copy.db'}"
    upgrade_database(url)
    with write_session(engine_for(url)) as session:
        company = m.Company(name="PT Baru", short_name="Baru", sector=m.Sector.OTHER)
        session.add(company)
        session.flush()
        assert company.id is not None
        program = m.Program(
            company_id=company.id,
            name="Program tanpa indikator",
            pillar="social",
            start_date=date(2024, 1, 1),
        )
        session.add(program)
        session.flush()
        program_id = program.id
    app = open_page(monkeypatch, url, "pages/program.py", params={"id": str(program_id)})
    assert any("belum punya indikator" in info.value for info in app.info)


def test_indicators_without_figures_are_named_under_the_chart(
    monkeypatch: pytest.MonkeyPatch, migrated_sqlite_url: str
) -> None:
    url = migrated_sqlite_url
    engine = engine_for(url)
    program = make_program(engine, company_id=make_company(engine))
    measured, _without_figures = make_indicators(engine, program_id=program, count=2)
    [period] = make_periods(engine, first_year=2024, count=1)
    with write_session(engine) as session:
        session.add(m.Result(indicator_id=measured, period_id=period, target=10.0, actual=4.0))
    app = open_page(monkeypatch, url, "pages/program.py", params={"id": str(program)})
    [chart] = app.get("vega_lite_chart")
    panels = json.loads(chart.proto.spec)["vconcat"]
    assert [panel["title"]["text"] for panel in panels] == ["Indikator 0 (orang)"]
    assert [info.value for info in app.info if "Indikator 1" in info.value] == [
        "Belum ada target atau realisasi untuk: Indikator 1 (orang). Isi di halaman Data."
    ]
    assert [w.value for w in app.warning if w.value.startswith("Di bawah target")] == [
        "Di bawah target pada semester berikut:\n- Indikator 0 (orang): 2024-S1"
    ]


def test_share_form_is_built_once_its_section_is_opened(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, viewer=demo_accounts.kpi)
    assert "Bagikan halaman ini" in [expander.label for expander in app.expander]
    assert not app.text_input and not app.date_input, "closed: no form sent to the browser"
    app.session_state["share-open"] = True  # what opening the section does
    app.run()
    assert [field.label for field in app.text_input] == ["Untuk siapa / keterangan"]
    [expires] = app.date_input
    assert expires.proto.format == "DD/MM/YYYY", "written as every other date field writes it"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_an_unexpected_error_shows_a_sentence_in_the_reader_language_and_the_log_has_the_details(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, caplog: pytest.LogCaptureFixture, lang: str
) -> None:
    from sinergi.i18n.texts import translate
    from sinergi.reads import programs

    def broken(**_: Any) -> Any:
        raise ZeroDivisionError("a figure nobody expected")

    # ui.read finds a query again by its module and name.
    broken.__module__, broken.__qualname__ = programs.__name__, "program_table"
    broken.__reads__ = programs.program_table.__reads__  # type: ignore[attr-defined]
    monkeypatch.setattr(programs, "program_table", broken)
    app = open_page(monkeypatch, demo_sqlite_url, lang=lang)
    app.switch_page("pages/programs.py").run()
    assert not app.exception  # no traceback, file path or message reaches the reader
    assert [e.value for e in app.error] == [translate("app.unexpected_error", lang)]
    assert "ZeroDivisionError: a figure nobody expected" in caplog.text

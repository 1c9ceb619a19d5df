"""Verification state on every figure: the reads carry it on both databases, a verified-only view and a
link shared verified-only leave every unverified result out, and the program page, the shared page,
the PDF and the workbook mark which figures are verified."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, text
from sqlmodel import select

import models as m
from sinergi.core.access import SYSTEM, Viewer
from sinergi.core.db import engine_for, read_session, write_session
from sinergi.reads import overview, programs, reporting
from sinergi.reads.filters import Filters, filters_from_params
from sinergi.reports.content import semester_report
from sinergi.reports.pdf import report_pdf
from sinergi.reports.workbook import report_xlsx
from sinergi.rules.achievement import Thresholds
from sinergi.worlds.demo import load_demo
from sinergi.writes import sharing
from tests.apptest import open_page
from tests.factories import make_account
from tests.test_report import pdf_text

KPI = "PT Kilang Pertamina Internasional Unit Balikpapan"
WASTE = "Pengelolaan Sampah Terpadu Margasari"
THRESHOLDS = Thresholds()
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
UNVERIFIED_WORDS = ("Diajukan", "Draf")


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    load_demo(engine=engine)
    return engine


def raw(engine: Engine, sql: str, **params: object) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def one(engine: Engine, sql: str, **params: object) -> Any:
    [(value,)] = raw(engine, sql, **params)
    return value


def actuals_in(engine: Engine, period: str, *, verified: bool | None = None) -> int:
    state = "" if verified is None else f" AND r.state {'=' if verified else '<>'} 'verified'"
    return int(
        one(
            engine,
            "SELECT count(*) FROM result r JOIN period pe ON pe.id = r.period_id "
            f"WHERE pe.code = :period AND r.actual IS NOT NULL{state}",
            period=period,
        )
    )


def test_overview_tiles_say_how_many_figures_are_verified_and_a_verified_only_view_counts_no_other(
    demo_engine: Engine,
) -> None:
    with read_session(demo_engine) as session:
        tiles = overview.overview_tiles(
            session=session, viewer=SYSTEM, filters=Filters(), thresholds=THRESHOLDS
        )
        checked = overview.overview_tiles(
            session=session, viewer=SYSTEM, filters=Filters(verified_only=True), thresholds=THRESHOLDS
        )
        assert checked.period is not None
        same_period = overview.overview_tiles(
            session=session, viewer=SYSTEM, filters=Filters(period=checked.period), thresholds=THRESHOLDS
        )
    assert tiles.period is not None
    assert tiles.results_reported_verified == actuals_in(demo_engine, tiles.period, verified=True)
    assert tiles.results_reported_verified < tiles.results_reported, "the latest semester is not all checked"
    assert tiles.results_on_track_verified <= tiles.results_on_track

    # Verified only: the latest semester with verified actuals, and nothing else counted as reported.
    latest_checked = one(
        demo_engine,
        "SELECT max(pe.code) FROM result r JOIN period pe ON pe.id = r.period_id "
        "WHERE r.actual IS NOT NULL AND r.state = 'verified'",
    )
    assert checked.period == latest_checked != tiles.period
    assert checked.results_reported == checked.results_reported_verified
    assert checked.results_reported == actuals_in(demo_engine, checked.period, verified=True)
    # What is due does not shrink: an unverified result counts as not reported, never drops out.
    assert checked.results_due == same_period.results_due


def test_charts_of_the_overview_count_verified_results(demo_engine: Engine) -> None:
    with read_session(demo_engine) as session:
        by_pillar = overview.achievement_by(
            session=session, viewer=SYSTEM, filters=Filters(), thresholds=THRESHOLDS, group="pillar"
        )
        trend = overview.achievement_trend(
            session=session, viewer=SYSTEM, filters=Filters(), thresholds=THRESHOLDS
        )
        checked_trend = overview.achievement_trend(
            session=session, viewer=SYSTEM, filters=Filters(verified_only=True), thresholds=THRESHOLDS
        )
        tiles = overview.overview_tiles(
            session=session, viewer=SYSTEM, filters=Filters(), thresholds=THRESHOLDS
        )
    assert int(by_pillar["verified"].sum()) == tiles.results_reported_verified
    assert (by_pillar["verified"] <= by_pillar["results"]).all()
    assert by_pillar.loc[by_pillar["status"] == "not_reported", "verified"].eq(0).all()
    shares = dict(zip(trend["period"], trend["verified_share"], strict=True))
    assert shares[tiles.period] < 1.0 and max(shares.values()) == 1.0
    assert (checked_trend["verified_share"] == 1.0).all()


def test_program_figures_carry_their_state_and_verified_only_reads_no_other(demo_engine: Engine) -> None:
    program = int(one(demo_engine, "SELECT id FROM program WHERE name = :name", name=WASTE))
    stored = raw(
        demo_engine,
        "SELECT r.state, count(*) FROM result r JOIN indicator i ON i.id = r.indicator_id "
        "WHERE i.program_id = :program GROUP BY r.state",
        program=program,
    )
    with read_session(demo_engine) as session:
        every = programs.indicator_results(
            session=session, viewer=SYSTEM, program_id=program, thresholds=THRESHOLDS
        )
        checked = programs.indicator_results(
            session=session, viewer=SYSTEM, program_id=program, thresholds=THRESHOLDS, verified_only=True
        )
        table = programs.program_table(
            session=session,
            viewer=SYSTEM,
            filters=Filters(period="2025-S1"),
            thresholds=THRESHOLDS,
            today=date(2026, 11, 22),
        )
    assert every["state"].value_counts().to_dict() == dict(stored)
    assert set(checked["state"]) == {"verified"}
    assert len(checked) == dict(stored)["verified"]

    # To date: a periodic figure is as checked as its latest semester, a sum as its least checked part.
    to_date = programs.indicators_to_date(programs.results_by_indicator(every), THRESHOLDS)
    assert set(to_date["state"]) <= {"submitted", "draft"}
    checked_to_date = programs.indicators_to_date(programs.results_by_indicator(checked), THRESHOLDS)
    assert set(checked_to_date["state"]) == {"verified"}

    row = table[table["id"] == program].iloc[0]
    measured, verified = raw(
        demo_engine,
        "SELECT count(*), sum(CASE WHEN r.state = 'verified' THEN 1 ELSE 0 END) FROM result r "
        "JOIN indicator i ON i.id = r.indicator_id JOIN period pe ON pe.id = r.period_id "
        "WHERE i.program_id = :program AND pe.code = '2025-S1' AND r.actual IS NOT NULL "
        "AND r.target IS NOT NULL",
        program=program,
    )[0]
    assert (row["measured"], row["verified"]) == (measured, verified or 0)
    assert measured > 0


def test_who_reported_what_under_verified_only_counts_verified_results_as_reported(
    demo_engine: Engine,
) -> None:
    with read_session(demo_engine) as session:
        every = reporting.completeness(session=session, viewer=SYSTEM, filters=Filters(period="2025-S1"))
        checked = reporting.completeness(
            session=session, viewer=SYSTEM, filters=Filters(period="2025-S1", verified_only=True)
        )
    merged = every.merge(checked, on=["company_id", "period"], suffixes=("", "_checked"))
    assert len(merged) == len(every) and (merged["due_checked"] == merged["due"]).all()
    assert (checked["reported"] == checked["verified"]).all()
    assert checked["reported"].sum() < every["reported"].sum()


def test_verified_only_lives_in_the_url() -> None:
    assert filters_from_params({"verified": "1"}).verified_only
    assert not filters_from_params({"verified": "nonsense"}).verified_only
    assert Filters(verified_only=True).query_params() == {"verified": "1"}


def share(engine: Engine, viewer: Viewer, company: int, program: int | None, *, verified_only: bool) -> str:
    with write_session(engine) as session:
        return sharing.create_link(
            session=session,
            viewer=viewer,
            company_id=company,
            program_id=program,
            filters=None,
            label="Bappeda Balikpapan",
            expires_on=NOW.date() + timedelta(days=30),
            now=NOW,
            verified_only=verified_only,
        )


def opened(engine: Engine, token: str) -> sharing.SharedView:
    with write_session(engine) as session:
        return sharing.open_link(session=session, token=token, now=NOW)


def test_a_link_shared_verified_only_never_gives_its_reader_an_unverified_figure(demo_engine: Engine) -> None:
    kpi = make_account(demo_engine, username="kpi", role="company", company=KPI)
    company = int(one(demo_engine, "SELECT id FROM company WHERE name = :name", name=KPI))
    program = int(one(demo_engine, "SELECT id FROM program WHERE name = :name", name=WASTE))
    strict = opened(demo_engine, share(demo_engine, kpi, company, program, verified_only=True))
    loose = opened(demo_engine, share(demo_engine, kpi, company, None, verified_only=False))
    with read_session(demo_engine) as session:
        links = sharing.list_links(session=session, viewer=kpi)
        assert sorted(session.exec(select(m.ShareLink.verified_only)).all()) == [False, True]
    assert sorted(links["verified_only"]) == [False, True]
    assert strict.verified_only and strict.viewer.verified_only and not loose.viewer.verified_only

    # The reader's pages ask for every figure; the link's limit holds where the data is read.
    with read_session(demo_engine) as session:
        results = programs.indicator_results(
            session=session, viewer=strict.viewer, program_id=program, thresholds=THRESHOLDS
        )
        tiles = overview.overview_tiles(
            session=session, viewer=strict.viewer, filters=Filters(), thresholds=THRESHOLDS
        )
        latest = overview.overview_tiles(
            session=session, viewer=strict.viewer, filters=Filters(period="2025-S1"), thresholds=THRESHOLDS
        )
        trend = overview.achievement_trend(
            session=session, viewer=strict.viewer, filters=Filters(), thresholds=THRESHOLDS
        )
        report = semester_report(
            session=session,
            viewer=strict.viewer,
            period="2025-S1",
            thresholds=THRESHOLDS,
            today=date(2026, 11, 22),
            company_id=company,
        )
        unlimited = overview.overview_tiles(
            session=session, viewer=loose.viewer, filters=Filters(period="2025-S1"), thresholds=THRESHOLDS
        )
    assert not results.empty and set(results["state"].dropna()) == {"verified"}
    assert tiles.results_reported == tiles.results_reported_verified > 0
    assert latest.results_reported == 0 < latest.results_due
    assert (trend["verified_share"] == 1.0).all()
    assert report is not None and report.verified_only
    assert report.indicators["actual"].isna().all(), "2025-S1 holds no verified figure of the company"
    assert set(report.series["state"]) == {"verified"}
    # The same company's link without the limit shows the unverified figures: the limit is the link's.
    assert unlimited.results_reported > unlimited.results_reported_verified


def test_shared_page_of_a_verified_only_link_marks_and_shows_only_verified_figures(
    monkeypatch: pytest.MonkeyPatch, demo_copy_url: str
) -> None:
    engine = engine_for(demo_copy_url)
    kpi = make_account(engine, username="kpi.share", role="company", company=KPI)
    company = int(one(engine, "SELECT id FROM company WHERE name = :name", name=KPI))
    program = int(one(engine, "SELECT id FROM program WHERE name = :name", name=WASTE))
    token = share(engine, kpi, company, program, verified_only=True)
    app = open_page(monkeypatch, demo_copy_url, "pages/shared.py", signed_in=False, params={"token": token})
    to_date, semesters = (frame.value for frame in app.dataframe)
    assert set(to_date["state"]) == {"✔ Terverifikasi"}
    cells = [str(cell) for cell in semesters.to_numpy().ravel() if isinstance(cell, str)]
    assert cells and not any(word in cell for cell in cells for word in UNVERIFIED_WORDS)
    assert "2025-S1" not in semesters.columns
    assert any("Hanya angka yang sudah diverifikasi" in caption.value for caption in app.caption)
    assert any(info.value.endswith("Hanya menampilkan angka yang sudah diverifikasi.") for info in app.info)
    assert not app.toggle, "the reader of the link cannot switch the limit off"

    overview_token = share(engine, kpi, company, None, verified_only=True)
    shared_overview = open_page(
        monkeypatch, demo_copy_url, "pages/shared.py", signed_in=False, params={"token": overview_token}
    )
    captions = [caption.value for caption in shared_overview.caption]
    assert any("Hanya angka yang sudah diverifikasi" in caption for caption in captions)
    # Every figure on its tiles is verified: "n dari n terverifikasi".
    counts = [caption.split(" dari ") for caption in captions if caption.endswith("terverifikasi")]
    assert counts and all(part == rest.removesuffix(" terverifikasi") for part, rest in counts)


def test_program_page_has_a_state_column_in_words_and_can_narrow_to_verified(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    program = str(one(engine_for(demo_sqlite_url), "SELECT id FROM program WHERE name = :name", name=WASTE))
    app = open_page(monkeypatch, demo_sqlite_url, "pages/program.py", params={"id": program})
    to_date, semesters = (frame.value for frame in app.dataframe[:2])
    assert set(to_date["state"]) <= {"◐ Diajukan", "○ Draf"} and len(to_date) == 3
    cells = [cell for cell in semesters.to_numpy().ravel() if isinstance(cell, str)]
    assert any(cell.endswith("◐ Diajukan") for cell in cells) and any(
        cell.endswith("○ Draf") for cell in cells
    )
    assert any(cell.endswith("✔") for cell in cells)
    assert any("belum diverifikasi" in caption.value for caption in app.caption)
    # The chart's legend names the states.
    [chart] = app.get("vega_lite_chart")
    assert "Verifikasi (penuh = terverifikasi)" in chart.proto.spec

    app = open_page(monkeypatch, demo_sqlite_url, "pages/program.py", params={"id": program, "verified": "1"})
    to_date, semesters = (frame.value for frame in app.dataframe[:2])
    assert set(to_date["state"]) == {"✔ Terverifikasi"}
    assert "2025-S1" not in semesters.columns and "2024-S2" not in semesters.columns
    assert [toggle.value for toggle in app.toggle] == [True]


def test_the_overview_filter_offers_verified_only_and_tiles_count_verified(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    app = open_page(monkeypatch, demo_sqlite_url)
    assert any(caption.value.endswith("terverifikasi") for caption in app.caption)
    # The status shares by pillar and by company split each status into verified and not verified.
    shares = [chart.proto.spec for chart in app.get("vega_lite_chart")][:2]
    assert all(
        "Verifikasi (penuh = terverifikasi)" in spec and "Belum diverifikasi" in spec for spec in shares
    )
    [switch] = [toggle for toggle in app.toggle if toggle.label == "Hanya angka terverifikasi"]
    switch.set_value(True).run()
    assert app.query_params["verified"] == ["1"] or app.query_params["verified"] == "1"
    assert any("Hanya angka yang sudah diverifikasi" in caption.value for caption in app.caption)


@pytest.fixture
def kpi_report(demo_engine: Engine) -> tuple[Engine, int]:
    return demo_engine, int(one(demo_engine, "SELECT id FROM company WHERE name = :name", name=KPI))


def test_pdf_and_workbook_mark_each_figure_and_say_which_are_not_verified(
    kpi_report: tuple[Engine, int],
) -> None:
    engine, company = kpi_report
    with read_session(engine) as session:
        report = semester_report(
            session=session,
            viewer=SYSTEM,
            period="2025-S1",
            thresholds=THRESHOLDS,
            today=date(2026, 11, 22),
            company_id=company,
        )
    assert report is not None
    unverified = report.summary["unverified"]
    # A draft may hold a target without an actual yet: a figure too, and not verified.
    with_figures = report.indicators["actual"].notna() | report.indicators["target"].notna()
    assert unverified == int(with_figures.sum()) > int(report.indicators["actual"].notna().sum())
    text_ = pdf_text(report_pdf(report, "id", {}))
    assert f"{unverified} dari {report.summary['with_figures']} angka periode ini belum diverifikasi" in text_
    assert "Verifikasi" in text_ and "Diajukan" in text_ and "Draf" in text_

    book = load_workbook(io.BytesIO(report_xlsx(report, "id", {})))
    sheet = book["Indikator"]
    header = [cell.value for cell in sheet[1]]
    states = [row[header.index("Verifikasi")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert set(states) <= {"Diajukan", "Draf", "–"} and {"Diajukan", "Draf"} <= set(states)
    summary = {row[0]: row[1] for row in book[book.sheetnames[0]].iter_rows(min_row=2, values_only=True)}
    assert summary["Angka belum diverifikasi"] == unverified
    assert "belum diverifikasi" in str(summary["Verifikasi"])


def test_a_verified_only_report_holds_no_unverified_figure_and_says_so(
    kpi_report: tuple[Engine, int],
) -> None:
    engine, company = kpi_report
    with read_session(engine) as session:
        report = semester_report(
            session=session,
            viewer=SYSTEM,
            period="2024-S2",
            thresholds=THRESHOLDS,
            today=date(2026, 11, 22),
            company_id=company,
            verified_only=True,
        )
    assert report is not None
    assert report.indicators["actual"].isna().all() and report.summary["unverified"] == 0
    assert set(report.series["state"]) == {"verified"}
    text_ = pdf_text(report_pdf(report, "id", {}))
    assert "Laporan ini hanya memuat angka terverifikasi" in text_
    assert not any(word in text_ for word in UNVERIFIED_WORDS)
    frame = pd.read_excel(io.BytesIO(report_xlsx(report, "id", {})), sheet_name="Indikator")
    assert set(frame["Verifikasi"]) == {"–"}


def test_programs_list_says_how_many_of_each_programs_figures_are_verified(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, "pages/programs.py", params={"period": "2024-S2"})
    table = app.dataframe[0].value
    waste = table[table["name"] == WASTE].iloc[0]
    assert waste["checked"] == "0 dari 3 terverifikasi"
    app = open_page(monkeypatch, demo_sqlite_url, "pages/programs.py", params={"period": "2024-S1"})
    table = app.dataframe[0].value
    assert table[table["name"] == WASTE].iloc[0]["checked"] == "3 dari 3 terverifikasi"

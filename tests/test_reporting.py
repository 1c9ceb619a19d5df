"""Reporting completeness: when an indicator is due, who has reported what, and the overview counting
what nobody reported, on both databases, for each reader's scope and through the page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, text
from sqlmodel import col, select

import models as m
from sinergi.core.access import SYSTEM, Viewer
from sinergi.core.db import engine_for, read_session, write_session
from sinergi.reads import overview, reporting
from sinergi.reads.filters import Filters
from sinergi.reports import charts
from sinergi.rules.achievement import AchievementStatus, Thresholds, period_status
from sinergi.rules.reporting import ReportStage, counted, program_due, program_due_sql, report_stage
from sinergi.worlds.demo import load_demo
from tests.apptest import open_page
from tests.conftest import DemoAccounts
from tests.factories import (
    make_account,
    make_company,
    make_indicators,
    make_periods,
    make_program,
    make_village,
)

KUKAR = "Kabupaten Kutai Kartanegara"
BALIKPAPAN = "Kota Balikpapan"
S1_2025 = (date(2025, 1, 1), date(2025, 6, 30))
RUNNING = m.Stage.IMPLEMENTATION

# (stage, start, end, due in 2025-S1)
DUE_CASES = [
    (RUNNING, date(2024, 3, 1), None, True),
    (RUNNING, date(2025, 6, 30), None, True),  # starts on the semester's last day
    (RUNNING, date(2025, 7, 1), None, False),  # starts the day after
    (RUNNING, date(2023, 1, 1), date(2024, 12, 31), False),  # ended the day before
    (RUNNING, date(2023, 1, 1), date(2025, 1, 1), True),  # ended on its first day
    (m.Stage.COMPLETED, date(2023, 1, 1), date(2025, 3, 31), True),  # completed during the semester
    (m.Stage.REPORTING, date(2023, 1, 1), None, True),
    (m.Stage.PLANNING, date(2024, 1, 1), None, False),  # still being planned: nothing to report yet
]


@pytest.mark.parametrize(("stage", "start", "end", "due"), DUE_CASES)
def test_an_indicator_is_due_while_its_program_runs_past_planning(
    stage: str, start: date, end: date | None, due: bool
) -> None:
    assert (
        program_due(stage=stage, start=start, end=end, period_start=S1_2025[0], period_end=S1_2025[1]) is due
    )


def test_the_due_rule_in_sql_agrees_with_the_rule_in_python(engine: Engine) -> None:
    company = make_company(engine)
    programs = {
        make_program(engine, company_id=company, name=f"P{n}", stage=stage, start=start, end=end): due
        for n, (stage, start, end, due) in enumerate(DUE_CASES)
    }
    [period] = make_periods(engine, first_year=2025, count=1)
    with read_session(engine) as session:
        due_in_sql = set(
            session.exec(
                select(col(m.Program.id))
                .join(m.Period, program_due_sql(col(m.Period.start_date), col(m.Period.end_date)))
                .where(col(m.Period.id) == period)
            ).all()
        )
    assert due_in_sql == {program for program, due in programs.items() if due}


@pytest.mark.parametrize(
    ("actual", "state", "stage"),
    [
        (None, None, ReportStage.NOT_REPORTED),  # no row at all
        (None, m.ResultState.DRAFT, ReportStage.NOT_REPORTED),  # a target only
        (0.0, m.ResultState.DRAFT, ReportStage.REPORTED),  # zero is a figure
        (4.0, m.ResultState.SUBMITTED, ReportStage.SUBMITTED),
        (4.0, m.ResultState.VERIFIED, ReportStage.VERIFIED),
    ],
)
def test_a_result_without_an_actual_is_not_reported(
    actual: float | None, state: str | None, stage: ReportStage
) -> None:
    assert report_stage(actual, state) is stage


def test_what_was_reported_counts_even_when_not_due_and_what_is_due_counts_unreported() -> None:
    assert counted(due=True, actual=None) and counted(due=False, actual=3.0)
    assert not counted(due=False, actual=None)
    assert period_status(None, None, Thresholds()) is AchievementStatus.NOT_REPORTED
    assert period_status(5.0, None, Thresholds()) is AchievementStatus.NO_DATA, "an actual without a target"
    assert period_status(5.0, 1.0, Thresholds()) is AchievementStatus.ON_TRACK


@dataclass(frozen=True)
class World:
    engine: Engine
    kukar_id: int
    balikpapan_id: int
    sawit: int  # a company working in Kutai Kartanegara
    kota: int  # a company working in Balikpapan


@pytest.fixture
def world(engine: Engine) -> World:
    """Two companies, each in its regency, over 2024-S1 … 2025-S2.

    PT Sawit: "Kebun" runs from 2024 (two indicators), "Rencana" is still being planned (never due),
    "Rumah" ended in 2024 but reported a late figure for 2025-S1. PT Kota: "Air" runs from 2025.
    In 2025-S1 Kebun's first indicator is verified, its second has only a target; Air's first is
    submitted and its second has no row at all.
    """
    kukar_id, kukar_village = make_village(engine, regency=KUKAR, name="Jembayan")
    balikpapan_id, balikpapan_village = make_village(engine, regency=BALIKPAPAN, name="Margasari")
    sawit = make_company(engine, name="PT Sawit Kukar")
    kota = make_company(engine, name="PT Kota Mandiri")
    periods = dict(
        zip(
            ["2024-S1", "2024-S2", "2025-S1", "2025-S2"],
            make_periods(engine, first_year=2024, count=4),
            strict=True,
        )
    )

    def program(company: int, name: str, village: int, count: int, **dates: object) -> list[int]:
        made = make_program(engine, company_id=company, name=name, village_ids=(village,), **dates)  # type: ignore[arg-type]
        return make_indicators(engine, program_id=made, count=count)

    kebun = program(sawit, "Kebun", kukar_village, 2, stage=RUNNING, start=date(2024, 1, 1))
    program(sawit, "Rencana", kukar_village, 1, stage=m.Stage.PLANNING, start=date(2024, 1, 1))
    rumah = program(
        sawit,
        "Rumah",
        kukar_village,
        1,
        stage=m.Stage.REPORTING,
        start=date(2023, 1, 1),
        end=date(2024, 12, 31),
    )
    air = program(kota, "Air", balikpapan_village, 2, stage=RUNNING, start=date(2025, 1, 1))
    s1 = periods["2025-S1"]
    with write_session(engine) as session:
        session.add_all(
            [
                m.Result(
                    indicator_id=kebun[0], period_id=s1, target=10, actual=10, state=m.ResultState.VERIFIED
                ),
                m.Result(indicator_id=kebun[1], period_id=s1, target=5),
                m.Result(indicator_id=rumah[0], period_id=s1, target=2, actual=3),
                m.Result(
                    indicator_id=air[0], period_id=s1, target=8, actual=4, state=m.ResultState.SUBMITTED
                ),
            ]
        )
    return World(engine, kukar_id, balikpapan_id, sawit, kota)


def rows_of(frame: pd.DataFrame) -> dict[tuple[str, str], tuple[int, ...]]:
    columns = ["due", "reported", "submitted", "verified", "missing"]
    return {
        (row.company, row.period): tuple(int(getattr(row, c)) for c in columns) for row in frame.itertuples()
    }


def completeness(world: World, viewer: Viewer, filters: Filters | None = None) -> pd.DataFrame:
    with read_session(world.engine) as session:
        return reporting.completeness(session=session, viewer=viewer, filters=filters or Filters())


def missing(world: World, viewer: Viewer, company_id: int, period: str = "2025-S1") -> pd.DataFrame:
    with read_session(world.engine) as session:
        return reporting.missing_indicators(
            session=session, viewer=viewer, filters=Filters(), company_id=company_id, period=period
        )


def test_every_company_and_semester_counts_what_was_due_and_what_was_reported(world: World) -> None:
    table = completeness(world, SYSTEM)
    # (due, reported, submitted, verified, missing)
    assert rows_of(table) == {
        ("PT Sawit Kukar", "2024-S1"): (3, 0, 0, 0, 3),
        ("PT Sawit Kukar", "2024-S2"): (3, 0, 0, 0, 3),
        # Kebun's two, and Rumah's late figure, reported although Rumah had ended.
        ("PT Sawit Kukar", "2025-S1"): (3, 2, 1, 1, 1),
        ("PT Sawit Kukar", "2025-S2"): (2, 0, 0, 0, 2),
        ("PT Kota Mandiri", "2025-S1"): (2, 1, 1, 0, 1),
        ("PT Kota Mandiri", "2025-S2"): (2, 0, 0, 0, 2),
    }
    assert list(table["period"]) == sorted(table["period"], reverse=True), "newest semester first"
    first = table.iloc[0]
    assert (first["period"], first["company"], first["share_reported"]) == ("2025-S2", "PT Kota Mandiri", 0.0)
    assert table["share_reported"].tolist() == (table["reported"] / table["due"]).tolist()

    chosen = completeness(world, SYSTEM, Filters(period="2025-S1"))
    assert set(chosen["period"]) == {"2025-S1"}
    assert rows_of(chosen)[("PT Kota Mandiri", "2025-S1")] == (2, 1, 1, 0, 1)


def test_the_first_rows_are_the_newest_whole_semesters_of_the_table(world: World) -> None:
    """The page reads a semester at a time until it has the rows it draws; the count and the download
    still cover every row."""
    full = completeness(world, SYSTEM)
    with read_session(world.engine) as session:
        for at_least, periods in (
            (1, {"2025-S2"}),
            (2, {"2025-S2"}),
            (3, {"2025-S2", "2025-S1", "2024-S2"}),
            (99, None),
        ):
            first = reporting.completeness(
                session=session, viewer=SYSTEM, filters=Filters(), at_least=at_least
            )
            assert set(first["period"]) == (periods or set(full["period"])), at_least
            pd.testing.assert_frame_equal(first, full.head(len(first)))
        for viewer, filters in ((SYSTEM, Filters()), (SYSTEM, Filters(company_id=world.sawit))):
            counted = reporting.completeness_count(session=session, viewer=viewer, filters=filters)
            assert counted == len(completeness(world, viewer, filters))
    assert len(full) == 6


def test_the_missing_names_are_the_due_indicators_without_an_actual(world: World) -> None:
    sawit = missing(world, SYSTEM, world.sawit)
    assert sawit[["program", "indicator", "target", "state"]].values.tolist() == [
        ["Kebun", "Indikator 1", 5.0, m.ResultState.DRAFT.value]
    ]
    kota = missing(world, SYSTEM, world.kota)
    assert kota[["program", "indicator"]].values.tolist() == [["Air", "Indikator 1"]]
    assert kota["state"].isna().all(), "no row at all"
    assert missing(world, SYSTEM, world.sawit, "2025-S2")["indicator"].tolist() == [
        "Indikator 0",
        "Indikator 1",
    ]


def test_an_agency_never_sees_another_regencys_companies(world: World) -> None:
    balikpapan = Viewer(user_id=None, username="dlh.bpp", role=m.Role.AGENCY, regency_id=world.balikpapan_id)
    table = completeness(world, balikpapan)
    assert set(table["company"]) == {"PT Kota Mandiri"}
    assert missing(world, balikpapan, world.sawit).empty
    assert missing(world, balikpapan, world.sawit, "2025-S2").empty
    # Asking for the other regency in the filters does not widen the scope.
    assert completeness(world, balikpapan, Filters(regency_id=world.kukar_id)).empty

    kukar = Viewer(user_id=None, username="bappeda.kukar", role=m.Role.AGENCY, regency_id=world.kukar_id)
    assert set(completeness(world, kukar)["company"]) == {"PT Sawit Kukar"}
    assert missing(world, kukar, world.kota).empty


def test_a_company_never_sees_another_company(world: World) -> None:
    kota = Viewer(user_id=None, username="kota", role=m.Role.COMPANY, company_id=world.kota)
    assert set(completeness(world, kota)["company"]) == {"PT Kota Mandiri"}
    assert completeness(world, kota, Filters(company_id=world.sawit)).empty
    assert missing(world, kota, world.sawit).empty
    assert missing(world, kota, world.kota)["indicator"].tolist() == ["Indikator 1"]


@pytest.mark.parametrize("role", [m.Role.ADMIN, m.Role.VIEWER])
def test_admins_and_viewers_see_every_company(world: World, role: m.Role) -> None:
    reader = Viewer(user_id=None, username="pembaca", role=role)
    assert set(completeness(world, reader)["company"]) == {"PT Sawit Kukar", "PT Kota Mandiri"}
    assert missing(world, reader, world.sawit)["indicator"].tolist() == ["Indikator 1"]


def test_the_overview_counts_what_was_not_reported(world: World) -> None:
    with read_session(world.engine) as session:
        tiles = overview.overview_tiles(
            session=session, viewer=SYSTEM, filters=Filters(period="2025-S1"), thresholds=Thresholds()
        )
        by_company = overview.achievement_by(
            session=session,
            viewer=SYSTEM,
            filters=Filters(period="2025-S1"),
            thresholds=Thresholds(),
            group="company",
        )
    # Rumah ended in 2024: a 2025 filter leaves it out, as every figure of the view does.
    assert (tiles.results_due, tiles.results_reported, tiles.results_on_track) == (4, 2, 1)
    shares = {(row.group, row.status): row.results for row in by_company.itertuples()}
    assert shares == {
        ("Sawit Kukar", "on_track"): 1,
        ("Sawit Kukar", "not_reported"): 1,
        ("Kota Mandiri", "off_track"): 1,
        ("Kota Mandiri", "not_reported"): 1,
    }


@pytest.fixture
def kukar_demo(engine: Engine) -> tuple[Engine, Viewer]:
    load_demo(engine=engine)
    return engine, make_account(engine, username="bappeda.kukar", role="agency", regency=KUKAR)


def test_kutai_kartanegara_in_2025_s1_shows_three_of_six_not_reported(
    kukar_demo: tuple[Engine, Viewer],
) -> None:
    engine, kukar = kukar_demo
    filters = Filters(period="2025-S1")
    with read_session(engine) as session:
        tiles = overview.overview_tiles(
            session=session, viewer=kukar, filters=filters, thresholds=Thresholds()
        )
        by_pillar = overview.achievement_by(
            session=session, viewer=kukar, filters=filters, thresholds=Thresholds(), group="pillar"
        )
        table = reporting.completeness(session=session, viewer=kukar, filters=filters)
        trend = overview.achievement_trend(
            session=session, viewer=kukar, filters=filters, thresholds=Thresholds()
        )
    assert (tiles.results_due, tiles.results_reported, tiles.results_on_track) == (6, 3, 2)
    assert by_pillar.loc[by_pillar["status"] == "not_reported", "results"].sum() == 3
    assert by_pillar.groupby("group")["share"].sum().round(9).eq(1).all()
    assert (table["due"].sum(), table["missing"].sum()) == (6, 3)
    assert trend.set_index("period").loc["2025-S1", "reported_share"] == 0.5
    with engine.connect() as connection:
        kukar_companies = set(
            connection.execute(
                text(
                    "SELECT DISTINCT c.name FROM company c JOIN program p ON p.company_id = c.id "
                    "JOIN program_village pv ON pv.program_id = p.id JOIN village v ON v.id = pv.village_id "
                    "JOIN district d ON d.id = v.district_id JOIN regency r ON r.id = d.regency_id "
                    "WHERE r.name = :kukar"
                ),
                {"kukar": KUKAR},
            ).scalars()
        )
    assert set(table["company"]) <= kukar_companies


def shown_companies(app: object) -> set[str]:
    [table] = app.dataframe  # type: ignore[attr-defined]
    return set(table.value["company"])


def test_the_reporting_page_shows_an_agency_its_regency_and_the_missing_names_of_a_row(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    app = open_page(
        monkeypatch,
        demo_sqlite_url,
        "pages/reporting.py",
        viewer=demo_accounts.kukar,
        params={"period": "2025-S1"},
    )
    assert app.title[0].value == "Pelaporan per perusahaan"
    assert shown_companies(app) == {
        "PT Loa Kulu Bara Sejahtera",
        "PT Janggut Sawit Nusantara",
        "PT Kenohan Agro Lestari",
    }
    table = app.dataframe[0].value
    assert table["missing"].sum() == 3 and (table["due"] == 2).all()
    row = table.index[table["company"] == "PT Janggut Sawit Nusantara"][0]
    # What a click on the row does: the table's selection, kept under a key of the filters shown.
    app.session_state["reporting-table-period.2025-S1"] = {"selection": {"rows": [int(row)], "columns": []}}
    app.run()
    assert "Belum dilaporkan: PT Janggut Sawit Nusantara, 2025-S1" in [h.value for h in app.subheader]
    names = app.dataframe[1].value
    assert names[["program", "indicator"]].values.tolist() == [
        ["Kebun Pangan Keluarga Kembang Janggut", "Keluarga sasaran dengan pangan cukup"]
    ]


def test_the_reporting_page_shows_a_company_only_itself(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    app = open_page(
        monkeypatch, demo_sqlite_url, "pages/reporting.py", viewer=demo_accounts.indexim, lang="en"
    )
    assert shown_companies(app) == {"PT Indexim Coalindo"}
    assert app.title[0].value == "Reporting by company"


def test_the_reporting_page_shows_an_admin_every_company(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, "pages/reporting.py", viewer=demo_accounts.admin)
    with read_session(engine_for(demo_sqlite_url)) as session:
        every = set(session.exec(select(m.Company.name)).all())
    assert shown_companies(app) == every
    assert "Perusahaan melapor lengkap (2025-S1)" in [metric.label for metric in app.metric]


def test_the_reporting_page_draws_the_rows_most_in_need_first_and_downloads_them_all(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    """A province's companies by semester are thousands of rows: the page draws the first (newest
    semester, most missing first), says how many there are, and a row drawn still opens its names."""
    from sinergi.ui import reporting as reporting_ui

    everything = open_page(monkeypatch, demo_sqlite_url, "pages/reporting.py", viewer=demo_accounts.admin)
    full = everything.dataframe[0].value
    monkeypatch.setattr(reporting_ui, "SHOWN_ROWS", 3)
    app = open_page(monkeypatch, demo_sqlite_url, "pages/reporting.py", viewer=demo_accounts.admin)
    table = app.dataframe[0].value
    assert len(full) > 3
    assert table[["company", "period", "missing"]].values.tolist() == (
        full[["company", "period", "missing"]].head(3).values.tolist()
    )
    assert any(f"3 baris pertama dari {len(full)}" in c.value for c in app.caption)
    app.session_state["reporting-table-"] = {"selection": {"rows": [2], "columns": []}}
    app.run()
    company, period = table.iloc[2]["company"], table.iloc[2]["period"]
    headings = [h.value for h in app.subheader]
    assert any(company in h and period in h for h in headings)


def test_the_overview_shows_kutai_kartanegara_its_unreported_indicators(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    app = open_page(monkeypatch, demo_sqlite_url, viewer=demo_accounts.kukar, params={"period": "2025-S1"})
    tiles = {metric.label: (metric.value, metric.proto.delta) for metric in app.metric}
    assert tiles["Indikator dilaporkan (2025-S1)"] == ("3", "dari 6 (50%)")
    assert tiles["Indikator sesuai target (2025-S1)"] == ("2", "dari 6 (33%)")
    by_pillar, by_company = (json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")[:2])
    for spec in (by_pillar, by_company):
        [inner] = spec["layer"]
        scale = inner["layer"][0]["encoding"]["color"]["scale"]
        assert scale["domain"][-1] == "Belum dilaporkan", "the legend names the grey part"
        assert scale["range"][-1] == charts.SHARE_COLOURS["not_reported"]
        unreported = [row for row in inner["data"]["values"] if row["status_label"] == "Belum dilaporkan"]
        assert sum(row["results"] for row in unreported) == 3

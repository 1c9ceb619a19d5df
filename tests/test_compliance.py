"""The compliance page and its queries: the Kukar matrix, counts, deadlines and one company's record."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text
from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

import models as m
from sinergi.core.access import SYSTEM, AccessDenied, Viewer
from sinergi.core.db import engine_for, read_session, write_session
from sinergi.i18n.texts import translate
from sinergi.reads import compliance, queries
from sinergi.reads.compliance import Basis
from sinergi.worlds.demo import FRAMEWORK_NAME, JANGGUT, KENOHAN, KPI, LOA_KULU, SANGA, load_demo
from sinergi.worlds.synth import SCALES, build_synthetic
from tests.apptest import assert_ran_clean, open_page
from tests.conftest import DemoAccounts
from tests.factories import make_account, make_program, make_user

MET, PARTLY, NOT_MET, NA, PENDING = (
    m.ComplianceStatus.MET,
    m.ComplianceStatus.PARTLY_MET,
    m.ComplianceStatus.NOT_MET,
    m.ComplianceStatus.NOT_APPLICABLE,
    m.ComplianceStatus.PENDING,
)
TODAY = date(2024, 6, 1)
# Worked out by hand from the demo's records, programs and participation against the six points:
# 1–3 by hand (pending where nobody judged), 4 a document by 31 January 2023, 5 one poverty program
# in 2023, 6 only for the company that declined; a company that declined is judged on 6 alone.
EXPECTED = {
    JANGGUT: (MET, PARTLY, PENDING, PARTLY, MET, NA),
    KENOHAN: (PARTLY, NOT_MET, PENDING, NOT_MET, NOT_MET, NA),
    LOA_KULU: (MET, MET, MET, MET, MET, NA),
    SANGA: (NA, NA, NA, NA, NA, MET),
}


def _demo(engine: Engine) -> tuple[int, dict[str, int]]:
    """Load the demo; the Kukar framework's id and the companies' ids by name."""
    load_demo(engine=engine)
    with read_session(engine) as session:
        framework = session.exec(select(m.Framework).where(m.Framework.name == FRAMEWORK_NAME)).one()
        companies = {c.name: c.id for c in session.exec(select(m.Company)) if c.id is not None}
    assert framework.id is not None
    return framework.id, companies


def _grid(matrix: pd.DataFrame) -> dict[str, tuple[m.ComplianceStatus, ...]]:
    ordered = matrix.sort_values(["company", "point"])
    return {
        str(company): tuple(m.ComplianceStatus(s) for s in rows["status"])
        for company, rows in ordered.groupby("company", sort=True)
    }


def test_matrix_and_counts_match_the_rules_worked_out_by_hand(engine: Engine) -> None:
    framework_id, _ = _demo(engine)
    with read_session(engine) as session:
        matrix = compliance.compliance_matrix_frame(
            session=session, viewer=SYSTEM, framework_id=framework_id, today=TODAY
        )
        counts = compliance.status_counts(
            session=session, viewer=SYSTEM, framework_id=framework_id, today=TODAY
        )
    assert list(matrix.columns) == compliance.MATRIX_COLUMNS
    assert _grid(matrix) == EXPECTED
    point_five = matrix[matrix["point"] == 5].iloc[0]
    assert point_five["point_title"] == "Minimal satu program penanggulangan kemiskinan"
    assert point_five["rule"] == m.PointRule.MIN_POVERTY_PROGRAMS
    # Points 1–3 of Loa Kulu were verified by hand, points 4–5 follow the data.
    loa_kulu = matrix[matrix["company"] == LOA_KULU].set_index("point")["manual"]
    assert loa_kulu.to_dict() == {1: True, 2: True, 3: True, 4: False, 5: False, 6: False}

    independent = Counter(status for statuses in EXPECTED.values() for status in statuses)
    assert [(c.status, c.cells) for c in counts] == [(s, independent[s]) for s in m.ComplianceStatus]
    assert {c.status: c.cells for c in counts} == {MET: 8, PARTLY: 3, NOT_MET: 3, NA: 8, PENDING: 2}


def test_deadlines_count_days_left_and_overdue_from_the_given_day(engine: Engine) -> None:
    framework_id, _ = _demo(engine)

    def deadlines(today: date) -> dict[int, compliance.PointDeadline]:
        with read_session(engine) as session:
            found = compliance.point_deadlines(
                session=session, viewer=SYSTEM, framework_id=framework_id, today=today
            )
        return {d.number: d for d in found}

    new_year = deadlines(date(2023, 1, 1))
    assert set(new_year) == {2, 4}  # the only points with a deadline
    assert (new_year[2].deadline, new_year[2].days_left, new_year[2].days_overdue) == (
        date(2022, 11, 30),
        0,
        32,
    )
    assert new_year[2].overdue
    assert (new_year[4].deadline, new_year[4].days_left, new_year[4].days_overdue) == (
        date(2023, 1, 31),
        30,
        0,
    )
    assert not new_year[4].overdue
    # Janggut (partly) and Kenohan (not met by hand; pending until the deadline passes) still owe both.
    assert (new_year[2].open_companies, new_year[4].open_companies) == (2, 2)

    on_the_day = deadlines(date(2023, 1, 31))[4]
    assert (on_the_day.days_left, on_the_day.days_overdue, on_the_day.overdue) == (0, 0, False)
    day_after = deadlines(date(2023, 2, 1))[4]
    assert (day_after.days_left, day_after.days_overdue) == (0, 1)


def test_company_detail_shows_evidence_and_who_verified_it_when(engine: Engine) -> None:
    framework_id, companies = _demo(engine)
    verifier = make_user(engine, username="bappeda.kukar", display_name="Rina Bappeda Kukar")
    verified_at = datetime(2023, 2, 28, 3, tzinfo=UTC)
    with write_session(engine) as session:
        point_one = session.exec(
            select(m.FrameworkPoint).where(
                m.FrameworkPoint.framework_id == framework_id, m.FrameworkPoint.number == 1
            )
        ).one()
        record = session.exec(
            select(m.ComplianceRecord).where(
                m.ComplianceRecord.company_id == companies[LOA_KULU],
                m.ComplianceRecord.point_id == point_one.id,
            )
        ).one()
        record.verified_by_id = verifier
        record.verified_at = verified_at
        session.add(record)

    def detail(company: str) -> compliance.CompanyCompliance | None:
        with read_session(engine) as session:
            return compliance.company_compliance(
                session=session,
                viewer=SYSTEM,
                framework_id=framework_id,
                company_id=companies[company],
                today=TODAY,
            )

    loa_kulu = detail(LOA_KULU)
    assert loa_kulu is not None and loa_kulu.company == LOA_KULU and loa_kulu.plan_year == 2023
    points = {p.number: p for p in loa_kulu.points}
    assert [p.status for p in loa_kulu.points] == list(EXPECTED[LOA_KULU])
    assert points[1].verified_by == "Rina Bappeda Kukar"
    assert points[1].verified_at is not None
    assert points[1].verified_at.replace(tzinfo=UTC) == verified_at
    assert points[1].basis is Basis.HAND and points[1].note == "Diverifikasi Bappeda Kukar."
    assert points[1].evidence.startswith("Surat komitmen direksi")
    assert points[2].verified_by is None  # verified by hand, but nobody is named
    assert points[4].basis is Basis.DATA and points[4].document_date == date(2023, 1, 20)
    assert points[4].evidence.startswith("Kesepakatan dengan Dinas Sosial")
    assert points[5].basis is Basis.DATA and points[5].rule == m.PointRule.MIN_POVERTY_PROGRAMS
    assert points[6].evidence == "" and points[6].verified_at is None  # no record at all
    assert loa_kulu.participation == compliance.Participation(declined=False, reason="", letter_on=None)
    # The programs listed are exactly those the rule counted.
    with read_session(engine) as session:
        counted = queries.poverty_program_counts(session=session, year=2023)
    assert len(loa_kulu.poverty_programs) == counted[companies[LOA_KULU]] == 2
    assert {p.name for p in loa_kulu.poverty_programs} == {
        "Budidaya Ikan Air Tawar Keluarga Prasejahtera Jembayan",
        "Rehabilitasi Rumah Tidak Layak Huni Loa Kulu",
    }

    janggut = detail(JANGGUT)
    assert janggut is not None
    assert {p.number: p.basis for p in janggut.points}[3] is Basis.AWAITING

    sanga = detail(SANGA)
    assert sanga is not None and sanga.participation is not None
    assert sanga.participation.declined and sanga.participation.letter_on == date(2022, 10, 24)
    assert sanga.participation.reason.startswith("Penambangan berakhir pada 2022")
    assert sanga.poverty_programs == ()
    # Point 1 was set by hand, point 6 follows the letter; the others do not apply once a company declined.
    assert [p.basis for p in sanga.points] == [Basis.HAND, *[Basis.DECLINED] * 4, Basis.DATA]

    kenohan = detail(KENOHAN)
    assert kenohan is not None and kenohan.poverty_programs == ()
    # A company outside the framework's regency has no record here.
    assert detail(KPI) is None


def test_a_first_poverty_program_meets_point_five(engine: Engine) -> None:
    framework_id, companies = _demo(engine)

    def kenohan_and_counts() -> tuple[str, dict[m.ComplianceStatus, int]]:
        with read_session(engine) as session:
            matrix = compliance.compliance_matrix_frame(
                session=session, viewer=SYSTEM, framework_id=framework_id, today=TODAY
            )
            counts = compliance.status_counts(
                session=session, viewer=SYSTEM, framework_id=framework_id, today=TODAY
            )
        cell = matrix[(matrix["company"] == KENOHAN) & (matrix["point"] == 5)]
        return str(cell["status"].item()), {c.status: c.cells for c in counts}

    status, before = kenohan_and_counts()
    assert status == NOT_MET
    make_program(
        engine,
        company_id=companies[KENOHAN],
        name="Kebun Pangan Keluarga Kahala",
        poverty_alleviation=True,
        start=date(2023, 8, 1),
    )
    status, after = kenohan_and_counts()
    assert status == MET
    assert after[MET] == before[MET] + 1 and after[NOT_MET] == before[NOT_MET] - 1


def test_framework_summary_names_the_regency_and_meeting(engine: Engine) -> None:
    framework_id, _ = _demo(engine)
    with read_session(engine) as session:
        summary = compliance.framework_summary(session=session, viewer=SYSTEM, framework_id=framework_id)
        assert (
            compliance.framework_summary(session=session, viewer=SYSTEM, framework_id=framework_id + 1000)
            is None
        )
    assert summary is not None
    assert (summary.name, summary.regency, summary.plan_year, summary.issued_on) == (
        FRAMEWORK_NAME,
        "Kabupaten Kutai Kartanegara",
        2023,
        date(2022, 9, 9),
    )
    assert (summary.points, summary.companies) == (6, 4)
    assert summary.meeting_title


# --- the page ---------------------------------------------------------------------------------------------


def _copy_of_demo(demo_sqlite_url: str, tmp_path: Path) -> str:
    """A private copy of the shared demo database (the backup API also copies what is still in the WAL)."""
    target = tmp_path / "compliance.db"
    source = sqlite3.connect(demo_sqlite_url.removeprefix("sqlite:///"))
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return f"sqlite:///{target}"


def _compliance_page(
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    *,
    lang: str | None = None,
    params: dict[str, str] | None = None,
) -> AppTest:
    app = open_page(monkeypatch, url, "pages/compliance.py", params=params)
    # The language is switched on the page itself: the first run of a page may restart through app.py,
    # and AppTest formats the options of the page it left again outside the script (in Bahasa Indonesia).
    if lang:
        app.session_state["lang"] = lang
        app.run()
    assert_ran_clean(app)
    return app


def _chart_data(app: AppTest) -> pd.DataFrame:
    """The data behind the matrix chart, as the browser receives it (written into its specification)."""
    (chart,) = app.get("vega_lite_chart")
    [layer] = json.loads(chart.proto.spec)["layer"]
    return pd.DataFrame(layer["data"]["values"])


def _status_of(app: AppTest, company: str, point: int) -> m.ComplianceStatus:
    """The status the matrix shows (by its word in Bahasa Indonesia) for ``company`` and ``point``."""
    data = _chart_data(app)
    shown = data[(data["company"] == company) & (data["point"] == point)]["status_label"].item()
    words = {translate(f"compliance.{status.value}", "id"): status for status in m.ComplianceStatus}
    return words[shown]


def test_page_follows_a_new_program_without_serving_a_stale_matrix(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, tmp_path: Path
) -> None:
    url = _copy_of_demo(demo_sqlite_url, tmp_path)
    app = _compliance_page(monkeypatch, url)
    tiles = {metric.label: metric.value for metric in app.metric}
    assert tiles == {
        "Terpenuhi": "8",
        "Sebagian": "3",
        "Tidak terpenuhi": "3",
        "Tidak berlaku": "8",
        "Menunggu": "2",
    }
    assert _status_of(app, KENOHAN, 5) == NOT_MET
    assert set(_chart_data(app)["status_label"]) >= {"Terpenuhi", "Tidak terpenuhi", "Tidak berlaku"}
    assert len(app.expander) == 6
    assert [e.label for e in app.expander][4] == "Poin 5. Minimal satu program penanggulangan kemiskinan"

    engine = engine_for(url)
    with read_session(engine) as session:
        kenohan = session.exec(select(m.Company).where(m.Company.name == KENOHAN)).one()
    assert kenohan.id is not None
    make_program(engine, company_id=kenohan.id, name="Kebun Pangan Keluarga Kahala", poverty_alleviation=True)
    app.run()
    assert_ran_clean(app)
    assert _status_of(app, KENOHAN, 5) == MET
    tiles = {metric.label: metric.value for metric in app.metric}
    assert (tiles["Terpenuhi"], tiles["Tidak terpenuhi"]) == ("9", "2")


def test_page_shows_deadlines_and_a_company_record(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    app = _compliance_page(monkeypatch, demo_sqlite_url)
    deadlines = app.dataframe[0].value
    assert list(deadlines["Poin"]) == [2, 4]
    assert all(text.startswith("Lewat ") for text in deadlines["Sisa waktu"])  # both passed long ago
    assert (
        "Kabupaten Kutai Kartanegara" in app.markdown[0].value and "9 September 2022" in app.markdown[0].value
    )

    with read_session(engine_for(demo_sqlite_url)) as session:
        sanga = session.exec(select(m.Company).where(m.Company.name == SANGA)).one()
        framework_id = queries.frameworks(session=session, viewer=SYSTEM)[0].id
    app.selectbox(key=f"compliance-company-{framework_id}").select(sanga.id).run()
    assert app.query_params["company"] == str(sanga.id)
    assert "24 Oktober 2022" in app.warning[0].value
    record = app.table[0].value
    assert record["Status"].tolist() == ["Tidak berlaku"] * 5 + ["Terpenuhi"]
    assert record["Dasar status"].tolist() == [
        "Ditetapkan manual oleh verifikator",
        *["Perusahaan menyatakan tidak ikut serta"] * 4,
        "Hanya bagi perusahaan yang menyatakan tidak ikut",
    ]


def test_page_reads_the_company_from_the_url_and_speaks_english(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    with read_session(engine_for(demo_sqlite_url)) as session:
        loa_kulu = session.exec(select(m.Company).where(m.Company.name == LOA_KULU)).one()
        framework_id = queries.frameworks(session=session, viewer=SYSTEM)[0].id
    app = _compliance_page(
        monkeypatch,
        demo_sqlite_url,
        lang="en",
        params={"framework": str(framework_id), "company": str(loa_kulu.id)},
    )
    assert app.title[0].value == "Compliance with coordination points"
    assert [metric.label for metric in app.metric] == [
        "Met",
        "Partly met",
        "Not met",
        "Not applicable",
        "Pending",
    ]
    assert app.selectbox(key="compliance-framework-en").value == framework_id
    assert app.selectbox(key=f"compliance-company-{framework_id}").value == loa_kulu.id
    assert "Takes part" in " ".join(block.value for block in app.markdown)
    assert "Budidaya Ikan Air Tawar" in " ".join(block.value for block in app.markdown)
    assert set(app.table[0].value["Status"]) == {"Met", "Not applicable"}
    assert "days overdue" in app.dataframe[0].value["Time left"].iloc[0]


def test_page_on_an_empty_database_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, migrated_sqlite_url: str
) -> None:
    app = _compliance_page(monkeypatch, migrated_sqlite_url)
    assert not app.metric and not app.get("vega_lite_chart")
    assert "load-demo" in app.info[0].value
    app = _compliance_page(monkeypatch, migrated_sqlite_url, lang="en")
    assert app.info[0].value.startswith("No regency coordination framework yet.")
    # A reader of every regency is told there is none yet, without the admin's command.
    reader = make_account(engine_for(migrated_sqlite_url), username="pembaca", role="viewer")
    app = open_page(monkeypatch, migrated_sqlite_url, "pages/compliance.py", viewer=reader)
    assert [info.value for info in app.info] == [translate("compliance_page.no_framework_yet", "id")]


def test_a_company_outside_every_frameworks_regency_is_told_so_not_to_run_a_command(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    # PT KPI works in Balikpapan; the demo's only framework is Kutai Kartanegara's.
    app = open_page(monkeypatch, demo_sqlite_url, "pages/compliance.py", viewer=demo_accounts.kpi)
    assert [info.value for info in app.info] == [translate("compliance_page.no_framework_here", "id")]
    assert not app.metric and "load-demo" not in app.info[0].value


def test_a_framework_of_another_regency_is_refused_to_a_company_and_logged(engine: Engine) -> None:
    framework_id, _ = _demo(engine)
    # A company that works only in Balikpapan, outside Kutai Kartanegara.
    outsider = make_account(engine, username="luar", role="company", company=KPI)
    with pytest.raises(AccessDenied), read_session(engine) as session:
        compliance.framework_summary(session=session, viewer=outsider, framework_id=framework_id)
    with pytest.raises(AccessDenied), read_session(engine) as session:
        queries.framework_points(session=session, viewer=outsider, framework_id=framework_id)
    with engine.connect() as connection:
        refusals = connection.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'refused' AND entity = 'framework'")
        ).scalar_one()
    assert refusals == 2


# --- one matrix for the whole page ---------------------------------------------------------------------


def _accounts_of_a_framework(engine: Engine) -> list[Viewer]:
    """An admin, the staff of a company of the first framework's regency, and that regency's agency."""
    with read_session(engine) as session:
        framework = session.exec(select(m.Framework).order_by(col(m.Framework.id))).first()
        assert framework is not None
        regency = session.get(m.Regency, framework.regency_id)
        company = session.exec(
            select(m.Company)
            .join(m.CompanyRegency, col(m.CompanyRegency.company_id) == col(m.Company.id))
            .where(m.CompanyRegency.regency_id == framework.regency_id)
            .order_by(m.Company.name)
        ).first()
    assert regency is not None and company is not None
    return [
        SYSTEM,
        make_account(engine, username="staf", role="company", company=company.name),
        make_account(engine, username="bappeda", role="agency", regency=regency.name),
    ]


@pytest.mark.parametrize("world", ["demo", "synthetic"])
def test_the_matrix_read_once_gives_every_status_count_and_deadline_as_judged_cell_by_cell(
    engine: Engine, world: str
) -> None:
    """The page reads the matrix once and counts its tiles and deadlines from it, and judges one company's
    record alone: each agrees with every company judged against every point one cell at a time (the
    overview's :func:`queries.compliance_matrix`), for an admin, a company and an agency."""
    if world == "demo":
        load_demo(engine=engine)
    else:
        build_synthetic(engine=engine, counts=SCALES["small"])
    viewers = _accounts_of_a_framework(engine)
    seen: Counter[m.ComplianceStatus] = Counter()
    for viewer in viewers:
        with read_session(engine) as session:
            frameworks = queries.frameworks(session=session, viewer=viewer)
        assert frameworks, viewer.role
        for framework in frameworks:
            assert framework.id is not None
            with read_session(engine) as session:
                points = queries.framework_points(session=session, viewer=viewer, framework_id=framework.id)
            deadlines = sorted({p.deadline for p in points if p.deadline is not None})
            # Before the first deadline, on it and after the last: a document not sent turns from pending
            # to not met.
            days = {date(framework.plan_year, 6, 1)}
            if deadlines:
                days |= {deadlines[0] - timedelta(days=1), deadlines[0], deadlines[-1] + timedelta(days=1)}
            for today in sorted(days):
                fid = framework.id
                with read_session(engine) as session:
                    cells = queries.compliance_matrix(
                        session=session, viewer=viewer, framework_id=fid, today=today
                    )
                    matrix = compliance.compliance_matrix_frame(
                        session=session, viewer=viewer, framework_id=fid, today=today
                    )
                    counts = compliance.status_counts(
                        session=session, viewer=viewer, framework_id=fid, today=today
                    )
                    point_deadlines = compliance.point_deadlines(
                        session=session, viewer=viewer, framework_id=fid, today=today
                    )
                    summary = compliance.compliance_summary(
                        session=session, viewer=viewer, framework_id=fid, today=today
                    )
                    records = {
                        company: compliance.company_compliance(
                            session=session, viewer=viewer, framework_id=fid, company_id=company, today=today
                        )
                        for company in dict.fromkeys(cell.company_id for cell in cells)
                    }
                assert cells, (viewer.role, framework.name, today)
                if viewer.role is m.Role.COMPANY:  # its own row alone
                    assert {cell.company_id for cell in cells} == {viewer.company_id}
                columns = ["company_id", "company", "point_id", "point", "status", "manual"]
                assert list(matrix[columns].itertuples(index=False, name=None)) == [
                    (c.company_id, c.company_name, c.point_id, c.point_number, c.status.value, c.manual)
                    for c in cells
                ]

                by_status = Counter(cell.status for cell in cells)
                expected_counts = [(status, by_status[status]) for status in m.ComplianceStatus]
                assert [(c.status, c.cells) for c in compliance.counts_of(matrix)] == expected_counts
                assert [(c.status, c.cells) for c in counts] == expected_counts
                assert summary.by_status == tuple((status.value, n) for status, n in expected_counts)
                assert (summary.met, summary.applicable) == (
                    by_status[m.ComplianceStatus.MET],
                    len(cells) - by_status[m.ComplianceStatus.NOT_APPLICABLE],
                )

                still_open = Counter(
                    cell.point_id for cell in cells if cell.status in compliance.OPEN_STATUSES
                )
                expected_deadlines = [
                    (p.id, p.deadline, still_open[p.id])
                    for p in points
                    if p.deadline is not None and p.id is not None
                ]
                for found in (compliance.deadlines_of(points, matrix, today), point_deadlines):
                    assert [(d.point_id, d.deadline, d.open_companies) for d in found] == expected_deadlines

                for company_id, record in records.items():
                    assert record is not None
                    assert [(p.point_id, p.status, p.manual) for p in record.points] == [
                        (c.point_id, c.status, c.manual) for c in cells if c.company_id == company_id
                    ]
                seen.update(cell.status for cell in cells)
    # The worlds judge cells every way there is, by hand and by each rule.
    assert len(seen) >= 4, seen

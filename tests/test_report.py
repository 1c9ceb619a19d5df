"""The semester evaluation report: what its PDF and .xlsx say, and who may make it."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader
from sqlalchemy import Engine, func
from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

import models as m
from sinergi.core.access import AccessDenied, Viewer
from sinergi.core.db import engine_for, read_session, write_session
from sinergi.reads.filters import Filters
from sinergi.reads.overview import reporting_period
from sinergi.reports.content import SemesterReport, report_choices, semester_report
from sinergi.reports.pdf import report_pdf
from sinergi.reports.rendering import chart_images
from sinergi.reports.workbook import report_xlsx
from sinergi.rules.achievement import Thresholds
from tests.apptest import assert_ran_clean
from tests.conftest import DemoAccounts
from tests.factories import (
    make_account,
    make_action,
    make_company,
    make_feedback,
    make_indicators,
    make_meeting,
    make_periods,
    make_program,
)

TODAY = date(2024, 9, 1)
PERIOD = "2024-S1"
FEEDBACK_TEXT = "Mohon pelatihan pengemasan produk diadakan di balai desa."
FORMULA_TEXT = '=HYPERLINK("http://contoh.invalid")'
DECLINE_REASON = "Di luar wilayah kerja"


@dataclass(frozen=True)
class World:
    engine: Engine
    company_id: int
    program_id: int
    quiet_program_id: int  # has indicators, but nothing reported
    other_program_id: int  # another company's program, in another regency
    staff: Viewer
    rival: Viewer
    agency: Viewer
    far_agency: Viewer
    reader: Viewer


def _place(engine: Engine, regency: str, village: str) -> int:
    with write_session(engine) as session:
        found = m.Regency(name=regency)
        session.add(found)
        session.flush()
        assert found.id is not None
        district = m.District(regency_id=found.id, name=f"Kecamatan {village}")
        session.add(district)
        session.flush()
        assert district.id is not None
        place = m.Village(district_id=district.id, name=village)
        session.add(place)
        session.flush()
        assert place.id is not None
        return place.id


@pytest.fixture
def world(engine: Engine) -> World:
    """A company with a measured program and a quiet one in Kutai Timur, and a rival elsewhere."""
    kutim = _place(engine, "Kabupaten Kutai Timur", "Desa Baay")
    balikpapan = _place(engine, "Kota Balikpapan", "Kelurahan Margasari")
    company_id = make_company(engine, name="PT Uji Laporan")
    rival_id = make_company(engine, name="PT Pesaing")
    program_id = make_program(engine, company_id=company_id, name="Madu Kelulut Desa Baay")
    quiet_id = make_program(engine, company_id=company_id, name="Program Tanpa Hasil")
    other_id = make_program(engine, company_id=rival_id, name="Program Pesaing")
    periods = make_periods(engine, first_year=2023, count=3)  # 2023-S1, 2023-S2, 2024-S1
    honey, trained, income = make_indicators(engine, program_id=program_id, count=3)
    make_indicators(engine, program_id=quiet_id, count=1)
    with write_session(engine) as session:
        for indicator_id, name, unit, baseline in (
            (honey, "Produksi madu kelulut", "liter", None),
            (trained, "Anggota terlatih", "orang", 4.0),
            (income, "Pendapatan tambahan anggota", "ribu rupiah", 0.0),
        ):
            indicator = session.get(m.Indicator, indicator_id)
            assert indicator is not None
            indicator.name, indicator.unit = name, unit
            indicator.baseline_value, indicator.baseline_year = (
                baseline,
                2022 if baseline is not None else None,
            )
        quiet = session.exec(select(m.Indicator).where(m.Indicator.program_id == quiet_id)).one()
        quiet.name = "Indikator belum dilaporkan"
        session.add_all(
            [
                m.ProgramVillage(program_id=program_id, village_id=kutim),
                m.ProgramVillage(program_id=quiet_id, village_id=kutim),
                m.ProgramVillage(program_id=other_id, village_id=balikpapan),
                # Earlier semesters draw the chart's history.
                m.Result(indicator_id=honey, period_id=periods[0], target=800, actual=700),
                m.Result(indicator_id=honey, period_id=periods[1], target=1000, actual=1050),
                # The report's semester: honey above target, training a gap, income a gap.
                m.Result(indicator_id=honey, period_id=periods[2], target=1250, actual=1312.5),
                m.Result(indicator_id=trained, period_id=periods[2], target=40, actual=22),
                m.Result(indicator_id=income, period_id=periods[2], target=450, actual=366),
                m.ProgramBudget(program_id=program_id, year=2024, planned=150_000_000, spent=97_500_000),
                m.ProgramBudget(program_id=program_id, year=2023, planned=999_000_000, spent=1),
            ]
        )
        program = session.get(m.Program, program_id)
        assert program is not None
        program.families_planned, program.families_reached = 1200, 1080
        evaluation = m.Evaluation(
            company_id=company_id,
            period_id=periods[2],
            title="Evaluasi Semester Uji",
            held_on=date(2024, 5, 15),
        )
        session.add(evaluation)
        session.flush()
        assert evaluation.id is not None
        session.add(m.EvaluationProgram(evaluation_id=evaluation.id, program_id=program_id))
    make_action(
        engine,
        program_id=program_id,
        description="Tambah pelatih lapangan untuk kelompok madu",
        due=date(2024, 7, 31),
        status=m.ActionStatus.IN_PROGRESS,
    )
    make_action(
        engine,
        program_id=program_id,
        description="Tindakan lama yang sudah selesai",
        due=date(2023, 3, 1),
        status=m.ActionStatus.DONE,
    )
    meeting_id = make_meeting(engine, held_on=date(2024, 5, 15), company_id=company_id, title="FGD Uji")
    old_meeting = make_meeting(engine, held_on=date(2023, 2, 1), company_id=company_id, title="FGD Lama")
    for meeting, text, reason in (
        (meeting_id, FEEDBACK_TEXT, ""),
        (meeting_id, FORMULA_TEXT, DECLINE_REASON),
        (old_meeting, "Masukan dari semester lain", ""),
    ):
        item = make_feedback(
            engine,
            meeting_id=meeting,
            text=text,
            kind=m.FeedbackKind.EXPECTATION,
            response="Dijadwalkan Juni",
            status=m.FeedbackStatus.DECLINED if reason else m.FeedbackStatus.OPEN,
            decline_reason=reason,
        )
        with write_session(engine) as session:
            found = session.get(m.FeedbackItem, item)
            assert found is not None
            found.program_id = program_id
    return World(
        engine=engine,
        company_id=company_id,
        program_id=program_id,
        quiet_program_id=quiet_id,
        other_program_id=other_id,
        staff=make_account(engine, username="staf", role="company", company="PT Uji Laporan"),
        rival=make_account(engine, username="pesaing", role="company", company="PT Pesaing"),
        agency=make_account(engine, username="bappeda.kutim", role="agency", regency="Kabupaten Kutai Timur"),
        far_agency=make_account(engine, username="bappeda.bpp", role="agency", regency="Kota Balikpapan"),
        reader=make_account(engine, username="pembaca", role="viewer"),
    )


def gather(world: World, viewer: Viewer, period: str = PERIOD, **scope: Any) -> SemesterReport:
    with read_session(world.engine) as session:
        found = semester_report(
            session=session, viewer=viewer, period=period, thresholds=Thresholds(), today=TODAY, **scope
        )
    assert found is not None
    return found


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def chart_pictures(book: Workbook) -> list[object]:
    """The pictures on the charts sheet (openpyxl reads them back as images)."""
    sheet = book["Grafik indikator"]
    assert isinstance(sheet, Worksheet)
    pictures: list[object] = sheet._images  # type: ignore[attr-defined]
    return pictures


def test_pdf_prints_indicators_figures_gaps_actions_and_feedback(world: World) -> None:
    found = gather(world, world.staff, company_id=world.company_id)
    text = pdf_text(report_pdf(found, "id"))

    assert "Laporan Evaluasi Semester" in text
    assert "PT Uji Laporan" in text
    assert "2024-S1 (1 Januari 2024 – 30 Juni 2024)" in text
    assert "Evaluasi Semester Uji (15 Mei 2024)" in text
    # Indicator rows: name, unit, baseline, target, actual, achievement, status, as printed in Indonesian.
    assert "Produksi madu kelulut liter – 1.250 1.312,5 105% Sesuai target" in text
    assert "⚠ Anggota terlatih orang 4 (2022) 40 22 55% Di bawah target" in text
    assert "⚠ Pendapatan tambahan anggota ribu rupiah 0 (2022) 450 366 81% Perlu perhatian" in text
    assert "⚠ Produksi madu kelulut" not in text  # above target is no gap
    # The gaps again, with what is missing.
    assert "⚠ Anggota terlatih (orang) 40 22 18 55%" in text
    # Budget of the report's year, beneficiaries reached / planned.
    assert "Anggaran tahun 2024" in text
    assert "Rp 150.000.000 Rp 97.500.000 65%" in text
    assert "Rp 999.000.000" not in text
    assert "1.080 / 1.200" in text
    # Follow-up actions: the open one is overdue on the report's day; one finished long ago is left out.
    assert "Tambah pelatih lapangan untuk kelompok madu" in text
    assert "31 Juli 2024 ⚠ Terlambat · Dalam proses" in text
    assert "Tindakan lama yang sudah selesai" not in text
    # Feedback of the semester with its response and status; other semesters' feedback is left out.
    assert FEEDBACK_TEXT in text
    assert "Dijadwalkan Juni Terbuka" in text
    assert "Ditolak: Di luar" in text and "wilayah kerja" in text, "a declined item gives its reason"
    assert "Masukan dari semester lain" not in text
    # A program without results says so.
    assert "Program Tanpa Hasil" in text
    assert "Belum ada hasil yang dilaporkan untuk periode 2024-S1." in text
    assert "Halaman 1 dari" in text


def test_a_result_not_reported_yet_prints_dashes_not_nan(world: World) -> None:
    with write_session(world.engine) as session:
        income = session.exec(
            select(m.Result)
            .join(m.Indicator, col(m.Indicator.id) == m.Result.indicator_id)
            .where(m.Indicator.name == "Pendapatan tambahan anggota")
        ).one()
        income.actual = None
    text = pdf_text(report_pdf(gather(world, world.staff, company_id=world.company_id), "id"))
    assert "Pendapatan tambahan anggota ribu rupiah 0 (2022) 450 – – Belum ada data" in text
    assert "NaN" not in text


def test_pdf_speaks_english_on_request(world: World) -> None:
    found = gather(world, world.reader, program_id=world.program_id)
    text = pdf_text(report_pdf(found, "en"))
    assert "Semester Evaluation Report" in text
    assert "Produksi madu kelulut liter – 1,250 1,312.5 105% On track" in text
    assert "Evaluasi Semester Uji (15 May 2024)" in text
    assert "Program Tanpa Hasil" not in text  # a program report covers that program only
    # The title names the one program; its tables do not repeat it on every row.
    gaps_table = "Gaps Indicator Target Actual Shortfall Achievement ⚠ Anggota terlatih (orang) 40 22 18 55%"
    assert gaps_table in text
    assert "Action Owner Due Status Tambah pelatih lapangan" in text
    assert "Page 1 of" in text


def test_xlsx_has_the_same_tables_with_numbers_as_numbers_and_the_charts(world: World) -> None:
    found = gather(world, world.staff, company_id=world.company_id)
    images = chart_images(found, "id")
    assert set(images) == set(found.series["indicator_id"])  # one chart per measured indicator
    book = load_workbook(io.BytesIO(report_xlsx(found, "id", images)))
    assert book.sheetnames == [
        "Ringkasan",
        "Indikator",
        "Kesenjangan",
        "Anggaran",
        "Penerima manfaat",
        "Tindak lanjut",
        "Masukan pemangku kepentingan",
        "Grafik indikator",
    ]
    rows = list(book["Indikator"].iter_rows(values_only=True))
    header = rows[0]
    honey = next(r for r in rows if r[1] == "Produksi madu kelulut")
    assert honey[header.index("Target")] == 1250
    assert honey[header.index("Realisasi")] == 1312.5
    assert honey[header.index("Capaian")] == pytest.approx(1.05)
    gap_column = header.index("Kesenjangan")
    assert sorted(str(r[1]) for r in rows[1:] if r[gap_column] == "Ya") == [
        "Anggota terlatih",
        "Pendapatan tambahan anggota",
    ]
    budget = list(book["Anggaran"].iter_rows(values_only=True))
    assert budget[1][2:4] == (150_000_000, 97_500_000)
    said = [r[5] for r in book["Masukan pemangku kepentingan"].iter_rows(min_row=2, values_only=True)]
    assert "'" + FORMULA_TEXT in said  # formula-like text stays text
    statuses = [r[7] for r in book["Masukan pemangku kepentingan"].iter_rows(min_row=2, values_only=True)]
    assert f"Ditolak: {DECLINE_REASON}" in statuses, "a declined item's reason beside its status"
    assert len(chart_pictures(book)) == len(images) == 3


def test_program_without_results_gives_a_report_that_says_so(world: World) -> None:
    found = gather(world, world.staff, program_id=world.quiet_program_id)
    assert chart_images(found, "id") == {}
    text = pdf_text(report_pdf(found, "id", {}))
    assert "Indikator belum dilaporkan" not in text.split("Kesenjangan")[-1]
    assert "Belum ada hasil yang dilaporkan untuk periode 2024-S1." in text
    assert "Tidak ada kesenjangan pada periode ini." in text
    assert "Belum ada data untuk grafik." in text
    book = load_workbook(io.BytesIO(report_xlsx(found, "id", {})))
    assert chart_pictures(book) == []


def test_actions_agreed_at_a_later_evaluation_stay_out_of_an_earlier_report(world: World) -> None:
    with write_session(world.engine) as session:
        evaluation = session.exec(
            select(m.Evaluation).where(m.Evaluation.title == "Evaluasi Semester Uji")
        ).one()
        session.add(
            m.FollowUpAction(
                program_id=world.program_id,
                evaluation_id=evaluation.id,
                description="Disepakati pada evaluasi 2024-S1",
                due_date=date(2024, 12, 31),
            )
        )
    now = gather(world, world.staff, program_id=world.program_id)
    assert "Disepakati pada evaluasi 2024-S1" in set(now.actions["action"])
    earlier = gather(world, world.staff, period="2023-S2", program_id=world.program_id)
    assert "Disepakati pada evaluasi 2024-S1" not in set(earlier.actions["action"])
    assert "Tambah pelatih lapangan untuk kelompok madu" in set(earlier.actions["action"])  # still open


def refusals(engine: Engine) -> int:
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).where(col(m.AuditLog.action) == "refused")).one())


def test_a_company_user_reports_only_on_its_own_company(world: World) -> None:
    before = refusals(world.engine)
    with pytest.raises(AccessDenied):
        gather(world, world.rival, company_id=world.company_id)
    with pytest.raises(AccessDenied):
        gather(world, world.rival, program_id=world.program_id)
    assert refusals(world.engine) == before + 2
    with read_session(world.engine) as session:
        choices = report_choices(session=session, viewer=world.rival)
    assert [name for _, name in choices.companies] == ["PT Pesaing"]
    assert [name for _, name, _ in choices.programs] == ["Program Pesaing"]


def test_an_agency_reports_on_programs_in_its_regency_only(world: World) -> None:
    found = gather(world, world.agency, company_id=world.company_id)
    assert {p.name for p in found.programs} == {"Madu Kelulut Desa Baay", "Program Tanpa Hasil"}
    before = refusals(world.engine)
    with pytest.raises(AccessDenied):
        gather(world, world.far_agency, company_id=world.company_id)
    with pytest.raises(AccessDenied):
        gather(world, world.far_agency, program_id=world.program_id)
    assert refusals(world.engine) == before + 2
    with read_session(world.engine) as session:
        choices = report_choices(session=session, viewer=world.far_agency)
    assert [name for _, name in choices.companies] == ["PT Pesaing"]


def test_a_company_whose_programs_ended_gives_a_report_that_says_so(world: World) -> None:
    finished = make_company(world.engine, name="PT Selesai")
    program_id = make_program(
        world.engine, company_id=finished, name="Program Lama", start=date(2021, 1, 1), end=date(2022, 12, 31)
    )
    with write_session(world.engine) as session:
        place = session.exec(
            select(m.ProgramVillage).where(m.ProgramVillage.program_id == world.program_id)
        ).one()
        session.add(m.ProgramVillage(program_id=program_id, village_id=place.village_id))
    # The agency of the regency may read the company, although nothing of it ran in the semester.
    found = gather(world, world.agency, company_id=finished)
    assert found.programs == ()
    text = pdf_text(report_pdf(found, "id"))
    assert "Tidak ada program yang berjalan pada periode ini." in text
    with pytest.raises(AccessDenied):
        gather(world, world.far_agency, company_id=finished)


def test_viewers_read_every_company_and_unknown_choices_give_nothing(world: World) -> None:
    assert gather(world, world.reader, program_id=world.other_program_id).company == "PT Pesaing"
    with read_session(world.engine) as session:
        choices = report_choices(session=session, viewer=world.reader)
        assert {name for _, name in choices.companies} == {"PT Uji Laporan", "PT Pesaing"}
        assert choices.periods == ("2024-S1", "2023-S2", "2023-S1")
        scopes: tuple[dict[str, Any], ...] = ({"program_id": 999_999}, {"company_id": 999_999})
        for scope in scopes:
            assert (
                semester_report(
                    session=session,
                    viewer=world.reader,
                    period=PERIOD,
                    thresholds=Thresholds(),
                    today=TODAY,
                    **scope,
                )
                is None
            )
        assert (
            semester_report(
                session=session,
                viewer=world.reader,
                period="2030-S1",
                thresholds=Thresholds(),
                today=TODAY,
                program_id=world.program_id,
            )
            is None
        )


def _section(viewer: object) -> None:
    # AppTest runs this function's source alone: it imports what it needs itself.
    from sinergi.core.access import Viewer
    from sinergi.ui.report import report_section

    assert isinstance(viewer, Viewer)
    report_section(viewer)


def test_section_offers_the_viewers_programs_and_two_downloads(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str, demo_accounts: DemoAccounts
) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    app = AppTest.from_function(_section, args=(demo_accounts.indexim,), default_timeout=60)
    app.run()
    assert_ran_clean(app)
    assert app.radio(key="report-scope").options == ["Satu program", "Seluruh program perusahaan"]
    assert app.selectbox(key="report-company").options == ["PT Indexim Coalindo"]
    company = app.selectbox(key="report-company").value
    programs = app.selectbox(key=f"report-program-{company}").options
    assert programs and all("Pengembangan Ekonomi Potensial Desa" in name for name in programs)
    # The semester offered first is the latest with reported actuals.
    with read_session(engine_for(demo_sqlite_url)) as session:
        latest = reporting_period(session=session, filters=Filters(), viewer=demo_accounts.indexim)
    assert latest is not None
    assert app.selectbox(key="report-period").value == latest
    buttons = [e for e in app.get("download_button")]
    assert len(buttons) == 2
    app.radio(key="report-scope").set_value("company").run()
    assert [s.key for s in app.selectbox] == ["report-company", "report-period"]
    assert len(app.get("download_button")) == 2


def test_section_says_when_there_is_nothing_to_report(
    monkeypatch: pytest.MonkeyPatch, sqlite_engine: Engine, sqlite_url: str
) -> None:
    viewer = make_account(sqlite_engine, username="pembaca", role="viewer")
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = AppTest.from_function(_section, args=(viewer,), default_timeout=60)
    app.run()
    assert_ran_clean(app)
    assert [info.value for info in app.info] == ["Belum ada program yang dapat Anda laporkan."]
    assert not app.get("download_button")

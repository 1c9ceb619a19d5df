"""Import and export as a user sees them: round trips, errors by row and column, rights, locks, CSV."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, text
from sqlmodel import col, select

import models as m
from manage import main
from sinergi.core import spreadsheet
from sinergi.core.access import SYSTEM, AccessDenied, Viewer
from sinergi.core.db import engine_for, read_session, write_session
from sinergi.reads.filters import Filters
from sinergi.transfer import archive, exporting, importing, parsing
from sinergi.transfer.sheets import SHEETS
from sinergi.writes.results import verify_result
from tests.apptest import assert_ran_clean
from tests.conftest import DemoAccounts
from tests.factories import make_account

TABLES = [
    "regency",
    "district",
    "village",
    "company",
    "organisation",
    "program",
    "program_village",
    "program_sdg",
    "program_budget",
    "indicator",
    "period",
    "result",
    "follow_up_action",
    "evaluation",
    "evaluation_program",
    "meeting",
    "meeting_attendance",
    "feedback_item",
]


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() for name in TABLES
        }


def export(
    engine: Engine, viewer: Viewer = SYSTEM, lang: str = "id", **filters: Any
) -> dict[str, pd.DataFrame]:
    with read_session(engine) as session:
        return exporting.export_sheets(session=session, viewer=viewer, filters=Filters(**filters), lang=lang)


def xlsx(sheets: dict[str, list[dict[str, Any]]]) -> bytes:
    """A workbook whose sheets hold the given rows (headers as written by a person)."""
    return spreadsheet.workbook_bytes({name: pd.DataFrame(rows) for name, rows in sheets.items()})


def run(engine: Engine, viewer: Viewer, name: str, data: bytes, *, commit: bool = True) -> importing.Report:
    sheets = parsing.read_upload(name, data)
    return importing.import_sheets(engine=engine, viewer=viewer, sheets=sheets, commit=commit, file_name=name)


def world(engine: Engine) -> None:
    """A regency with one village and two companies, written through an admin import."""
    report = run(
        engine,
        SYSTEM,
        "world.xlsx",
        xlsx(
            {
                "Villages": [
                    {"Regency": "Kabupaten Kutai Timur", "District": "Kaubun", "Village": "Bukit Permata"},
                    {"Regency": "Kabupaten Kutai Timur", "District": "Karangan", "Village": "Baay"},
                ],
                "Companies": [
                    {
                        "Company": "PT Indexim Coalindo",
                        "Sector": "Coal mining",
                        "Regencies of operation": "Kabupaten Kutai Timur",
                    },
                    {"Company": "PT Lain", "Sector": "lainnya"},
                ],
            }
        ),
    )
    assert report.ok, report.problems


PROGRAM_ROWS: list[dict[str, Any]] = [
    {
        "Perusahaan": "PT Indexim Coalindo",
        "Program": "Ekonomi Desa Baay",
        "Pilar": "Ekonomi",
        "Tahap": "implementation",
        "Penanggulangan kemiskinan": "Ya",
        "Tanggal mulai": date(2023, 1, 1),
        "KK rencana": 40,
        "Desa/kelurahan lokasi": "Baay; Bukit Permata (Kaubun)",
        "TPB/SDGs": "1; 8",
    },
    {
        "Perusahaan": "PT Indexim Coalindo",
        "Program": "Air Bersih",
        "Pilar": "Health",
        "Tanggal mulai": "12/05/2023",
    },
]
INDICATOR_ROWS: list[dict[str, Any]] = [
    {
        "Perusahaan": "PT Indexim Coalindo",
        "Program": "Ekonomi Desa Baay",
        "Indikator": "Anggota terlatih",
        "Satuan": "orang",
    }
]
RESULT_ROWS: list[dict[str, Any]] = [
    {
        "Company": "PT Indexim Coalindo",
        "Program": "Ekonomi Desa Baay",
        "Indicator": "Anggota terlatih",
        "Period": "2023-S1",
        "Target": 20,
        "Actual": "18,5",
    }
]


def company_file(programs: list[dict[str, Any]] = PROGRAM_ROWS) -> bytes:
    return xlsx({"Program": programs, "Indikator": INDICATOR_ROWS, "Results": RESULT_ROWS})


def test_export_then_import_into_an_empty_database_gives_the_same_records(
    demo_sqlite_url: str, engine: Engine
) -> None:
    before = export(engine_for(demo_sqlite_url))
    assert len(before["Program"]) >= 10 and len(before["Capaian"]) >= 100
    # Evaluations come back with the programs they covered, and actions with the evaluation they came from.
    evaluations = before["Evaluasi"].set_index("Evaluasi")
    indexim = evaluations.loc["Evaluasi Semesteran PPM 2023-S1 – Pengembangan Ekonomi Potensial Desa"]
    assert indexim["Periode"] == "2023-S1" and indexim["Tanggal evaluasi"] == date(2023, 5, 12)
    assert indexim["Pertemuan"] and len(indexim["Program yang dievaluasi"].split("; ")) == 2
    assert before["Tindak lanjut"]["Evaluasi"].notna().sum() >= 5

    report = run(engine, SYSTEM, "semua.xlsx", spreadsheet.workbook_bytes(before))

    assert report.ok and report.committed, report.problems[:5]
    after = export(engine)
    assert list(after) == list(before)
    for name in before:
        pd.testing.assert_frame_equal(after[name], before[name], check_dtype=False, obj=name)
    with read_session(engine) as session:
        linked = session.exec(
            select(func.count())
            .select_from(m.FollowUpAction)
            .where(col(m.FollowUpAction.evaluation_id).is_not(None))
        ).one()
    assert linked == before["Tindak lanjut"]["Evaluasi"].notna().sum()


def test_importing_the_same_file_again_updates_rather_than_duplicates(engine: Engine) -> None:
    world(engine)
    first = run(engine, SYSTEM, "a.xlsx", company_file())
    assert first.ok and first.created == {"programs": 2, "indicators": 1, "results": 1}
    once = counts(engine)

    again = run(engine, SYSTEM, "a.xlsx", company_file())
    changed = [{**PROGRAM_ROWS[0], "KK rencana": 55}, PROGRAM_ROWS[1]]
    third = run(engine, SYSTEM, "b.xlsx", company_file(changed))

    sdgs_only = [{**changed[0], "TPB/SDGs": "1; 8; 17"}, PROGRAM_ROWS[1]]
    fourth = run(engine, SYSTEM, "c.xlsx", company_file(sdgs_only))

    assert again.ok and not again.created and not again.updated
    assert third.ok and third.updated == {"programs": 1} and third.unchanged["programs"] == 1
    assert fourth.updated == {"programs": 1}  # a changed list of SDGs changes the program
    assert counts(engine)["program"] == once["program"]
    with read_session(engine) as session:
        imports = session.exec(select(m.AuditLog).where(m.AuditLog.action == "import")).all()
    assert [entry.detail for entry in imports] == ["world.xlsx", "a.xlsx", "a.xlsx", "b.xlsx", "c.xlsx"]
    with read_session(engine) as session:
        program = session.exec(select(m.Program).where(m.Program.name == "Ekonomi Desa Baay")).one()
        result = session.exec(select(m.Result)).one()
        sdgs = sorted(session.exec(select(m.ProgramSdg.sdg)))
        villages = session.exec(select(func.count()).select_from(m.ProgramVillage)).one()
    assert (
        program.families_planned == 55 and program.poverty_alleviation and program.stage == "implementation"
    )
    assert (result.target, result.actual) == (20, 18.5)
    assert sdgs == [1, 8, 17] and villages == 2


def test_confirming_a_preview_writes_its_plan_once_and_refuses_what_changed_since(engine: Engine) -> None:
    world(engine)
    assert run(engine, SYSTEM, "a.xlsx", company_file()).committed
    sheets = parsing.read_upload(
        "b.xlsx", company_file([{**PROGRAM_ROWS[0], "KK rencana": 55}, PROGRAM_ROWS[1]])
    )
    preview = importing.import_sheets(engine=engine, viewer=SYSTEM, sheets=sheets, commit=False)
    assert preview.ok and preview.updated == {"programs": 1} and preview.plan is not None
    with write_session(engine) as session:  # someone edits the program between preview and confirm
        program = session.exec(select(m.Program).where(m.Program.name == "Ekonomi Desa Baay")).one()
        program.description, program.version = "Diubah", program.version + 1
        session.add(program)
    before = counts(engine)

    refused = importing.import_sheets(
        engine=engine, viewer=SYSTEM, sheets=sheets, commit=True, preview=preview
    )
    assert not refused.committed
    assert [(p.sheet, p.row, p.key) for p in refused.problems] == [("programs", 2, "transfer.err.changed")]
    assert counts(engine) == before

    # The plan is spent: confirming again checks the file afresh, on what the database now holds.
    again = importing.import_sheets(engine=engine, viewer=SYSTEM, sheets=sheets, commit=True, preview=preview)
    assert again.committed and again.updated == {"programs": 1}
    with read_session(engine) as session:
        program = session.exec(select(m.Program).where(m.Program.name == "Ekonomi Desa Baay")).one()
    assert program.families_planned == 55 and program.description == ""


def test_a_preview_lends_its_plan_only_to_the_viewer_it_was_checked_for(engine: Engine) -> None:
    world(engine)
    sheets = parsing.read_upload("a.xlsx", company_file())
    preview = importing.import_sheets(engine=engine, viewer=SYSTEM, sheets=sheets, commit=False)
    other = make_account(engine, username="lain", role="company", company="PT Lain")

    report = importing.import_sheets(engine=engine, viewer=other, sheets=sheets, commit=True, preview=preview)

    assert not report.committed and {p.key for p in report.problems} == {"transfer.err.other_company"}
    assert counts(engine)["program"] == 0


def test_one_bad_row_leaves_every_table_unchanged_and_names_the_row_and_column(engine: Engine) -> None:
    world(engine)
    before = counts(engine)
    bad = [*PROGRAM_ROWS, {**PROGRAM_ROWS[1], "Program": "Rusak", "Tanggal mulai": "31/02/2023"}]

    report = run(engine, SYSTEM, "salah.xlsx", company_file(bad))

    assert not report.committed
    assert [(p.sheet, p.row, p.column, p.key) for p in report.problems] == [
        ("programs", 4, "start_date", "transfer.err.date")
    ]
    assert counts(engine) == before


def test_every_error_is_listed_by_sheet_row_and_column_in_the_users_language(
    engine: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    world(engine)
    rows = [
        {**PROGRAM_ROWS[0], "Pilar": "Pariwisata", "KK rencana": "banyak"},
        {**PROGRAM_ROWS[1], "Program": ""},
        {**PROGRAM_ROWS[1], "Program": "X", "Desa/kelurahan lokasi": "Atlantis"},
    ]
    path = tmp_path / "salah.xlsx"
    path.write_bytes(company_file(rows))

    code = main(["import", str(path), "--database-url", engine.url.render_as_string(hide_password=False)])

    err = capsys.readouterr().err
    assert code == 1
    assert "Programs, row 2, Pillar: 'Pariwisata' is not one of the choices" in err
    assert "Programs, row 2, Families planned: 'banyak' is not a whole number." in err
    assert "Programs, row 3, Program: Required." in err
    assert "Programs, row 4, Villages: 'Atlantis' not found." in err
    # The indicator and the result name a program the file failed to create.
    assert "Indicators, row 2, Program: 'Ekonomi Desa Baay' not found." in err
    assert "nothing was imported" in err


EVALUATION_ROW: dict[str, Any] = {
    "Evaluasi": "Evaluasi Semester 2023-S1",
    "Tanggal evaluasi": date(2023, 5, 12),
    "Periode": "2023-S1",
    "Pertemuan": "FGD Evaluasi",
    "Tanggal pertemuan": date(2023, 5, 12),
    "Program yang dievaluasi": "Ekonomi Desa Baay; Air Bersih",
    "Catatan": "Omzet di bawah rencana.",
}
MEETING_ROW: dict[str, Any] = {
    "Pertemuan": "FGD Evaluasi",
    "Tanggal pertemuan": date(2023, 5, 12),
    "Jenis pertemuan": "semester_evaluation",
}


def test_evaluations_and_the_actions_they_led_to_import_once(engine: Engine) -> None:
    world(engine)
    staff = make_account(engine, username="rina", role="company", company="PT Indexim Coalindo")
    action = {
        **PROGRAM_ROWS[0],
        "Deskripsi": "Perbaiki alat pengering",
        "Evaluasi": EVALUATION_ROW["Evaluasi"],
    }
    action["Tanggal evaluasi"] = date(2023, 5, 12)
    sheets = {
        "Program": PROGRAM_ROWS,
        "Pertemuan": [MEETING_ROW],
        "Evaluasi": [EVALUATION_ROW],
        "Tindak lanjut": [{k: action[k] for k in ("Program", "Deskripsi", "Evaluasi", "Tanggal evaluasi")}],
    }

    first = run(engine, staff, "evaluasi.xlsx", xlsx(sheets))
    again = run(engine, staff, "evaluasi.xlsx", xlsx(sheets))
    fewer = {**sheets, "Evaluasi": [{**EVALUATION_ROW, "Program yang dievaluasi": "Air Bersih"}]}
    third = run(engine, staff, "evaluasi.xlsx", xlsx(fewer))

    assert first.ok and first.created["evaluations"] == 1 and first.created["actions"] == 1, first.problems
    assert again.ok and not again.created and not again.updated
    assert third.ok and third.updated == {"evaluations": 1}
    with read_session(engine) as session:
        evaluation = session.exec(select(m.Evaluation)).one()
        covered = session.exec(select(m.Program.name).join(m.EvaluationProgram)).all()
        linked = session.exec(select(m.FollowUpAction)).one()
        meeting = session.exec(select(m.Meeting)).one()
    assert covered == ["Air Bersih"] and linked.evaluation_id == evaluation.id
    assert evaluation.meeting_id == meeting.id and evaluation.notes == "Omzet di bawah rencana."
    exported = export(engine, staff)["Evaluasi"]
    assert list(exported["Program yang dievaluasi"]) == ["Air Bersih"]


def test_an_evaluation_naming_another_companys_program_or_meeting_is_an_error(engine: Engine) -> None:
    world(engine)
    setup = run(
        engine,
        SYSTEM,
        "setup.xlsx",
        xlsx(
            {
                "Program": [
                    *PROGRAM_ROWS,
                    {**PROGRAM_ROWS[1], "Perusahaan": "PT Lain", "Program": "Kebun Lain"},
                ],
                "Pertemuan": [{**MEETING_ROW, "Perusahaan": "PT Lain"}],
            }
        ),
    )
    assert setup.ok, setup.problems
    staff = make_account(engine, username="rina", role="company", company="PT Indexim Coalindo")
    before = counts(engine)
    rows = [
        {**EVALUATION_ROW, "Pertemuan": "", "Tanggal pertemuan": None},
        {
            **EVALUATION_ROW,
            "Evaluasi": "Lain",
            "Pertemuan": "",
            "Tanggal pertemuan": None,
            "Program yang dievaluasi": "Ekonomi Desa Baay; Kebun Lain",
        },
        {**EVALUATION_ROW, "Evaluasi": "Rapat lain", "Program yang dievaluasi": "Air Bersih"},
    ]

    report = run(engine, staff, "evaluasi.xlsx", xlsx({"Evaluasi": rows}))

    assert not report.committed
    assert [(p.sheet, p.row, p.column, p.key, dict(p.values)) for p in report.problems] == [
        ("evaluations", 3, "evaluated_programs", "transfer.err.unknown", {"value": "Kebun Lain"}),
        ("evaluations", 4, "meeting", "transfer.err.unknown", {"value": "FGD Evaluasi"}),
    ]
    assert counts(engine) == before


def test_company_user_imports_only_its_own_company(engine: Engine) -> None:
    world(engine)
    staff = make_account(engine, username="rina", role="company", company="PT Indexim Coalindo")
    before = counts(engine)
    foreign = [{**PROGRAM_ROWS[1], "Perusahaan": "PT Lain"}]

    refused = run(engine, staff, "lain.xlsx", xlsx({"Program": [PROGRAM_ROWS[0], *foreign]}))
    own = run(engine, staff, "sendiri.xlsx", xlsx({"Program": [{**PROGRAM_ROWS[1], "Perusahaan": ""}]}))

    assert [(p.sheet, p.row, p.column, p.key) for p in refused.problems] == [
        ("programs", 3, "company", "transfer.err.other_company")
    ]
    assert own.ok and own.created == {"programs": 1}
    assert counts(engine)["program"] == before["program"] + 1
    # Reference data is an admin's: a company user's village row is an error, not a new village.
    places = run(
        engine,
        staff,
        "desa.xlsx",
        xlsx({"Desa": [{"Kabupaten/kota": "X", "Kecamatan": "Y", "Desa/kelurahan": "Z"}]}),
    )
    assert [p.key for p in places.problems] == ["transfer.err.admin_only"]


@pytest.mark.parametrize("role", ["agency", "viewer"])
def test_agency_and_viewer_accounts_cannot_import(
    engine: Engine, role: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    world(engine)
    with write_session(engine) as session:
        session.add(m.Regency(name="Kabupaten Kutai Kartanegara"))
    regency = "Kabupaten Kutai Kartanegara" if role == "agency" else None
    account = make_account(engine, username=f"u-{role}", role=role, regency=regency)
    before = counts(engine)

    with pytest.raises(AccessDenied):
        run(engine, account, "a.xlsx", company_file())
    path = tmp_path / "a.xlsx"
    path.write_bytes(company_file())
    url = engine.url.render_as_string(hide_password=False)
    code = main(["import", str(path), "--user", account.username, "--database-url", url])

    assert code == 1 and "You may not reach this data" in capsys.readouterr().err
    assert counts(engine) == before
    with read_session(engine) as session:
        refusals = session.exec(
            select(m.AuditLog).where(m.AuditLog.action == "refused", m.AuditLog.entity == "import")
        ).all()
    assert [r.username for r in refusals] == [account.username] * 2


def test_an_import_that_would_change_a_verified_result_is_an_error(engine: Engine) -> None:
    world(engine)
    staff = make_account(engine, username="rina", role="company", company="PT Indexim Coalindo")
    assert run(engine, staff, "a.xlsx", company_file()).ok
    with write_session(engine) as session:
        result = session.exec(select(m.Result)).one()
        assert result.id is not None
        result.state = m.ResultState.SUBMITTED  # only a submitted result can be verified
        session.flush()
        verify_result(session=session, viewer=SYSTEM, result_id=result.id)

    same = run(engine, staff, "a.xlsx", company_file())
    changed = xlsx({"Capaian": [{**RESULT_ROWS[0], "Actual": 19}]})
    locked = run(engine, staff, "b.xlsx", changed)
    self_verified = xlsx(
        {"Capaian": [{**RESULT_ROWS[0], "Period": "2023-S2", "Verification state": "Verified"}]}
    )

    assert same.ok, same.problems  # an unchanged verified row is fine
    assert [(p.row, p.column, p.key) for p in locked.problems] == [
        (2, "actual", "transfer.err.result_locked")
    ]
    assert [p.key for p in run(engine, staff, "c.xlsx", self_verified).problems] == [
        "transfer.err.verify_not_allowed"
    ]
    # Nor does a company send its own result back; only a verifier does, with a note.
    self_returned = xlsx(
        {"Capaian": [{**RESULT_ROWS[0], "Period": "2023-S2", "Verification state": "Returned"}]}
    )
    assert [p.key for p in run(engine, staff, "d.xlsx", self_returned).problems] == [
        "transfer.err.return_not_allowed"
    ]
    with read_session(engine) as session:
        assert session.exec(select(m.Result.actual)).one() == 18.5


def test_csv_with_semicolons_decimal_comma_and_thousand_dots(engine: Engine) -> None:
    world(engine)
    assert run(engine, SYSTEM, "a.xlsx", company_file()).ok
    budget = (
        "Perusahaan;Program;Tahun;Anggaran rencana (Rp);Anggaran terserap (Rp)\r\n"
        'PT Indexim Coalindo;Ekonomi Desa Baay;2023;1.250.000;"750.000"\r\n'
    ).encode("utf-8-sig")
    results = (
        b"Company,Program,Indicator,Period,Target,Actual\n"
        b'PT Indexim Coalindo,Ekonomi Desa Baay,Anggota terlatih,2023-S2,"1,250.5",20\n'
    )
    semicolon_results = (
        "Perusahaan;Program;Indikator;Periode;Target;Realisasi\n"
        "PT Indexim Coalindo;Ekonomi Desa Baay;Anggota terlatih;2024-S1;1.250,5;12,5\n"
    ).encode("cp1252")

    reports = [
        run(engine, SYSTEM, name, data)
        for name, data in [
            ("anggaran.csv", budget),
            ("results.csv", results),
            ("capaian.csv", semicolon_results),
        ]
    ]

    assert all(r.ok for r in reports), [r.problems for r in reports]
    with read_session(engine) as session:
        planned = session.exec(select(m.ProgramBudget.planned, m.ProgramBudget.spent)).one()
        values = session.exec(
            select(m.Period.code, m.Result.target, m.Result.actual).join(m.Period).order_by(m.Period.code)
        ).all()
    assert tuple(planned) == (1_250_000, 750_000)
    assert [tuple(v) for v in values] == [
        ("2023-S1", 20, 18.5),
        ("2023-S2", 1250.5, 20),
        ("2024-S1", 1250.5, 12.5),
    ]


def test_csv_kind_is_taken_from_the_headers_or_refused() -> None:
    sheet = parsing.read_upload("x.csv", b"Indikator;Satuan;Program\nA;orang;P\n")[0]
    assert sheet.spec.key == "indicators"
    with pytest.raises(archive.FileRefused) as refused:
        parsing.read_upload("x.csv", b"foo,bar\n1,2\n")
    assert refused.value.key == "transfer.err.csv_entity"


@pytest.mark.parametrize(
    ("typed", "convention", "number"),
    [
        ("1.250,5", "id", 1250.5),
        ("1,250.5", "en", 1250.5),
        ("1.250", "id", 1250),
        ("1,5", "id", 1.5),
        ("1,250", "en", 1250),
        ("Rp 1.250.000", "id", 1_250_000),
        ("85%", "en", 85),
    ],
)
def test_numbers_as_people_type_them(typed: str, convention: str, number: float) -> None:
    assert parsing.parse_number(typed, convention=convention) == number


def csv_results(*values: str, delimiter: str = ";") -> bytes:
    """A results CSV whose rows give ``values`` as the targets of 2023-S1 and later periods."""
    header = delimiter.join(["Perusahaan", "Program", "Indikator", "Periode", "Target"])
    rows = [
        delimiter.join(["PT Indexim Coalindo", "Ekonomi Desa Baay", "Anggota terlatih", period, f'"{value}"'])
        for period, value in zip(["2023-S1", "2023-S2", "2024-S1", "2024-S2"], values, strict=False)
    ]
    return "\n".join([header, *rows]).encode()


@pytest.mark.parametrize(
    ("values", "lang", "convention", "decided", "targets"),
    [
        (("13,5", "12.345"), "en", "id", True, [13.5, 12345]),  # "13,5" is Indonesian only
        (("13.5", "12.345"), "id", "en", True, [13.5, 12.345]),
        (("1.250.000", "2,5", "12.5"), "en", "id", True, None),  # two against one: 12.5 is refused
        (("12.345", "1250"), "id", "id", False, [12345, 1250]),  # nothing decides: the interface language
        (("12.345", "1250"), "en", "en", False, [12.345, 1250]),
    ],
)
def test_a_file_is_read_by_one_convention_decided_by_its_own_numbers(
    engine: Engine,
    values: tuple[str, ...],
    lang: str,
    convention: str,
    decided: bool,
    targets: list[float] | None,
) -> None:
    world(engine)
    assert run(engine, SYSTEM, "a.xlsx", company_file()).ok
    sheets = parsing.read_upload("capaian.csv", csv_results(*values), lang=lang)
    reading = parsing.read_numbers_by(sheets, lang)
    assert (reading.convention, reading.decided, reading.texts) == (convention, decided, len(values))

    report = importing.import_sheets(engine=engine, viewer=SYSTEM, sheets=sheets, commit=True)

    if targets is None:
        assert [(p.row, p.column, p.key, dict(p.values)) for p in report.problems] == [
            (4, "target", "transfer.err.number_convention", {"value": "12.5", "example": "1.250,5"})
        ]
        return
    assert report.ok, report.problems
    with read_session(engine) as session:
        stored = session.exec(select(m.Result.target).join(m.Period).order_by(m.Period.code)).all()
    assert list(stored)[: len(targets)] == targets


def test_values_a_person_might_read_otherwise_are_listed_before_anything_is_written(engine: Engine) -> None:
    world(engine)
    assert run(engine, SYSTEM, "a.xlsx", company_file()).ok
    sheets = parsing.read_upload("capaian.csv", csv_results("1.250.000", "12.345", "13,5", "1.250"))
    reading = parsing.read_numbers_by(sheets, "en")

    assert reading.convention == "id"
    assert [(f.sheet, f.row, f.column, f.text, f.read_as, f.other) for f in reading.flagged] == [
        ("results", 3, "target", "12.345", Decimal("12345"), Decimal("12.345")),
        ("results", 5, "target", "1.250", Decimal("1250"), Decimal("1.250")),
    ]
    preview = importing.import_sheets(engine=engine, viewer=SYSTEM, sheets=sheets, commit=False)
    assert preview.ok and not preview.committed
    with read_session(engine) as session:
        assert 12345 not in session.exec(select(m.Result.target)).all()


def test_numbers_a_workbook_holds_as_numbers_are_not_read_again(engine: Engine) -> None:
    world(engine)
    rows = [{**RESULT_ROWS[0], "Target": 12.345, "Actual": "13,5"}]
    sheets = parsing.read_upload("c.xlsx", xlsx({"Results": rows}), lang="en")
    reading = parsing.read_numbers_by(sheets, "en")
    assert (reading.convention, reading.texts, reading.flagged) == ("id", 1, ())


def test_exported_formula_text_reads_back_neutralised_and_imports_as_typed(engine: Engine) -> None:
    world(engine)
    formula = '=HYPERLINK("http://evil.example","klik")'
    rows = [{**PROGRAM_ROWS[1], "Program": formula, "Deskripsi": "@SUM(1)"}]
    assert run(engine, SYSTEM, "a.xlsx", xlsx({"Program": rows})).ok

    data = spreadsheet.workbook_bytes(export(engine))
    sheet = load_workbook(io.BytesIO(data))["Program"]
    values = [cell.value for cell in sheet[2]]
    csv_text = spreadsheet.csv_bytes(export(engine)["Program"]).decode("utf-8-sig")

    assert "'" + formula in values and "'@SUM(1)" in values
    assert all(cell.data_type != "f" for cell in sheet[2])
    assert "'=HYPERLINK" in csv_text
    again = run(engine, SYSTEM, "b.xlsx", data)
    assert again.ok and not again.created and not again.updated  # the apostrophe is not stored


def test_company_export_holds_only_its_own_company(demo_sqlite_url: str, demo_accounts: DemoAccounts) -> None:
    engine = engine_for(demo_sqlite_url)
    sheets = export(engine, demo_accounts.indexim, lang="en")

    assert "Villages" not in sheets and "Companies" not in sheets
    for name in ("Programs", "Budgets", "Indicators", "Results", "Follow-up actions"):
        assert set(sheets[name]["Company"]) == {"PT Indexim Coalindo"}, name
    assert set(sheets["Meetings"]["Company"]) <= {"PT Indexim Coalindo"}
    filtered = export(engine, demo_accounts.indexim, lang="en", period="2023-S1")
    assert set(filtered["Results"]["Period"]) == {"2023-S1"}
    # The numbers and dates are cells of their type, not text.
    book = load_workbook(io.BytesIO(spreadsheet.workbook_bytes(sheets)))
    row = next(book["Results"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert isinstance(row[4], int | float) and isinstance(
        next(book["Programs"].iter_rows(min_row=2, max_row=2, values_only=True))[6], date
    )


def test_template_has_instructions_and_a_sheet_per_entity_in_the_users_language(engine: Engine) -> None:
    world(engine)
    staff = make_account(engine, username="rina", role="company", company="PT Indexim Coalindo")
    book = load_workbook(io.BytesIO(exporting.template_workbook(viewer=staff, lang="id")))
    admin_book = load_workbook(io.BytesIO(exporting.template_workbook(viewer=SYSTEM, lang="en")))

    assert book.sheetnames == [
        "Petunjuk",
        "Program",
        "Anggaran",
        "Indikator",
        "Capaian",
        "Pertemuan",
        "Kehadiran",
        "Masukan",
        "Evaluasi",
        "Tindak lanjut",
    ]
    assert admin_book.sheetnames[:4] == ["Instructions", "Villages", "Companies", "Organisations"]
    assert [c.value for c in book["Capaian"][1]][:5] == [
        "Perusahaan",
        "Program *",
        "Indikator *",
        "Periode *",
        "Target",
    ]
    instructions = " ".join(str(c.value) for row in book["Petunjuk"].iter_rows() for c in row if c.value)
    assert "Pilihan: Ekonomi, Lingkungan" in instructions and "2023-S1" in instructions
    assert "Program yang dievaluasi" in instructions and "Tanggal evaluasi" in instructions

    # Filled in a spreadsheet and uploaded back, the template imports.
    book["Program"].append(["", "Program Templat", "", "Ekonomi", "", "Ya", date(2024, 1, 1)])
    book["Anggaran"].append(["", "Program Templat", 2024, 5_000_000, 0])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(engine, staff, "templat.xlsx", buffer.getvalue())
    assert report.ok and report.created == {"programs": 1, "budgets": 1}, report.problems


def test_manage_export_writes_xlsx_csv_and_template(
    demo_sqlite_url: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    url = ["--database-url", demo_sqlite_url]
    assert main(["export", str(tmp_path / "all.xlsx"), *url]) == 0
    assert main(["export", str(tmp_path / "r.csv"), "--sheet", "results", "--lang", "en", *url]) == 0
    assert main(["export", str(tmp_path / "k.xlsx"), "--user", "indexim", *url]) == 0
    assert main(["export", "--template", str(tmp_path / "t.xlsx"), *url]) == 0
    assert main(["import", str(tmp_path / "all.xlsx"), "--dry-run", *url]) == 0

    assert load_workbook(tmp_path / "all.xlsx").sheetnames[:2] == ["Desa", "Perusahaan"]
    assert (tmp_path / "r.csv").read_text("utf-8-sig").startswith("Company,Program,Indicator,Period")
    companies = {
        row[0] for row in load_workbook(tmp_path / "k.xlsx")["Program"].iter_rows(min_row=2, values_only=True)
    }
    assert companies == {"PT Indexim Coalindo"}
    assert load_workbook(tmp_path / "t.xlsx").sheetnames[0] == "Petunjuk"
    assert "Checked only; nothing was written." in capsys.readouterr().out
    assert main(["import", str(tmp_path / "all.xlsx"), "--user", "nobody", *url]) == 1


def test_text_longer_than_its_column_is_an_error_on_every_database(engine: Engine) -> None:
    world(engine)
    before = counts(engine)
    report = run(engine, SYSTEM, "a.xlsx", xlsx({"Program": [{**PROGRAM_ROWS[1], "Program": "P" * 201}]}))
    assert [(p.row, p.column, p.key) for p in report.problems] == [(2, "program", "transfer.err.too_long")]
    assert counts(engine) == before


def sections(role: str) -> None:
    import streamlit as st

    from sinergi.core.access import SYSTEM, Viewer
    from sinergi.reads.filters import Filters
    from sinergi.ui.transfer import export_section, import_section

    viewer = Viewer(user_id=None, username=role, role=type(SYSTEM.role)(role), company_id=1, regency_id=1)
    st.session_state["lang"] = "en"
    import_section(viewer)
    export_section(viewer, Filters())


@pytest.mark.parametrize(("role", "may_import"), [("company", True), ("agency", False), ("viewer", False)])
def test_import_section_only_for_who_may_import(
    demo_sqlite_url: str, monkeypatch: pytest.MonkeyPatch, role: str, may_import: bool
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    app = AppTest.from_function(sections, args=(role,), default_timeout=60).run()

    assert_ran_clean(app)
    assert [h.value for h in app.subheader] == ["Import from Excel or CSV", "Export"]
    refused = [i.value for i in app.info]
    assert refused == (
        [] if may_import else ["Your account only reads; data is imported by company staff or admins."]
    )
    assert len(app.get("file_uploader")) == (1 if may_import else 0)
    tables = app.selectbox(key="transfer-export-sheet").options
    assert "Programs" in tables and "Villages" not in tables  # reference sheets are for admins


def test_errors_read_as_a_table_of_sheet_row_column_and_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from sinergi.i18n.texts import translate
    from sinergi.ui import transfer as transfer_screens

    monkeypatch.setattr(transfer_screens, "lang", lambda: "id")
    monkeypatch.setattr(transfer_screens, "t", lambda key, **values: translate(key, "id", **values))
    frame = transfer_screens.problems_frame(
        [importing.Problem("results", 7, "actual", "transfer.err.number", (("value", "banyak"),))]
    )
    assert frame.to_dict("records") == [
        {"Lembar": "Capaian", "Baris": 7, "Kolom": "Realisasi", "Kesalahan": "'banyak' bukan angka."}
    ]


def test_every_message_key_and_header_has_both_languages() -> None:
    import re

    from sinergi.core.settings import PROJECT_ROOT
    from sinergi.i18n.texts import TEXTS

    source = "\n".join(path.read_text() for path in (PROJECT_ROOT / "sinergi" / "transfer").glob("*.py"))
    literal = set(re.findall(r'"(transfer\.[a-z_]+\.[a-z_0-9]+)"', source))
    kinds = {c.kind for spec in SHEETS for c in spec.columns if not c.kind.startswith("enum:")}
    generated = {
        *(f"transfer.col.{c.key}" for spec in SHEETS for c in spec.columns),
        *(f"transfer.sheet.{spec.key}" for spec in SHEETS),
        *(f"transfer.about.{spec.key}" for spec in SHEETS),
        *(f"transfer.tpl.kind_{kind}" for kind in kinds),
        *(f"transfer.err.{kind}" for kind in kinds - {"text", "list"}),
    }
    assert literal and not sorted((literal | generated) - set(TEXTS))

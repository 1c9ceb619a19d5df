"""One write path: the same bad value gets the same refusal through every entry point, and nothing
is written; the import holds to what the forms hold to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

import models as m
from sinergi.core.access import Viewer
from sinergi.core.db import read_session, write_session
from sinergi.transfer import importing, parsing
from sinergi.writes import entry
from sinergi.writes.fields import FieldErrors
from sinergi.writes.results import record_result
from tests.test_entry import World, world  # noqa: F401  (the fixture)

INDICATOR = "Indikator 0"
PERIOD = "2023-S1"


def _grid(w: World, viewer: Viewer, typed: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    with read_session(w.engine) as session:
        row = entry.result_rows(session, viewer, w.program, w.periods[:1])[0]
    edit = entry.RowEdit(
        row, target=typed.get("target"), actual=typed.get("actual"), narrative=typed.get("narrative", "")
    )
    try:
        with write_session(w.engine) as session:
            entry.save_results(session=session, viewer=viewer, edits=[edit])
    except entry.GridErrors as refused:
        return {column: error for (_, column), error in refused.errors.items()}
    return {}


def _command(w: World, viewer: Viewer, typed: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    def number(value: Any) -> Any:
        return float(value) if isinstance(value, str) else value

    try:
        with write_session(w.engine) as session:
            record_result(
                session=session,
                viewer=viewer,
                indicator_id=w.indicators[0],
                period_id=w.periods[0],
                target=number(typed.get("target")),
                actual=number(typed.get("actual")),
                narrative=typed.get("narrative", ""),
            )
    except FieldErrors as refused:
        return refused.errors
    return {}


def _import(w: World, viewer: Viewer, typed: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    cells = [
        "PT Kilang Uji",
        "Bank Sampah",
        INDICATOR,
        PERIOD,
        str(typed.get("target", "")),
        str(typed.get("actual", "")),
        typed.get("narrative", ""),
    ]
    data = (
        "Perusahaan;Program;Indikator;Periode;Target;Realisasi;Narasi\n" + ";".join(cells) + "\n"
    ).encode()
    sheets = parsing.read_upload("capaian.csv", data)
    report = importing.import_sheets(engine=w.engine, viewer=viewer, sheets=sheets, commit=True)
    assert all(p.sheet == "results" and p.row == 2 for p in report.problems)
    return {p.column: (p.key, dict(p.values)) for p in report.problems}


ENTRY_POINTS: dict[str, Callable[[World, Viewer, dict[str, Any]], dict[str, Any]]] = {
    "grid": _grid,
    "command": _command,
    "import": _import,
}

BAD_RESULTS = [
    pytest.param({"target": "inf"}, {"target": "entry.error.number"}, id="infinite"),
    pytest.param({"target": "nan"}, {"target": "entry.error.number"}, id="not-a-number"),
    pytest.param({"target": "1e308"}, {"target": "entry.error.maximum"}, id="1e308"),
    pytest.param({"target": "1e27"}, {"target": "entry.error.maximum"}, id="1e27"),
    pytest.param({"actual": "-1e308"}, {"actual": "entry.error.minimum"}, id="-1e308"),
    pytest.param(
        {"target": "inf", "actual": "1e27", "narrative": "x" * 2001},
        {
            "target": "entry.error.number",
            "actual": "entry.error.maximum",
            "narrative": "entry.error.too_long",
        },
        id="every-error-of-the-row",
    ),
]


@pytest.mark.parametrize("entry_point", list(ENTRY_POINTS))
@pytest.mark.parametrize(("typed", "refused"), BAD_RESULTS)
def test_a_bad_result_is_refused_alike_by_every_entry_point_and_nothing_is_written(
    world: World,  # noqa: F811
    entry_point: str,
    typed: dict[str, Any],
    refused: dict[str, str],
) -> None:
    errors = ENTRY_POINTS[entry_point](world, world.viewers["company"], typed)
    if entry_point == "import" and "entry.error.number" in refused.values():
        # The import reads its text cells itself: a cell that is no number stops the row there, before
        # the checks of the row's other fields.
        refused = {
            field: "transfer.err.number" for field, key in refused.items() if key == "entry.error.number"
        }
    assert {field: key for field, (key, _) in errors.items()} == refused
    with world.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM result")).scalar_one() == 0


@pytest.mark.parametrize("entry_point", list(ENTRY_POINTS))
def test_a_good_result_is_written_alike_by_every_entry_point(world: World, entry_point: str) -> None:  # noqa: F811
    assert ENTRY_POINTS[entry_point](world, world.viewers["company"], {"target": "14", "actual": "12"}) == {}
    with world.engine.connect() as connection:
        assert connection.execute(text("SELECT target, actual, state FROM result")).one() == (14, 12, "draft")


def test_the_limit_reads_in_the_reader_language() -> None:
    from sinergi.i18n.texts import translate

    assert translate("entry.error.maximum", "id", max=1e12) == "Tidak boleh lebih dari 1.000.000.000.000."
    assert translate("entry.error.maximum", "en", max=1e12) == "Must not be more than 1,000,000,000,000."


def test_an_import_that_changes_a_submitted_result_sends_it_back_to_draft_as_the_grid_does(
    world: World,  # noqa: F811
) -> None:
    csr = world.viewers["company"]
    assert _import(world, csr, {"target": "14", "actual": "12"}) == {}
    with write_session(world.engine) as session:
        entry.submit_results(
            session=session, viewer=csr, program_id=world.program, period_id=world.periods[0]
        )
    assert _import(world, csr, {"target": "14", "actual": "13"}) == {}
    with world.engine.connect() as connection:
        assert connection.execute(text("SELECT actual, state FROM result")).one() == (13, "draft")


def test_an_import_refuses_a_village_outside_the_company_regencies_as_the_form_does(
    world: World,  # noqa: F811
) -> None:
    with write_session(world.engine) as session:
        elsewhere = m.Regency(name="Kabupaten Lain")
        session.add(elsewhere)
        session.flush()
        assert elsewhere.id is not None
        district = m.District(regency_id=elsewhere.id, name="Kecamatan Lain")
        session.add(district)
        session.flush()
        assert district.id is not None
        session.add(m.Village(district_id=district.id, name="Desa Jauh"))
    data = (
        b"Perusahaan;Program;Pilar;Tanggal mulai;Desa/kelurahan lokasi\n"
        b"PT Kilang Uji;Program Baru;Ekonomi;01/01/2024;Desa Jauh\n"
    )
    report = importing.import_sheets(
        engine=world.engine,
        viewer=world.viewers["company"],
        sheets=parsing.read_upload("program.csv", data),
        commit=True,
    )
    assert [(p.sheet, p.row, p.column, p.key) for p in report.problems] == [
        ("programs", 2, "villages", "transfer.err.village_outside")
    ]
    with world.engine.connect() as connection:
        assert (
            connection.execute(text("SELECT count(*) FROM program WHERE name = 'Program Baru'")).scalar() == 0
        )


@pytest.mark.parametrize(
    ("sheet", "typed", "column", "key"),
    [
        pytest.param(
            "Anggaran", {"Tahun": "2024", "Anggaran rencana (Rp)": "1e16"}, "planned", "entry.error.maximum"
        ),
        pytest.param(
            "Indikator",
            {"Indikator": "Baru", "Satuan": "orang", "Nilai dasar": "1e27"},
            "baseline_value",
            "entry.error.maximum",
        ),
    ],
)
def test_the_import_holds_budgets_and_baselines_to_the_form_checks(
    world: World,  # noqa: F811
    sheet: str,
    typed: dict[str, str],
    column: str,
    key: str,
) -> None:
    spec = entry.BUDGET if sheet == "Anggaran" else entry.INDICATOR
    form_typed = {"year": 2024, "name": "Baru", "unit": "orang", "planned": 1e16, "baseline_value": 1e27}
    with pytest.raises(FieldErrors) as form_refused:
        entry.validate(spec, form_typed)
    assert form_refused.value.errors[column][0] == key
    row = {"Perusahaan": "PT Kilang Uji", "Program": "Bank Sampah", **typed}
    data = (";".join(row) + "\n" + ";".join(row.values()) + "\n").encode()
    report = importing.import_sheets(
        engine=world.engine,
        viewer=world.viewers["company"],
        sheets=parsing.read_upload(f"{sheet}.csv", data),
        commit=True,
    )
    assert [(p.column, p.key) for p in report.problems] == [(column, key)]


def _import_csv(w: World, name: str, rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    data = (";".join(rows[0]) + "\n" + "".join(";".join(r.values()) + "\n" for r in rows)).encode()
    report = importing.import_sheets(
        engine=w.engine,
        viewer=w.viewers["company"],
        sheets=parsing.read_upload(name, data),
        commit=True,
    )
    return [(p.column, p.key) for p in report.problems]


MEETING = {"Perusahaan": "PT Kilang Uji", "Pertemuan": "FGD Renstra", "Tanggal pertemuan": "17/01/2025"}


def test_meetings_attendance_and_feedback_are_held_to_the_same_limits_by_the_import_and_the_forms(
    world: World,  # noqa: F811
) -> None:
    from sinergi.writes.feedback import FEEDBACK, InvalidFeedback, record_feedback

    # A head count no hall holds: the meeting form and the import refuse it alike.
    with pytest.raises(FieldErrors) as form_refused:
        typed = {"title": "FGD", "kind": "fgd", "held_on": date(2025, 1, 17), "attendee_count": 10**9}
        entry.validate(entry.MEETING, typed)
    assert form_refused.value.errors["attendee_count"][0] == "entry.error.maximum"
    too_many = {**MEETING, "Jenis pertemuan": "fgd", "Jumlah peserta": str(10**9)}
    assert _import_csv(world, "pertemuan.csv", [too_many]) == [("attendee_count", "entry.error.maximum")]
    assert _import_csv(world, "pertemuan.csv", [{**too_many, "Jumlah peserta": "48"}]) == []

    with write_session(world.engine) as session:
        organisation = m.Organisation(name="Bappeda Uji", org_type=m.OrgType.GOVERNMENT_AGENCY)
        session.add(organisation)
        session.flush()
        meeting_id = session.exec(select(m.Meeting.id)).one()
        assert meeting_id is not None
        organisation_id = organisation.id
    assert organisation_id is not None
    # A negative head count of an organisation: the attendance grid's command and the import alike.
    with pytest.raises(FieldErrors) as grid_refused, write_session(world.engine) as session:
        entry.set_attendance(
            session=session,
            viewer=world.viewers["company"],
            meeting_id=meeting_id,
            opened={},
            head_counts={organisation_id: -1},
        )
    assert grid_refused.value.errors["head_count"][0] == "entry.error.minimum"
    attended = {**MEETING, "Organisasi": "Bappeda Uji", "Jumlah orang": "-1"}
    assert _import_csv(world, "kehadiran.csv", [attended]) == [("head_count", "entry.error.minimum")]

    # Feedback over 2,000 characters: the public form's command and the import alike.
    long_text = "x" * 2001
    with pytest.raises(InvalidFeedback), write_session(world.engine) as session:
        record_feedback(session=session, meeting_id=meeting_id, kind="concern", text=long_text)
    said = {**MEETING, "Jenis masukan": "concern", "Isi masukan": long_text}
    assert _import_csv(world, "masukan.csv", [said]) == [("text", "entry.error.too_long")]
    assert FEEDBACK.field("text").max_length == 2000
    with world.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM feedback_item")).scalar_one() == 0
        assert connection.execute(text("SELECT count(*) FROM meeting_attendance")).scalar_one() == 0


def test_importing_the_same_results_again_leaves_them_as_they_were(world: World) -> None:  # noqa: F811
    csr = world.viewers["company"]
    assert _import(world, csr, {"target": "14", "actual": "12"}) == {}
    with world.engine.connect() as connection:
        before = connection.execute(text("SELECT version, updated_at FROM result")).one()
    assert _import(world, csr, {"target": "14", "actual": "12"}) == {}
    with world.engine.connect() as connection:
        # A verifier who opened the result meanwhile can still verify it: nothing changed.
        assert connection.execute(text("SELECT version, updated_at FROM result")).one() == before


def test_the_import_refuses_what_the_meeting_budget_and_action_forms_refuse(world: World) -> None:  # noqa: F811
    with write_session(world.engine) as session:
        session.add(m.Regency(name="Kabupaten Lain"))
    meeting = {**MEETING, "Jenis pertemuan": "fgd", "Kabupaten/kota": "Kabupaten Lain"}
    assert _import_csv(world, "pertemuan.csv", [meeting]) == [("regency", "transfer.err.regency_outside")]
    budget = {"Perusahaan": "PT Kilang Uji", "Program": "Bank Sampah", "Tahun": "1900"}
    assert _import_csv(world, "anggaran.csv", [budget]) == [("year", "entry.error.minimum")]
    action = {
        "Perusahaan": "PT Kilang Uji",
        "Program": "Bank Sampah",
        "Deskripsi": "Pelatihan ulang",
        "Status tindak lanjut": "done",
    }
    assert _import_csv(world, "tindak-lanjut.csv", [action]) == [("completed_on", "entry.error.completed_on")]


def test_a_results_sheet_without_the_evidence_column_keeps_the_evidence_each_result_has(
    world: World,  # noqa: F811
) -> None:
    csr = world.viewers["company"]
    with write_session(world.engine) as session:
        record_result(
            session=session,
            viewer=csr,
            indicator_id=world.indicators[0],
            period_id=world.periods[0],
            target=14,
            actual=12,
            evidence="Daftar hadir pelatihan",
        )
    assert _import(world, csr, {"target": "14", "actual": "13"}) == {}
    with world.engine.connect() as connection:
        row = connection.execute(text("SELECT actual, evidence FROM result")).one()
    assert tuple(row) == (13, "Daftar hadir pelatihan")

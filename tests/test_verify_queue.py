"""The agency's queue on SQLite and PostgreSQL: verifying one or many, sending a result back with a note,
who may do either, the version the verifier saw, withdrawing a submission, and what the queue reads."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, text

import models as m
from sinergi.core.access import AccessDenied, Viewer
from sinergi.core.db import read_session, write_session
from sinergi.core.errors import ResultChanged, ResultSubmitted, ReturnNoteMissing, ReturnNoteTooLong
from sinergi.reads.verification import returned_results, verification_queue
from sinergi.rules.achievement import Thresholds
from sinergi.writes import entry
from sinergi.writes.results import return_result, verify_result, verify_results, withdraw_submission
from tests.factories import (
    make_account,
    make_company,
    make_indicators,
    make_periods,
    make_program,
    make_village,
)


@dataclass
class Queue:
    engine: Engine
    program: int
    periods: list[int]
    # The submitted results of the second period, by indicator.
    results: list[int]
    viewers: dict[str, Viewer]


def count(engine: Engine, table: str, where: str = "1=1") -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table} WHERE {where}")).scalar_one())


def one(engine: Engine, sql: str) -> object:
    with engine.connect() as connection:
        return connection.execute(text(sql)).scalar_one()


def version_of(engine: Engine, result_id: int) -> int:
    return int(str(one(engine, f"SELECT version FROM result WHERE id = {result_id}")))


def save(
    queue: Queue, period: int, figures: list[tuple[float, float, str]], *, withdraw: bool = False
) -> None:
    csr = queue.viewers["company"]
    with read_session(queue.engine) as session:
        rows = entry.result_rows(session, csr, queue.program, [period])
    with write_session(queue.engine) as session:
        entry.save_results(
            session=session,
            viewer=csr,
            edits=[
                entry.RowEdit(row, target=target, actual=actual, narrative=narrative)
                for row, (target, actual, narrative) in zip(rows, figures, strict=False)
            ],
            withdraw=withdraw,
        )


def submit(queue: Queue, period: int) -> int:
    with write_session(queue.engine) as session:
        return entry.submit_results(
            session=session, viewer=queue.viewers["company"], program_id=queue.program, period_id=period
        )


@pytest.fixture
def queue(engine: Engine) -> Queue:
    """PT Kilang Uji's program in Kabupaten Uji, two indicators, results for 2023-S1 and submitted ones
    for 2023-S2; an agency of Kabupaten Uji and one of Kabupaten Lain."""
    company = make_company(engine, name="PT Kilang Uji")
    make_company(engine, name="PT Tambang Lain")
    _, village = make_village(engine, regency="Kabupaten Uji")
    make_village(engine, regency="Kabupaten Lain")
    program = make_program(
        engine, company_id=company, name="Bank Sampah", stage=m.Stage.IMPLEMENTATION, village_ids=(village,)
    )
    make_indicators(engine, program_id=program, count=2)
    periods = make_periods(engine, first_year=2023, count=2)
    viewers = {
        "company": make_account(engine, username="csr", role="company", company="PT Kilang Uji"),
        "other_company": make_account(engine, username="lain", role="company", company="PT Tambang Lain"),
        "agency": make_account(engine, username="bappeda", role="agency", regency="Kabupaten Uji"),
        "other_agency": make_account(
            engine, username="bappeda.lain", role="agency", regency="Kabupaten Lain"
        ),
        "reader": make_account(engine, username="pembaca", role="viewer"),
        "admin": make_account(engine, username="admin", role="admin"),
    }
    built = Queue(engine, program, periods, [], viewers)
    save(built, periods[0], [(10, 6, ""), (4, 4, "")])
    save(built, periods[1], [(10, 8, "Dua kelompok baru"), (4, 2, "")])
    submit(built, periods[1])
    with engine.connect() as connection:
        built.results = [
            int(r)
            for (r,) in connection.execute(
                text(f"SELECT id FROM result WHERE period_id = {periods[1]} ORDER BY indicator_id")
            )
        ]
    return built


def test_the_agency_sees_what_it_needs_to_judge_each_submitted_result(queue: Queue) -> None:
    with read_session(queue.engine) as session:
        shown = verification_queue(session=session, viewer=queue.viewers["agency"], thresholds=Thresholds())
    assert shown[
        ["company", "program", "indicator", "unit", "period", "target", "actual", "previous", "status"]
    ].to_dict("records") == [
        {
            "company": "PT Kilang Uji",
            "program": "Bank Sampah",
            "indicator": "Indikator 0",
            "unit": "orang",
            "period": "2023-S2",
            "target": 10.0,
            "actual": 8.0,
            "previous": 6.0,
            "status": "needs_attention",
        },
        {
            "company": "PT Kilang Uji",
            "program": "Bank Sampah",
            "indicator": "Indikator 1",
            "unit": "orang",
            "period": "2023-S2",
            "target": 4.0,
            "actual": 2.0,
            "previous": 4.0,
            "status": "off_track",
        },
    ]
    assert list(shown["achievement"]) == [0.8, 0.5]
    assert list(shown["narrative"]) == ["Dua kelompok baru", ""]
    assert shown["submitted_at"].notna().all()


@pytest.mark.parametrize(("who", "sees"), [("agency", 2), ("admin", 2), ("other_agency", 0), ("company", 0),
                                           ("other_company", 0), ("reader", 0)])  # fmt: skip
def test_the_queue_holds_only_what_the_viewer_verifies(queue: Queue, who: str, sees: int) -> None:
    with read_session(queue.engine) as session:
        shown = verification_queue(session=session, viewer=queue.viewers[who], thresholds=Thresholds())
    assert len(shown) == sees


def test_verifying_many_is_all_or_nothing(queue: Queue) -> None:
    engine, agency = queue.engine, queue.viewers["agency"]
    first, second = queue.results
    seen = [(first, version_of(engine, first)), (second, version_of(engine, second))]
    # The company withdraws the second one after the agency's list was drawn: nothing is verified.
    with write_session(engine) as session:
        withdraw_submission(
            session=session, viewer=queue.viewers["company"], result_id=second, version=seen[1][1]
        )
    with pytest.raises(ResultChanged), write_session(engine) as session:
        verify_results(session=session, viewer=agency, seen=seen)
    assert count(engine, "result", "state = 'verified'") == 0
    submit(queue, queue.periods[1])
    seen = [(first, version_of(engine, first)), (second, version_of(engine, second))]
    with write_session(engine) as session:
        assert verify_results(session=session, viewer=agency, seen=seen) == 2
    assert count(engine, "result", "state = 'verified' AND verified_at IS NOT NULL") == 2
    assert count(engine, "audit_log", "action = 'verify' AND entity = 'result'") == 2


@pytest.mark.parametrize("who", ["other_agency", "company", "other_company", "reader"])
def test_who_may_not_verify_is_refused_and_the_refusal_audited(queue: Queue, who: str) -> None:
    engine, result = queue.engine, queue.results[0]
    version = version_of(engine, result)
    with pytest.raises(AccessDenied), write_session(engine) as session:
        verify_result(session=session, viewer=queue.viewers[who], result_id=result, version=version)
    with pytest.raises(AccessDenied), write_session(engine) as session:
        return_result(
            session=session,
            viewer=queue.viewers[who],
            result_id=result,
            note="Lengkapi bukti",
            version=version,
        )
    assert count(engine, "result", "state = 'submitted'") == 2
    username = queue.viewers[who].username
    assert count(engine, "audit_log", f"action = 'refused' AND username = '{username}'") == 2
    assert {
        str(detail)
        for (detail,) in engine.connect().execute(
            text(f"SELECT detail FROM audit_log WHERE action = 'refused' AND username = '{username}'")
        )
    } == {"verify", "return"}


def test_a_result_goes_back_to_its_company_only_with_a_note(queue: Queue) -> None:
    engine, agency, result = queue.engine, queue.viewers["agency"], queue.results[0]
    version = version_of(engine, result)
    for note, refused in (("  ", ReturnNoteMissing), ("x" * 2001, ReturnNoteTooLong)):
        with pytest.raises(refused), write_session(engine) as session:
            return_result(session=session, viewer=agency, result_id=result, note=note, version=version)
    assert count(engine, "result", "state = 'returned'") == 0
    with write_session(engine) as session:
        return_result(
            session=session,
            viewer=agency,
            result_id=result,
            note=" Foto kegiatan belum ada. ",
            version=version,
        )
    assert count(engine, "result", "state = 'returned' AND return_note = 'Foto kegiatan belum ada.'") == 1
    assert count(engine, "audit_log", "action = 'return' AND detail = 'Foto kegiatan belum ada.'") == 1

    # The company sees the note beside the result, in its returned list and in the grid.
    with read_session(engine) as session:
        returned = returned_results(session=session, viewer=queue.viewers["company"])
        rows = entry.result_rows(session, queue.viewers["company"], queue.program, [queue.periods[1]])
    assert returned[["indicator", "period", "return_note", "returned_by"]].to_dict("records") == [
        {
            "indicator": "Indikator 0",
            "period": "2023-S2",
            "return_note": "Foto kegiatan belum ada.",
            "returned_by": "Bappeda",
        }
    ]
    assert [row.return_note for row in rows] == ["Foto kegiatan belum ada.", ""]
    # It is no longer in the queue; nobody else sees it as returned.
    with read_session(engine) as session:
        assert len(verification_queue(session=session, viewer=agency, thresholds=Thresholds())) == 1
        assert returned_results(session=session, viewer=queue.viewers["other_company"]).empty
        assert returned_results(session=session, viewer=queue.viewers["other_agency"]).empty
        assert len(returned_results(session=session, viewer=agency)) == 1

    # Corrected, the result stays returned with its note until it is submitted again.
    save(queue, queue.periods[1], [(10, 9, "Foto terlampir")])
    with read_session(engine) as session:
        rows = entry.result_rows(session, queue.viewers["company"], queue.program, [queue.periods[1]])
    assert (rows[0].state, rows[0].actual, rows[0].return_note) == ("returned", 9, "Foto kegiatan belum ada.")
    assert submit(queue, queue.periods[1]) == 1
    assert count(engine, "result", "state = 'submitted' AND return_note = ''") == 2
    with read_session(engine) as session:
        assert returned_results(session=session, viewer=queue.viewers["company"]).empty


def test_a_stale_action_is_refused(queue: Queue) -> None:
    engine, agency, result = queue.engine, queue.viewers["agency"], queue.results[0]
    shown = version_of(engine, result)
    # The company withdraws, corrects and submits again after the agency's list was drawn.
    save(queue, queue.periods[1], [(10, 3, "")], withdraw=True)
    submit(queue, queue.periods[1])
    with pytest.raises(ResultChanged), write_session(engine) as session:
        verify_result(session=session, viewer=agency, result_id=result, version=shown)
    with pytest.raises(ResultChanged), write_session(engine) as session:
        return_result(session=session, viewer=agency, result_id=result, note="Cek lagi", version=shown)
    # A result already returned cannot be verified or returned again either.
    current = version_of(engine, result)
    with write_session(engine) as session:
        return_result(session=session, viewer=agency, result_id=result, note="Cek lagi", version=current)
    with pytest.raises(ResultChanged), write_session(engine) as session:
        verify_result(session=session, viewer=agency, result_id=result, version=current + 1)
    assert count(engine, "result", "state = 'verified'") == 0


def test_editing_a_submitted_result_must_withdraw_it(queue: Queue) -> None:
    engine = queue.engine
    with pytest.raises(ResultSubmitted):
        save(queue, queue.periods[1], [(10, 9, "")])
    assert count(engine, "result", "actual = 9") == 0
    assert count(engine, "result", "state = 'submitted'") == 2
    save(queue, queue.periods[1], [(10, 9, "")], withdraw=True)
    assert count(engine, "result", "actual = 9 AND state = 'draft' AND submitted_at IS NULL") == 1
    assert count(engine, "audit_log", "action = 'withdraw' AND entity = 'result'") == 1
    # The agency cannot withdraw a company's submission.
    second = queue.results[1]
    with pytest.raises(AccessDenied), write_session(engine) as session:
        withdraw_submission(
            session=session,
            viewer=queue.viewers["agency"],
            result_id=second,
            version=version_of(engine, second),
        )

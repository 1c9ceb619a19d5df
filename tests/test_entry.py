"""Editing by hand: field checks, who may save, edit conflicts, the results grid, locking and unlocking."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, text
from sqlmodel import select

import models as m
from sinergi.core.access import AccessDenied, Viewer
from sinergi.core.db import read_session, write_session
from sinergi.core.errors import ResultChanged, ResultLocked, ResultSubmitted
from sinergi.writes import entry
from sinergi.writes.results import verify_result
from tests.factories import make_account, make_company, make_indicators, make_periods, make_program


@dataclass
class World:
    engine: Engine
    program: int
    indicators: list[int]
    periods: list[int]
    village: int
    viewers: dict[str, Viewer]


@pytest.fixture
def world(engine: Engine) -> World:
    company = make_company(engine, name="PT Kilang Uji")
    make_company(engine, name="PT Tambang Lain")
    with write_session(engine) as session:
        regency = m.Regency(name="Kabupaten Uji")
        session.add(regency)
        session.flush()
        assert regency.id is not None
        district = m.District(regency_id=regency.id, name="Kecamatan Uji")
        session.add(district)
        session.flush()
        assert district.id is not None
        village = m.Village(district_id=district.id, name="Desa Uji")
        session.add(village)
        session.add(m.CompanyRegency(company_id=company, regency_id=regency.id))
        session.flush()
        assert village.id is not None
        village_id = village.id
    program = make_program(engine, company_id=company, name="Bank Sampah")
    with write_session(engine) as session:
        session.add(m.ProgramVillage(program_id=program, village_id=village_id))
    viewers = {
        "company": make_account(engine, username="csr", role="company", company="PT Kilang Uji"),
        "colleague": make_account(engine, username="csr2", role="company", company="PT Kilang Uji"),
        "other": make_account(engine, username="lain", role="company", company="PT Tambang Lain"),
        "agency": make_account(engine, username="bappeda", role="agency", regency="Kabupaten Uji"),
        "reader": make_account(engine, username="pembaca", role="viewer"),
    }
    return World(
        engine=engine,
        program=program,
        indicators=make_indicators(engine, program_id=program, count=2),
        periods=make_periods(engine, first_year=2023, count=2),
        village=village_id,
        viewers=viewers,
    )


def count(engine: Engine, table: str, where: str = "1=1") -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table} WHERE {where}")).scalar_one())


def program_form(**changes: Any) -> dict[str, Any]:
    typed: dict[str, Any] = {
        "name": "Kampung Siaga Bencana",
        "description": "",
        "pillar": "disaster_resilience",
        "stage": "implementation",
        "poverty_alleviation": True,
        "start_date": date(2024, 1, 1),
        "end_date": None,
        "families_planned": 40,
        "families_reached": 12,
    }
    return typed | changes


def open_program(engine: Engine, program_id: int) -> dict[str, Any]:
    with read_session(engine) as session:
        return entry.snapshot(entry.PROGRAM, session.get(m.Program, program_id))


def test_company_creates_a_program_and_bad_fields_are_named(world: World) -> None:
    engine, csr = world.engine, world.viewers["company"]
    company = csr.company_id
    before = count(engine, "program")
    with pytest.raises(entry.FieldErrors) as refused, write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=csr,
            spec=entry.PROGRAM,
            record_id=None,
            parent_id=company,
            typed=program_form(name="  ", families_planned=-3, end_date=date(2023, 1, 1), pillar="tourism"),
        )
    assert refused.value.errors == {
        "name": ("entry.error.required", {}),
        "families_planned": ("entry.error.minimum", {"min": 0}),
        "pillar": ("entry.error.choice", {}),
        "end_date": ("entry.error.end_before_start", {}),
    }
    assert count(engine, "program") == before

    with write_session(engine) as session:
        saved = entry.save_record(
            session=session,
            viewer=csr,
            spec=entry.PROGRAM,
            record_id=None,
            parent_id=company,
            typed=program_form(),
        )
        entry.set_links(
            session=session,
            viewer=csr,
            spec=entry.PROGRAM,
            record_id=saved.id,
            picked={"villages": [world.village], "sdgs": [1, 11]},
        )
    assert (
        count(
            engine, "program", "name = 'Kampung Siaga Bencana' AND families_reached = 12 AND men_planned = 0"
        )
        == 1
    )
    assert count(engine, "program_sdg") == 2
    assert count(engine, "audit_log", "entity = 'program' AND action = 'create'") == 1


def test_an_edit_saves_a_new_version_and_its_audit_row_shows_before_and_after(world: World) -> None:
    engine, csr = world.engine, world.viewers["company"]
    opened = open_program(engine, world.program)
    with read_session(engine) as session:
        program = session.get(m.Program, world.program)
        assert program is not None
        version = program.version
    with write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=csr,
            spec=entry.PROGRAM,
            record_id=world.program,
            opened=opened,
            typed=opened | {"families_reached": 25, "description": "Tahap dua"},
        )
    with read_session(engine) as session:
        program = session.get(m.Program, world.program)
        assert program is not None
        assert (program.families_reached, program.description, program.version) == (
            25,
            "Tahap dua",
            version + 1,
        )
        [row] = session.exec(
            select(m.AuditLog).where(m.AuditLog.entity == "program", m.AuditLog.action == "update")
        ).all()
    assert row.entity_id == world.program and row.username == csr.username
    before, after = json.loads(row.before), json.loads(row.after)
    assert (before["families_reached"], after["families_reached"]) == (opened["families_reached"], 25)
    assert (before["description"], after["description"]) == (opened["description"], "Tahap dua")


@pytest.mark.parametrize("who", ["other", "agency", "reader"])
def test_only_the_company_edits_its_program(world: World, who: str) -> None:
    engine = world.engine
    opened = open_program(engine, world.program)
    with pytest.raises(AccessDenied), write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=world.viewers[who],
            spec=entry.PROGRAM,
            record_id=world.program,
            opened=opened,
            typed=program_form(name="Diambil alih"),
        )
    assert count(engine, "program", "name = 'Diambil alih'") == 0
    assert count(engine, "audit_log", "action = 'refused'") == 1
    # Nor may anyone create a program for a company that is not theirs.
    with pytest.raises(AccessDenied), write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=world.viewers[who],
            spec=entry.PROGRAM,
            record_id=None,
            parent_id=world.viewers["company"].company_id,
            typed=program_form(name="Titipan"),
        )
    assert count(engine, "program", "name = 'Titipan'") == 0


def test_the_second_of_two_concurrent_saves_is_refused_with_what_changed(world: World) -> None:
    engine = world.engine
    first, second = world.viewers["company"], world.viewers["colleague"]
    opened_by_first = open_program(engine, world.program)
    opened_by_second = open_program(engine, world.program)
    with write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=first,
            spec=entry.PROGRAM,
            record_id=world.program,
            opened=opened_by_first,
            typed=opened_by_first | {"families_reached": 25},
        )
    with pytest.raises(entry.EditConflict) as conflict, write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=second,
            spec=entry.PROGRAM,
            record_id=world.program,
            opened=opened_by_second,
            typed=opened_by_second | {"families_reached": 30, "stage": "reporting"},
        )
    assert conflict.value.changes == [entry.Change("families_reached", 0, 25, 30)]
    assert count(engine, "program", "families_reached = 25 AND stage = 'planning'") == 1
    # Opened again, the second person's save goes through.
    with write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=second,
            spec=entry.PROGRAM,
            record_id=world.program,
            opened=open_program(engine, world.program),
            typed=open_program(engine, world.program) | {"families_reached": 30},
        )
    assert count(engine, "program", "families_reached = 30") == 1


def test_results_grid_saves_submits_locks_and_unlocks(world: World) -> None:
    engine, csr, agency = world.engine, world.viewers["company"], world.viewers["agency"]
    with read_session(engine) as session:
        rows = entry.result_rows(session, csr, world.program, world.periods[:1])
    assert [(r.indicator, r.target, r.state) for r in rows] == [
        ("Indikator 0", None, "draft"),
        ("Indikator 1", None, "draft"),
    ]
    bad = [entry.RowEdit(rows[0], target="sepuluh", actual="3,5", narrative="")]
    with pytest.raises(entry.GridErrors) as refused, write_session(engine) as session:
        entry.save_results(session=session, viewer=csr, edits=bad)
    # The grid's number cells hand over numbers; text reaches the command only from elsewhere, and a
    # decimal comma is not guessed at there: both cells are refused, each by name.
    assert refused.value.errors == {
        ("Indikator 0 · 2023-S1", "target"): ("entry.error.number", {}),
        ("Indikator 0 · 2023-S1", "actual"): ("entry.error.number", {}),
    }
    assert count(engine, "result") == 0

    edits = [
        entry.RowEdit(rows[0], target="10", actual=7.5, narrative="Dua kelompok baru"),
        entry.RowEdit(rows[1], target=4, actual=4, narrative=""),
    ]
    with write_session(engine) as session:
        assert entry.save_results(session=session, viewer=csr, edits=edits) == 2
        assert (
            entry.submit_results(
                session=session, viewer=csr, program_id=world.program, period_id=world.periods[0]
            )
            == 2
        )
    assert count(engine, "result", "target = 10 AND actual = 7.5 AND state = 'submitted'") == 1

    with engine.connect() as connection:
        first_result = int(connection.execute(text("SELECT min(id) FROM result")).scalar_one())
    with write_session(engine) as session:
        verify_result(session=session, viewer=agency, result_id=first_result)
    with read_session(engine) as session:
        rows = entry.result_rows(session, csr, world.program, world.periods[:1])
    with pytest.raises(ResultLocked), write_session(engine) as session:
        entry.save_results(session=session, viewer=csr, edits=[entry.RowEdit(rows[0], 11, 8, "")])
    assert count(engine, "result", "target = 10") == 1

    # The company cannot unlock its own verified result; the regency's agency can, with a reason.
    with pytest.raises(AccessDenied), write_session(engine) as session:
        entry.unlock_result(session=session, viewer=csr, result_id=first_result, reason="salah ketik")
    with pytest.raises(entry.UnlockReasonMissing), write_session(engine) as session:
        entry.unlock_result(session=session, viewer=agency, result_id=first_result, reason=" ")
    with write_session(engine) as session:
        entry.unlock_result(session=session, viewer=agency, result_id=first_result, reason="salah ketik")
    assert count(engine, "audit_log", "action = 'unlock' AND detail = 'salah ketik'") == 1
    # Unlocked, the result is submitted again: changing it withdraws the submission, when asked to.
    with pytest.raises(ResultSubmitted), write_session(engine) as session:
        entry.save_results(session=session, viewer=csr, edits=[entry.RowEdit(rows[0], 11, 8, "")])
    with write_session(engine) as session:
        entry.save_results(
            session=session, viewer=csr, edits=[entry.RowEdit(rows[0], 11, 8, "")], withdraw=True
        )
    # Changed after unlocking, the result is a draft again, to be submitted and verified anew.
    assert count(engine, "result", "target = 11 AND state = 'draft'") == 1
    with pytest.raises(entry.NotVerified), write_session(engine) as session:
        entry.unlock_result(session=session, viewer=agency, result_id=first_result, reason="lagi")
    with pytest.raises(ResultChanged), write_session(engine) as session:
        verify_result(session=session, viewer=agency, result_id=first_result)


def test_a_grid_row_saved_meanwhile_refuses_the_whole_grid(world: World) -> None:
    engine = world.engine
    first, second = world.viewers["company"], world.viewers["colleague"]
    with read_session(engine) as session:
        opened_by_second = entry.result_rows(session, second, world.program, world.periods)
    with read_session(engine) as session:
        opened_by_first = entry.result_rows(session, first, world.program, world.periods)
    with write_session(engine) as session:
        entry.save_results(session=session, viewer=first, edits=[entry.RowEdit(opened_by_first[0], 5, 5, "")])
    with pytest.raises(entry.GridConflict) as conflict, write_session(engine) as session:
        entry.save_results(
            session=session,
            viewer=second,
            edits=[
                entry.RowEdit(opened_by_second[0], 6, 6, ""),
                entry.RowEdit(opened_by_second[3], 9, 9, ""),
            ],
        )
    assert conflict.value.changes == [
        ("Indikator 0 · 2023-S1", "target", None, 5.0),
        ("Indikator 0 · 2023-S1", "actual", None, 5.0),
    ]
    assert count(engine, "result") == 1


@pytest.mark.parametrize("who", ["other", "agency", "reader"])
def test_others_cannot_write_results_or_read_the_grid(world: World, who: str) -> None:
    engine = world.engine
    with pytest.raises(AccessDenied), read_session(engine) as session:
        entry.result_rows(session, world.viewers[who], world.program, world.periods)
    with read_session(engine) as session:
        rows = entry.result_rows(session, world.viewers["company"], world.program, world.periods)
    with pytest.raises(AccessDenied), write_session(engine) as session:
        entry.save_results(
            session=session, viewer=world.viewers[who], edits=[entry.RowEdit(rows[0], 1, 1, "")]
        )
    with pytest.raises(AccessDenied), write_session(engine) as session:
        entry.submit_results(
            session=session, viewer=world.viewers[who], program_id=world.program, period_id=world.periods[0]
        )
    assert count(engine, "result") == 0


def test_feedback_response_and_attendance(world: World) -> None:
    engine, csr = world.engine, world.viewers["company"]
    with write_session(engine) as session:
        meeting = entry.save_record(
            session=session,
            viewer=csr,
            spec=entry.MEETING,
            record_id=None,
            parent_id=csr.company_id,
            typed={"title": "FGD Uji", "kind": "fgd", "held_on": date(2025, 3, 4), "attendee_count": 5},
        )
        agency_org = m.Organisation(name="Bappeda Uji", org_type="government_agency")
        group = m.Organisation(name="Kelompok Uji", org_type="community_group")
        session.add_all([agency_org, group])
        session.flush()
        item = m.FeedbackItem(
            meeting_id=meeting.id, kind="concern", text="Air bersih", program_id=world.program
        )
        session.add(item)
        session.flush()
        meeting_id, agency_org_id, group_id, item_id = (
            int(record.id) for record in (meeting, agency_org, group, item) if record.id is not None
        )

    with write_session(engine) as session:
        entry.set_attendance(
            session=session,
            viewer=csr,
            meeting_id=meeting_id,
            opened={},
            head_counts={agency_org_id: 3, group_id: 9},
        )
    assert count(engine, "meeting", "attendee_count = 12") == 1
    with pytest.raises(AccessDenied), write_session(engine) as session:
        entry.set_attendance(
            session=session,
            viewer=world.viewers["other"],
            meeting_id=meeting_id,
            opened={agency_org_id: 3, group_id: 9},
            head_counts={group_id: 1},
        )
    assert count(engine, "meeting_attendance") == 2

    with read_session(engine) as session:
        opened = entry.snapshot(entry.FEEDBACK_RESPONSE, session.get(m.FeedbackItem, item_id))
    with pytest.raises(entry.FieldErrors) as refused, write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=csr,
            spec=entry.FEEDBACK_RESPONSE,
            record_id=item_id,
            opened=opened,
            typed=opened | {"status": "declined"},
        )
    assert list(refused.value.errors) == ["decline_reason"]
    with pytest.raises(AccessDenied), write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=world.viewers["agency"],
            spec=entry.FEEDBACK_RESPONSE,
            record_id=item_id,
            opened=opened,
            typed=opened | {"status": "done", "response": "Sudah"},
        )
    with write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=csr,
            spec=entry.FEEDBACK_RESPONSE,
            record_id=item_id,
            opened=opened,
            typed=opened | {"status": "done", "response": "Sumur bor dibangun"},
        )
    assert count(engine, "feedback_item", "status = 'done' AND closed_at IS NOT NULL") == 1


def test_a_reference_must_be_one_the_form_offered(world: World) -> None:
    engine, csr = world.engine, world.viewers["company"]
    other_program = make_program(engine, company_id=world.viewers["other"].company_id or 0, name="Lain")
    foreign_indicator = make_indicators(engine, program_id=other_program, count=1)[0]
    typed = {"description": "Perbaiki data", "status": "open", "indicator_id": foreign_indicator}
    with pytest.raises(entry.FieldErrors) as refused, write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=csr,
            spec=entry.ACTION,
            record_id=None,
            parent_id=world.program,
            typed=typed,
        )
    assert list(refused.value.errors) == ["indicator_id"]
    with write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=csr,
            spec=entry.ACTION,
            record_id=None,
            parent_id=world.program,
            typed=typed | {"indicator_id": world.indicators[0]},
        )
    assert count(engine, "follow_up_action") == 1


def test_links_take_only_what_the_form_offered(world: World) -> None:
    engine, csr = world.engine, world.viewers["company"]
    other_program = make_program(engine, company_id=world.viewers["other"].company_id or 0, name="Lain")
    with write_session(engine) as session:
        meeting = entry.save_record(
            session=session,
            viewer=csr,
            spec=entry.MEETING,
            record_id=None,
            parent_id=csr.company_id,
            typed={"title": "Monev Uji", "kind": "monev", "held_on": date(2025, 3, 4)},
        ).id
    for picked in ({"programs": [world.program, other_program]}, {"programs": [world.program, 10_000]}):
        with pytest.raises(entry.FieldErrors) as refused, write_session(engine) as session:
            entry.set_links(session=session, viewer=csr, spec=entry.MEETING, record_id=meeting, picked=picked)
        assert list(refused.value.errors) == ["programs"]
    with pytest.raises(entry.FieldErrors), write_session(engine) as session:
        entry.set_links(
            session=session, viewer=csr, spec=entry.PROGRAM, record_id=world.program, picked={"sdgs": [18]}
        )
    with pytest.raises(AccessDenied), write_session(engine) as session:
        entry.set_links(
            session=session,
            viewer=world.viewers["other"],
            spec=entry.MEETING,
            record_id=meeting,
            picked={"programs": [other_program]},
        )
    with write_session(engine) as session:
        entry.set_links(
            session=session,
            viewer=csr,
            spec=entry.MEETING,
            record_id=meeting,
            picked={"programs": [world.program]},
        )
    assert count(engine, "meeting_program") == 1


def test_verifying_checks_the_version_the_agency_was_shown(world: World) -> None:
    engine, csr, agency = world.engine, world.viewers["company"], world.viewers["agency"]
    with read_session(engine) as session:
        rows = entry.result_rows(session, csr, world.program, world.periods[:1])
    with write_session(engine) as session:
        entry.save_results(session=session, viewer=csr, edits=[entry.RowEdit(rows[0], 10, 9, "")])
        entry.submit_results(
            session=session, viewer=csr, program_id=world.program, period_id=world.periods[0]
        )
    with read_session(engine) as session:
        [shown] = entry.verification_rows(session, agency, m.ResultState.SUBMITTED)
    # The company corrects the figure after the agency's list was drawn: it is a draft again.
    with read_session(engine) as session:
        rows = entry.result_rows(session, csr, world.program, world.periods[:1])
    with write_session(engine) as session:
        entry.save_results(
            session=session, viewer=csr, edits=[entry.RowEdit(rows[0], 10, 3, "")], withdraw=True
        )
        entry.submit_results(
            session=session, viewer=csr, program_id=world.program, period_id=world.periods[0]
        )
    with pytest.raises(ResultChanged), write_session(engine) as session:
        verify_result(session=session, viewer=agency, result_id=shown["result_id"], version=shown["version"])
    assert count(engine, "result", "state = 'verified'") == 0


def test_duplicates_bad_numbers_and_foreign_follow_ups_are_field_errors(world: World) -> None:
    engine, csr = world.engine, world.viewers["company"]
    indicator = {"name": "Indikator 0", "unit": "kg", "kind": "output", "direction": "higher"}
    indicator |= {"accumulation": "periodic"}
    with pytest.raises(entry.FieldErrors) as refused, write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=csr,
            spec=entry.INDICATOR,
            record_id=None,
            parent_id=world.program,
            typed=indicator | {"baseline_value": "inf"},
        )
    assert refused.value.errors == {"baseline_value": ("entry.error.number", {})}
    with pytest.raises(entry.FieldErrors) as refused, write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=csr,
            spec=entry.INDICATOR,
            record_id=None,
            parent_id=world.program,
            typed=indicator,
        )
    assert refused.value.errors == {"name": ("entry.error.duplicate", {})}

    # A feedback item about our program, said at another company's meeting (ids of meeting and item differ).
    other = world.viewers["other"]
    other_program = make_program(engine, company_id=other.company_id or 0, name="Lain")
    with write_session(engine) as session:
        for n in range(3):
            session.add(m.Meeting(kind="fgd", title=f"Pengisi {n}", held_on=date(2025, 1, 1)))
        meeting = m.Meeting(
            kind="fgd", title="FGD Lain", held_on=date(2025, 2, 2), organiser_company_id=other.company_id
        )
        session.add(meeting)
        session.flush()
        item = m.FeedbackItem(
            meeting_id=meeting.id or 0, kind="concern", text="Jalan rusak", program_id=world.program
        )
        ours = m.FollowUpAction(program_id=world.program, description="Perbaiki jalan")
        theirs = m.FollowUpAction(program_id=other_program, description="Bukan urusan kami")
        session.add_all([item, ours, theirs])
        session.flush()
        item_id, ours_id, theirs_id = item.id or 0, ours.id or 0, theirs.id or 0
    with read_session(engine) as session:
        assert meeting.id in entry.feedback_meetings(session, csr)
        opened = entry.snapshot(entry.FEEDBACK_RESPONSE, session.get(m.FeedbackItem, item_id))
    with pytest.raises(entry.FieldErrors) as refused, write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=csr,
            spec=entry.FEEDBACK_RESPONSE,
            record_id=item_id,
            opened=opened,
            typed=opened | {"status": "in_progress", "follow_up_id": theirs_id},
        )
    assert list(refused.value.errors) == ["follow_up_id"]
    with write_session(engine) as session:
        entry.save_record(
            session=session,
            viewer=csr,
            spec=entry.FEEDBACK_RESPONSE,
            record_id=item_id,
            opened=opened,
            typed=opened | {"status": "in_progress", "follow_up_id": ours_id},
        )
    assert count(engine, "feedback_item", f"follow_up_id = {ours_id}") == 1


def test_agency_meetings_stay_in_its_regency_and_links_saved_meanwhile_conflict(world: World) -> None:
    engine, agency, csr = world.engine, world.viewers["agency"], world.viewers["company"]
    with write_session(engine) as session:
        meeting = entry.save_record(
            session=session,
            viewer=agency,
            spec=entry.MEETING,
            record_id=None,
            parent_id=None,
            typed={"title": "Rakor TJSL", "kind": "rakor", "held_on": date(2025, 5, 6), "regency_id": None},
        )
        assert meeting.regency_id == agency.regency_id
    with write_session(engine) as session:
        meeting = entry.save_record(
            session=session,
            viewer=csr,
            spec=entry.MEETING,
            record_id=None,
            parent_id=csr.company_id,
            typed={"title": "Monev", "kind": "monev", "held_on": date(2025, 5, 6)},
        ).id
    with read_session(engine) as session:
        opened = entry.current_links(session, entry.MEETING, meeting)
    with write_session(engine) as session:
        entry.set_links(
            session=session,
            viewer=csr,
            spec=entry.MEETING,
            record_id=meeting,
            picked={"programs": [world.program]},
            opened=opened,
        )
    with pytest.raises(entry.EditConflict) as conflict, write_session(engine) as session:
        entry.set_links(
            session=session,
            viewer=csr,
            spec=entry.MEETING,
            record_id=meeting,
            picked={"programs": []},
            opened=opened,
        )
    assert conflict.value.changes == [entry.Change("programs", [], [world.program], [])]
    assert count(engine, "meeting_program") == 1


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (None, "", True),
        (float("nan"), None, True),
        (pd.NA, "", True),
        (10.0, 10.0 + 1e-12, True),
        (10.0, 10.5, False),
        (None, 0.0, False),
        ("", "catatan", False),
        ([1, 2], [1, 2], True),
        (date(2024, 1, 1), date(2024, 1, 2), False),
    ],
)
def test_a_value_counts_as_changed_only_when_it_is(a: object, b: object, same: bool) -> None:
    """The grid's "what did you change" and the conflict check agree: a blank is a blank however it is
    written, a number is equal to its rounding noise."""
    assert entry.same_value(a, b) is same
    assert entry.same_value(b, a) is same


def test_a_plausibility_note_is_kept_with_its_result_and_audited(world: World) -> None:
    engine, csr = world.engine, world.viewers["company"]
    with read_session(engine) as session:
        first = entry.result_rows(session, csr, world.program, world.periods[:1])
    with write_session(engine) as session:
        entry.save_results(session=session, viewer=csr, edits=[entry.RowEdit(first[0], 10, 8, "")])
    with read_session(engine) as session:
        second = entry.result_rows(session, csr, world.program, world.periods[1:2])
    # The grid of the next period knows the actual before, which a typed actual is compared with.
    assert [row.previous for row in second] == [8, None]

    note = "Dua desa baru bergabung semester ini"
    edit = entry.RowEdit(second[0], target=10, actual=95, narrative="", note=note)
    with write_session(engine) as session:
        entry.save_results(session=session, viewer=csr, edits=[edit])
    with read_session(engine) as session:
        stored = entry.result_rows(session, csr, world.program, world.periods[1:2])[0]
    assert (stored.actual, stored.plausibility_note) == (95, note)
    assert count(engine, "audit_log", f"entity = 'result' AND after LIKE '%{note}%'") == 1

    # A narrative changed alone keeps the note; new figures with no note clear it.
    with write_session(engine) as session:
        entry.save_results(
            session=session, viewer=csr, edits=[entry.RowEdit(stored, 10, 95, "Lihat catatan")]
        )
    assert count(engine, "result", f"plausibility_note = '{note}'") == 1
    with read_session(engine) as session:
        stored = entry.result_rows(session, csr, world.program, world.periods[1:2])[0]
    with write_session(engine) as session:
        entry.save_results(session=session, viewer=csr, edits=[entry.RowEdit(stored, 10, 9, "", note="")])
    assert count(engine, "result", "plausibility_note = ''") == 2

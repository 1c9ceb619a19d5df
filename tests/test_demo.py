"""The demo world holds what the seed articles describe, and loading it twice changes nothing."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, col, select

import models as m
from sinergi.core.db import read_session, write_session
from sinergi.rules.achievement import is_gap
from sinergi.worlds.demo import DEMO_COMPANY_NAMES, INDEXIM, JANGGUT, KENOHAN, KPI, LOA_KULU, SANGA, load_demo
from tests.demo_tables import FIXTURE, dump_tables


def _load(engine: Engine) -> dict[str, int]:
    return load_demo(engine=engine)


def _row_counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {
            name: session.exec(select(func.count()).select_from(table)).one()
            for name, table in SQLModel.metadata.tables.items()
        }


def _company(session: Session, name: str) -> m.Company:
    return session.exec(select(m.Company).where(m.Company.name == name)).one()


def _program_names(session: Session, company: m.Company) -> set[str]:
    return set(session.exec(select(m.Program.name).where(m.Program.company_id == company.id)).all())


def test_demo_holds_the_programs_of_the_seeds(engine: Engine) -> None:
    _load(engine)
    with read_session(engine) as session:
        names = set(session.exec(select(m.Company.name)).all())
        assert set(DEMO_COMPANY_NAMES) <= names
        kpi = _company(session, KPI)
        assert kpi.short_name == "KPI Balikpapan" and kpi.sector == m.Sector.OIL_GAS
        assert {
            "Pengelolaan Sampah Terpadu Margasari",
            "Mariojela – Margasari Olah Jelantah",
            "Kampung Siaga Bencana Margasari",
            "Kampung Siaga Bencana Baru Tengah",
            "Pertanian dan Peternakan Terintegrasi dengan BSF Karang Joang",
            "Rawabening – Rain Water Harvesting dan Urban Farming",
            "Kriya Sabut Kelapa Koperasi Kriya Inovasi Mandara",
        } <= _program_names(session, kpi)

        # Mariojela's partner group, village and kecamatan are the ones the article names.
        mariojela = session.exec(
            select(m.Program).where(m.Program.name == "Mariojela – Margasari Olah Jelantah")
        ).one()
        partners = session.exec(
            select(m.Organisation.name, m.ProgramPartner.role)
            .join(m.ProgramPartner, col(m.ProgramPartner.organisation_id) == m.Organisation.id)
            .where(m.ProgramPartner.program_id == mariojela.id)
        ).all()
        assert ("Kelompok Mariojela (Margasari Olah Jelantah)", m.PartnerRole.BENEFICIARY_GROUP) in partners
        place = session.exec(
            select(m.Village.name, m.District.name, m.Regency.name)
            .join(m.ProgramVillage, col(m.ProgramVillage.village_id) == m.Village.id)
            .join(m.District, col(m.Village.district_id) == m.District.id)
            .join(m.Regency, col(m.District.regency_id) == m.Regency.id)
            .where(m.ProgramVillage.program_id == mariojela.id)
        ).one()
        assert tuple(place) == ("Margasari", "Balikpapan Barat", "Kota Balikpapan")
        karang_joang = session.exec(
            select(m.District.name)
            .join(m.Village, col(m.Village.district_id) == m.District.id)
            .where(m.Village.name == "Karang Joang")
        ).one()
        assert karang_joang == "Balikpapan Utara"

        # Indexim's PPM runs in Desa Bukit Permata (Kaubun) and Desa Baay (Karangan), Kutai Timur.
        indexim = _company(session, INDEXIM)
        places = session.exec(
            select(m.Village.name, m.Village.kind, m.District.name, m.Regency.name)
            .join(m.ProgramVillage, col(m.ProgramVillage.village_id) == m.Village.id)
            .join(m.Program, col(m.ProgramVillage.program_id) == m.Program.id)
            .join(m.District, col(m.Village.district_id) == m.District.id)
            .join(m.Regency, col(m.District.regency_id) == m.Regency.id)
            .where(m.Program.company_id == indexim.id)
        ).all()
        assert {tuple(p) for p in places} == {
            ("Bukit Permata", m.VillageKind.DESA, "Kaubun", "Kabupaten Kutai Timur"),
            ("Baay", m.VillageKind.DESA, "Karangan", "Kabupaten Kutai Timur"),
        }
        assert all(
            p.startswith("Pengembangan Ekonomi Potensial Desa") for p in _program_names(session, indexim)
        )

        # Every program has 2–4 indicators, budgets in whole rupiah and results over the semesters.
        for program in session.exec(select(m.Program)).all():
            indicators = session.exec(select(m.Indicator).where(m.Indicator.program_id == program.id)).all()
            assert 2 <= len(indicators) <= 4, program.name
            budgets = session.exec(
                select(m.ProgramBudget).where(m.ProgramBudget.program_id == program.id)
            ).all()
            assert budgets and all(0 < b.spent <= b.planned for b in budgets), program.name
        codes = session.exec(select(m.Period.code).order_by(col(m.Period.start_date))).all()
        assert codes == ["2022-S1", "2022-S2", "2023-S1", "2023-S2", "2024-S1", "2024-S2", "2025-S1"]


def test_demo_programs_reach_at_least_one_person_per_family_reached(engine: Engine) -> None:
    load_demo(engine=engine)
    with read_session(engine) as session:
        programs = session.exec(select(m.Program)).all()
    assert programs
    # A family benefits through at least one of its members, planned and reached alike.
    assert [p.name for p in programs if p.families_reached > p.men_reached + p.women_reached] == []
    assert [p.name for p in programs if p.families_planned > p.men_planned + p.women_planned] == []


def test_demo_results_have_gaps_states_and_both_directions(engine: Engine) -> None:
    _load(engine)
    with read_session(engine) as session:
        rows = session.exec(
            select(m.Result, m.Indicator, m.Period)
            .join(m.Indicator, col(m.Result.indicator_id) == m.Indicator.id)
            .join(m.Period, col(m.Result.period_id) == m.Period.id)
        ).all()
    assert {i.direction for _, i, _ in rows} == {m.Direction.HIGHER_IS_BETTER, m.Direction.LOWER_IS_BETTER}
    assert {i.accumulation for _, i, _ in rows} == {m.Accumulation.PERIODIC, m.Accumulation.CUMULATIVE}
    # Every state: the files hold draft, submitted and verified; one submitted result the demo's
    # verifier sent back with a note (moments.toml), in the past, after its submission.
    assert {r.state for r, _, _ in rows} == set(m.ResultState)
    [returned] = [r for r, _, _ in rows if r.state == m.ResultState.RETURNED]
    assert returned.return_note and returned.returned_at and returned.submitted_at
    assert returned.updated_at == returned.returned_at, "it was last changed when it was sent back"
    sent, back = (moment.replace(tzinfo=None) for moment in (returned.submitted_at, returned.returned_at))
    assert sent < back < datetime(2026, 1, 1), "in the demo's past, after its submission"
    assert all(r.verified_at is not None for r, _, _ in rows if r.state == m.ResultState.VERIFIED)
    assert any(is_gap(r.target, r.actual, i.direction) for r, i, _ in rows)
    assert any(
        is_gap(r.target, r.actual, i.direction)
        for r, i, _ in rows
        if i.direction == m.Direction.LOWER_IS_BETTER
    )
    latest = [r for r, _, p in rows if p.code == "2025-S1"]
    assert any(r.actual is None and r.state == m.ResultState.DRAFT for r in latest)
    assert any(r.actual is not None for r in latest)
    # The gaps the Indexim semester evaluation of 2023-S1 was about.
    assert any(
        is_gap(r.target, r.actual, i.direction) and i.name == "Omzet usaha kelompok"
        for r, i, p in rows
        if p.code == "2023-S1"
    )


def test_demo_holds_the_meetings_of_the_seeds(engine: Engine) -> None:
    _load(engine)
    with read_session(engine) as session:
        meetings = {mtg.held_on: mtg for mtg in session.exec(select(m.Meeting)).all()}
        assert meetings[date(2023, 5, 12)].kind == m.MeetingKind.SEMESTER_EVALUATION
        assert meetings[date(2022, 9, 27)].kind == m.MeetingKind.MONEV
        assert "Banua Patra" in meetings[date(2022, 9, 27)].venue
        assert meetings[date(2023, 1, 17)].kind == m.MeetingKind.FGD
        assert meetings[date(2022, 9, 9)].kind == m.MeetingKind.RAKOR
        renstra_2025 = next(mtg for mtg in meetings.values() if "2025" in mtg.title)
        assert renstra_2025.attendee_count == 48 and renstra_2025.held_on.year == 2024

        monev = meetings[date(2022, 9, 27)]
        discussed = session.exec(
            select(func.count()).select_from(m.MeetingProgram).where(m.MeetingProgram.meeting_id == monev.id)
        ).one()
        assert discussed == 5
        for meeting in meetings.values():
            heads = session.exec(
                select(func.sum(m.MeetingAttendance.head_count)).where(
                    m.MeetingAttendance.meeting_id == meeting.id
                )
            ).one()
            assert heads is not None and 0 < heads <= meeting.attendee_count, meeting.title

        items = session.exec(select(m.FeedbackItem)).all()
        assert {f.status for f in items} == set(m.FeedbackStatus)
        assert {f.kind for f in items} == set(m.FeedbackKind)
        assert all(f.moderation == m.Moderation.APPROVED for f in items)
        assert all(f.decline_reason for f in items if f.status == m.FeedbackStatus.DECLINED)
        assert all(f.response for f in items if f.status == m.FeedbackStatus.DONE)
        assert any(f.follow_up_id is not None for f in items)
        bpbd = session.exec(
            select(m.FeedbackItem).where(col(m.FeedbackItem.speaker).startswith("Silvi Rahmadina"))
        ).all()
        assert {f.kind for f in bpbd} == {m.FeedbackKind.APPRECIATION, m.FeedbackKind.COLLABORATION_OFFER}

        evaluations = session.exec(select(m.Evaluation, m.Period.code).join(m.Period)).all()
        assert {code for _, code in evaluations} == {"2023-S1", "2022-S2"}
        actions = session.exec(select(m.FollowUpAction)).all()
        overdue = [
            a for a in actions if a.status in (m.ActionStatus.OPEN, m.ActionStatus.IN_PROGRESS) and a.due_date
        ]
        assert any(a.due_date is not None and a.due_date < date(2026, 1, 1) for a in overdue)
        assert any(a.status == m.ActionStatus.DONE and a.completed_on for a in actions)


def test_kukar_framework_has_six_points_and_every_status(engine: Engine) -> None:
    _load(engine)
    with read_session(engine) as session:
        framework = session.exec(select(m.Framework)).one()
        assert (framework.plan_year, framework.issued_on) == (2023, date(2022, 9, 9))
        rakor = session.get(m.Meeting, framework.meeting_id)
        assert rakor is not None and rakor.held_on == date(2022, 9, 9)
        points = session.exec(
            select(m.FrameworkPoint)
            .where(m.FrameworkPoint.framework_id == framework.id)
            .order_by(col(m.FrameworkPoint.number))
        ).all()
        assert [p.number for p in points] == [1, 2, 3, 4, 5, 6]
        assert [p.rule for p in points] == [
            m.PointRule.MANUAL,
            m.PointRule.MANUAL,
            m.PointRule.MANUAL,
            m.PointRule.DOCUMENT_BY_DEADLINE,
            m.PointRule.MIN_POVERTY_PROGRAMS,
            m.PointRule.DECLINED_ONLY,
        ]
        assert points[1].deadline == date(2022, 11, 30) and points[3].deadline == date(2023, 1, 31)
        assert points[4].rule_min == 1
        assert "Inpres" in points[0].text and "RBPK" in points[1].text and "Bappeda" in points[5].text

        participations = session.exec(select(m.FrameworkParticipation)).all()
        assert len(participations) >= 4
        declined = [p for p in participations if p.declined]
        assert len(declined) == 1 and declined[0].decline_reason and declined[0].decline_letter_on

        # Kukar companies with and without a poverty-alleviation program in the plan year.
        poverty = {
            p.company_id: session.exec(
                select(func.count())
                .select_from(m.Program)
                .where(m.Program.company_id == p.company_id, col(m.Program.poverty_alleviation).is_(True))
            ).one()
            for p in participations
        }
        assert any(poverty.values()) and not all(poverty.values())

        # Judged by hand, a manual point is its manual status, or pending while nobody set one.
        manual_ids = {p.id for p in points if p.rule == m.PointRule.MANUAL}
        records = session.exec(select(m.ComplianceRecord)).all()
        manual = {r.manual_status or m.ComplianceStatus.PENDING for r in records if r.point_id in manual_ids}
        assert manual == set(m.ComplianceStatus)
        point4 = [r.document_date for r in records if r.point_id == points[3].id and r.document_date]
        assert any(d <= date(2023, 1, 31) for d in point4) and any(d > date(2023, 1, 31) for d in point4)


def test_load_demo_twice_inserts_nothing(engine: Engine) -> None:
    first = _load(engine)
    after_first = _row_counts(engine)
    assert all(count > 0 for count in first.values()), first
    for table, added in first.items():
        assert after_first[table] == added, table  # the database was empty

    second = _load(engine)
    assert set(second) == set(first)
    assert all(count == 0 for count in second.values()), second
    assert _row_counts(engine) == after_first


def test_load_demo_completes_a_partly_loaded_database(engine: Engine) -> None:
    with write_session(engine) as session:
        session.add(m.Regency(name="Kota Balikpapan", kind=m.RegencyKind.KOTA))
        session.add(
            m.Period(
                code="2023-S1", year=2023, semester=1, start_date=date(2023, 1, 1), end_date=date(2023, 6, 30)
            )
        )
    added = _load(engine)
    assert added["regency"] == 3 and added["period"] == 6
    counts = _row_counts(engine)
    assert counts["regency"] == 4 and counts["period"] == 7


# Columns a command counts saves in: the demo world's compliance records are saved twice (the company's
# evidence, then a verifier's status) and its answered feedback twice (given, then its follow-up named).
COUNTERS = {"compliance_record": {"version"}, "feedback_item": {"version"}}


def _without_counters(rows: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    ignored = COUNTERS.get(table, set())
    return [{k: v for k, v in row.items() if k not in ignored} for row in rows]


def test_demo_tables_match_the_recorded_world(sqlite_engine: Engine) -> None:
    """The files in data/demo/ build, table by table, the world recorded in tests/fixtures/."""
    load_demo(engine=sqlite_engine)
    built = dump_tables(sqlite_engine)
    recorded = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert sorted(built) == sorted(recorded)
    for table in sorted(recorded):
        assert _without_counters(built[table], table) == _without_counters(recorded[table], table), table


def test_demo_company_names_come_from_the_data_files() -> None:
    assert DEMO_COMPANY_NAMES == (KPI, INDEXIM, LOA_KULU, JANGGUT, KENOHAN, SANGA)

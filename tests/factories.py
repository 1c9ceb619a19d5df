"""Small factories for test data: each makes the least a test needs and returns ids."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlmodel import select

import models as m
from sinergi.core.access import SYSTEM, Viewer, viewer_for
from sinergi.core.db import write_session
from sinergi.writes.accounts import UserInput, create_user


def make_company(engine: Engine, *, name: str = "PT Contoh", sector: str = m.Sector.OTHER) -> int:
    with write_session(engine) as session:
        company = m.Company(name=name, short_name=name.removeprefix("PT ")[:60], sector=sector)
        session.add(company)
        session.flush()
        assert company.id is not None
        return company.id


def make_program(
    engine: Engine,
    *,
    company_id: int,
    name: str = "Program Contoh",
    poverty_alleviation: bool = False,
    start: date = date(2023, 1, 1),
    end: date | None = None,
    stage: str = m.Stage.PLANNING,
    village_ids: tuple[int, ...] = (),
) -> int:
    with write_session(engine) as session:
        program = m.Program(
            company_id=company_id,
            name=name,
            pillar=m.Pillar.ECONOMY,
            poverty_alleviation=poverty_alleviation,
            start_date=start,
            end_date=end,
            stage=stage,
        )
        session.add(program)
        session.flush()
        assert program.id is not None
        session.add_all(m.ProgramVillage(program_id=program.id, village_id=v) for v in village_ids)
        return program.id


def make_village(engine: Engine, *, regency: str, name: str = "Desa Contoh") -> tuple[int, int]:
    """A village in a district of ``regency`` (made if missing); returns (regency id, village id)."""
    with write_session(engine) as session:
        found = session.exec(select(m.Regency).where(m.Regency.name == regency)).first()
        if found is None:
            found = m.Regency(name=regency)
            session.add(found)
            session.flush()
        assert found.id is not None
        district = m.District(regency_id=found.id, name=f"Kecamatan {name}")
        session.add(district)
        session.flush()
        assert district.id is not None
        village = m.Village(district_id=district.id, name=name)
        session.add(village)
        session.flush()
        assert village.id is not None
        return found.id, village.id


def make_indicators(engine: Engine, *, program_id: int, count: int) -> list[int]:
    with write_session(engine) as session:
        indicators = [
            m.Indicator(program_id=program_id, name=f"Indikator {n}", unit="orang") for n in range(count)
        ]
        session.add_all(indicators)
        session.flush()
        return [i.id for i in indicators if i.id is not None]


def make_periods(engine: Engine, *, first_year: int, count: int) -> list[int]:
    with write_session(engine) as session:
        periods = []
        for n in range(count):
            year, semester = first_year + n // 2, n % 2 + 1
            start = date(year, 1, 1) if semester == 1 else date(year, 7, 1)
            end = date(year, 6, 30) if semester == 1 else date(year, 12, 31)
            periods.append(
                m.Period(
                    code=f"{year}-S{semester}", year=year, semester=semester, start_date=start, end_date=end
                )
            )
        session.add_all(periods)
        session.flush()
        return [p.id for p in periods if p.id is not None]


def make_user(
    engine: Engine,
    *,
    username: str = "verifikator",
    display_name: str = "Verifikator",
    role: str = m.Role.VIEWER,
) -> int:
    """A user who cannot sign in (the hash matches no password), for records that name a person."""
    with write_session(engine) as session:
        user = m.User(username=username, display_name=display_name, password_hash="!", role=role)
        session.add(user)
        session.flush()
        assert user.id is not None
        return user.id


def make_organisation(engine: Engine, *, name: str, org_type: str = m.OrgType.GOVERNMENT_AGENCY) -> int:
    with write_session(engine) as session:
        organisation = m.Organisation(name=name, org_type=org_type)
        session.add(organisation)
        session.flush()
        assert organisation.id is not None
        return organisation.id


def make_meeting(
    engine: Engine,
    *,
    held_on: date = date(2024, 1, 10),
    title: str = "FGD Contoh",
    kind: str = m.MeetingKind.FGD,
    company_id: int | None = None,
    organisation_id: int | None = None,
    regency_id: int | None = None,
    attendee_count: int = 0,
    attendance: dict[int, int] | None = None,
) -> int:
    """A meeting; ``attendance`` maps organisation ids to the people each sent."""
    with write_session(engine) as session:
        meeting = m.Meeting(
            kind=kind,
            title=title,
            held_on=held_on,
            organiser_company_id=company_id,
            organiser_organisation_id=organisation_id,
            regency_id=regency_id,
            attendee_count=attendee_count,
        )
        session.add(meeting)
        session.flush()
        assert meeting.id is not None
        for attending, head_count in (attendance or {}).items():
            session.add(
                m.MeetingAttendance(meeting_id=meeting.id, organisation_id=attending, head_count=head_count)
            )
        return meeting.id


def make_action(
    engine: Engine,
    *,
    program_id: int,
    description: str = "Tindak lanjut",
    due: date | None = None,
    status: str = m.ActionStatus.OPEN,
) -> int:
    with write_session(engine) as session:
        action = m.FollowUpAction(program_id=program_id, description=description, due_date=due, status=status)
        session.add(action)
        session.flush()
        assert action.id is not None
        return action.id


def make_feedback(
    engine: Engine,
    *,
    meeting_id: int,
    text: str = "Masukan peserta",
    kind: str = m.FeedbackKind.SUGGESTION,
    status: str = m.FeedbackStatus.OPEN,
    response: str = "",
    decline_reason: str = "",
    organisation_id: int | None = None,
    source_type: str | None = None,
    follow_up_id: int | None = None,
    closed_on: date | None = None,
) -> int:
    """A feedback item; ``closed_on`` becomes its closing time, at noon UTC of that day."""
    from datetime import UTC, datetime, time

    with write_session(engine) as session:
        item = m.FeedbackItem(
            meeting_id=meeting_id,
            text=text,
            kind=kind,
            status=status,
            response=response,
            decline_reason=decline_reason,
            organisation_id=organisation_id,
            source_type=source_type,
            follow_up_id=follow_up_id,
            closed_at=datetime.combine(closed_on, time(12), tzinfo=UTC) if closed_on else None,
        )
        session.add(item)
        session.flush()
        assert item.id is not None
        return item.id


PASSWORD = "kata-sandi-uji-123"


def make_account(
    engine: Engine,
    *,
    username: str,
    role: str,
    company: str | None = None,
    regency: str | None = None,
    password: str = PASSWORD,
) -> Viewer:
    """A user who can sign in with ``password``, created as an admin would; returns their viewer."""
    with write_session(engine) as session:
        user = create_user(
            session=session,
            actor=SYSTEM,
            data=UserInput(
                username=username,
                display_name=username.title(),
                role=role,
                password=password,
                company=company,
                regency=regency,
            ),
        )
        return viewer_for(user)

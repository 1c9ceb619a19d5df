"""Small factories for test data: each makes the least a test needs and returns ids."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

import models as m
from domain.db import write_session


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
) -> int:
    with write_session(engine) as session:
        program = m.Program(
            company_id=company_id,
            name=name,
            pillar=m.Pillar.ECONOMY,
            poverty_alleviation=poverty_alleviation,
            start_date=start,
            end_date=end,
        )
        session.add(program)
        session.flush()
        assert program.id is not None
        return program.id


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

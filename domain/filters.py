"""The filters a view is narrowed by, and the SQL conditions they add to program queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlmodel import col

import models as m


@dataclass(frozen=True)
class Filters:
    """What a reader picked: all of it lives in the URL, so a view can be sent as a link.

    ``period`` is a semester code (``2023-S1``); ``year`` a plan year. Either may be empty.
    """

    regency_id: int | None = None
    company_id: int | None = None
    year: int | None = None
    period: str | None = None
    pillar: str | None = None
    poverty_only: bool = False

    def program_conditions(self) -> list[ColumnElement[bool]]:
        """Conditions on ``program`` for the chosen regency, company, pillar, flag and year."""
        conditions: list[ColumnElement[bool]] = []
        if self.company_id is not None:
            conditions.append(col(m.Program.company_id) == self.company_id)
        if self.pillar:
            conditions.append(col(m.Program.pillar) == self.pillar)
        if self.poverty_only:
            conditions.append(col(m.Program.poverty_alleviation).is_(True))
        if self.regency_id is not None:
            conditions.append(program_in_regency(self.regency_id))
        year = self.effective_year
        if year is not None:
            conditions.append(col(m.Program.start_date) <= date(year, 12, 31))
            conditions.append(
                col(m.Program.end_date).is_(None) | (col(m.Program.end_date) >= date(year, 1, 1))
            )
        return conditions

    @property
    def effective_year(self) -> int | None:
        if self.period:
            return int(self.period[:4])
        return self.year

    def query_params(self) -> dict[str, str]:
        """The filters as URL query parameters (only those set)."""
        params: dict[str, Any] = {
            "regency": self.regency_id,
            "company": self.company_id,
            "year": self.year,
            "period": self.period,
            "pillar": self.pillar,
            "poverty": "1" if self.poverty_only else None,
        }
        return {key: str(value) for key, value in params.items() if value not in (None, "")}


def program_in_regency(regency_id: int) -> ColumnElement[bool]:
    """The program works in at least one village of the regency."""
    return exists(
        select(1)
        .select_from(m.ProgramVillage)
        .join(m.Village, col(m.Village.id) == col(m.ProgramVillage.village_id))
        .join(m.District, col(m.District.id) == col(m.Village.district_id))
        .where(
            col(m.ProgramVillage.program_id) == col(m.Program.id),
            col(m.District.regency_id) == regency_id,
        )
    )

"""The filters a view is narrowed by, and the SQL conditions they add to program queries."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

import models as m
from sinergi.core.access import Viewer, program_in_regency, verified_results
from sinergi.core.db import reads
from sinergi.rules.activity import program_runs_in_year

_PERIOD_CODE = re.compile(r"^\d{4}-S[12]$")


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
    # Figures from verified results only: draft and submitted ones are left out as if not there.
    verified_only: bool = False

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
            conditions.append(program_runs_in_year(year))
        return conditions

    def group_conditions(self, table: Any) -> list[ColumnElement[bool]] | None:
        """The same choice as :meth:`program_conditions`, on a table of figures per group of programs
        (by some of ``company_id``, ``pillar`` and ``poverty_alleviation``); None when it narrows
        programs by more than those (a regency, a plan year) or by one the table does not tell apart."""
        if self.regency_id is not None or self.effective_year is not None:
            return None
        chosen = {
            "company_id": self.company_id,
            "pillar": self.pillar or None,
            "poverty_alleviation": True if self.poverty_only else None,
        }
        picked = {name: value for name, value in chosen.items() if value is not None}
        if any(name not in table.c for name in picked):
            return None
        return [table.c[name] == value for name, value in picked.items()]

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
            "verified": "1" if self.verified_only else None,
        }
        return {key: str(value) for key, value in params.items() if value not in (None, "")}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def filters_from_params(params: Mapping[str, str]) -> Filters:
    """Filters from URL query parameters; a malformed value is ignored rather than failing the page."""
    period = params.get("period") or None
    if period and not _PERIOD_CODE.match(period):
        period = None
    pillar = params.get("pillar") or None
    if pillar not in {p.value for p in m.Pillar}:
        pillar = None
    return Filters(
        regency_id=_int(params.get("regency")),
        company_id=_int(params.get("company")),
        year=_int(params.get("year")),
        period=period,
        pillar=pillar,
        poverty_only=params.get("poverty") in {"1", "true"},
        verified_only=params.get("verified") in {"1", "true"},
    )


@dataclass(frozen=True)
class FilterOptions:
    """The choices offered by the filter bar."""

    regencies: tuple[tuple[int, str], ...]
    companies: tuple[tuple[int, str], ...]
    years: tuple[int, ...]
    periods: tuple[str, ...]


@reads(m.Regency, m.District, m.Village, m.ProgramVillage, m.Program, m.Company, m.CompanyRegency, m.Period)
def filter_options(*, session: Session, viewer: Viewer) -> FilterOptions:
    """Regencies, companies, years and semesters that exist, for the filter bar."""
    regencies = session.exec(
        select(m.Regency.id, m.Regency.name).where(*viewer.regency_conditions()).order_by(m.Regency.name)
    ).all()
    companies = session.exec(
        select(m.Company.id, m.Company.name).where(*viewer.company_conditions()).order_by(m.Company.name)
    ).all()
    periods = session.exec(select(m.Period.code).order_by(col(m.Period.code).desc())).all()
    return FilterOptions(
        regencies=tuple((i, n) for i, n in regencies if i is not None),
        companies=tuple((i, n) for i, n in companies if i is not None),
        years=tuple(sorted({int(code[:4]) for code in periods}, reverse=True)),
        periods=tuple(str(code) for code in periods),
    )


def program_scope(filters: Filters, viewer: Viewer) -> list[ColumnElement[bool]]:
    """The programs a view covers: what the reader picked, within what the reader may see."""
    return [*filters.program_conditions(), *viewer.program_conditions()]


def group_source(
    tables: Sequence[Any], filters: Filters, viewer: Viewer, *, by: Sequence[str] = ()
) -> tuple[Any, list[ColumnElement[bool]]] | None:
    """The first of ``tables`` of figures per group of programs (smallest first) that holds the view
    ``filters`` and ``viewer`` make, with the columns ``by`` to group by, and the conditions on it for
    that view; None when the view is not made of whole groups and must be added up per program."""
    for table in tables:
        if any(name not in table.c for name in by):
            continue
        chosen, allowed = filters.group_conditions(table), viewer.group_conditions(table.c.get("company_id"))
        if chosen is not None and allowed is not None:
            return table, [*chosen, *allowed]
    return None


def result_scope(filters: Filters, viewer: Viewer) -> list[ColumnElement[bool]]:
    """Conditions on ``result`` for the figures a view shows: verified ones only when the reader
    picked so or may read no others (a link shared verified-only). Put in the join of a result, so an
    unverified one counts as not there: a due indicator without a verified result is not reported."""
    return verified_results() if filters.verified_only or viewer.verified_only else []

"""Figures per group of programs (the programs of one company, pillar and poverty flag), made from the
figures per program and from the programs' own rows.

A view that narrows programs only by company, pillar or poverty flag (a province's overview, a
company's, a pillar's) adds up one row per group here instead of one per program: at a province's
scale some ten times fewer. They are kept by :mod:`sinergi.writes.summaries` in the same transaction as
the program figures: every group of each company a write touched is made again from that company's
rows, which costs that company's programs, whatever the size of the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Select, Table, case, delete, func, insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

import models as m

GROUP_KEYS = ("company_id", "pillar", "poverty_alleviation")
# Companies made again per statement: a bound list of ids stays well inside every database's limits.
CHUNK = 500


def _table(model: Any) -> Table:
    return model.__table__


PERIOD = _table(m.GroupPeriodFigure)
PROGRAMS = _table(m.GroupFigure)
BUDGET = _table(m.GroupBudget)
PLACE = _table(m.GroupPlace)
TABLES = (PERIOD, PROGRAMS, BUDGET, PLACE)
PROGRAM_FIGURE = _table(m.ProgramPeriodFigure)


def _group() -> tuple[Any, Any, Any]:
    return col(m.Program.company_id), col(m.Program.pillar), col(m.Program.poverty_alleviation)


def _total(column: Any) -> Any:
    return func.coalesce(func.sum(column), 0)


def period_rows() -> Select[Any]:
    """Per group and period, the sums of its programs' figures."""
    counts = tuple(m.FigureCounts.model_fields)
    return (
        sa_select(
            *_group(),
            PROGRAM_FIGURE.c.period_id,
            *(_total(PROGRAM_FIGURE.c[name]).label(name) for name in counts),
        )
        .select_from(PROGRAM_FIGURE)
        .join(m.Program, col(m.Program.id) == PROGRAM_FIGURE.c.program_id)
        .group_by(*_group(), PROGRAM_FIGURE.c.period_id)
    )


def program_rows() -> Select[Any]:
    """Per group, its programs, those not completed, and their beneficiaries."""
    people = {
        "planned": col(m.Program.men_planned) + col(m.Program.women_planned),
        "reached": col(m.Program.men_reached) + col(m.Program.women_reached),
    }
    return sa_select(
        *_group(),
        func.count().label("programs"),
        _total(case((col(m.Program.stage) != m.Stage.COMPLETED.value, 1), else_=0)).label("active"),
        _total(m.Program.families_planned).label("families_planned"),
        _total(m.Program.families_reached).label("families_reached"),
        _total(people["planned"]).label("people_planned"),
        _total(people["reached"]).label("people_reached"),
    ).group_by(*_group())


def budget_rows() -> Select[Any]:
    """Per group and year, the budget planned and spent."""
    return (
        sa_select(
            *_group(),
            col(m.ProgramBudget.year),
            _total(m.ProgramBudget.planned).label("planned"),
            _total(m.ProgramBudget.spent).label("spent"),
        )
        .select_from(m.ProgramBudget)
        .join(m.Program, col(m.Program.id) == col(m.ProgramBudget.program_id))
        .group_by(*_group(), col(m.ProgramBudget.year))
    )


def place_rows() -> Select[Any]:
    """Per group and regency, the links of its programs to that regency's villages."""
    return (
        sa_select(*_group(), col(m.District.regency_id), func.count().label("program_villages"))
        .select_from(m.ProgramVillage)
        .join(m.Program, col(m.Program.id) == col(m.ProgramVillage.program_id))
        .join(m.Village, col(m.Village.id) == col(m.ProgramVillage.village_id))
        .join(m.District, col(m.District.id) == col(m.Village.district_id))
        .group_by(*_group(), col(m.District.regency_id))
    )


# Each table of group figures with the rows the source rows give now.
MADE: dict[str, Callable[[], Select[Any]]] = {
    PERIOD.name: period_rows,
    PROGRAMS.name: program_rows,
    BUDGET.name: budget_rows,
    PLACE.name: place_rows,
}


def refresh(session: Session, *, company_ids: Iterable[int] | None = None) -> None:
    """Make the groups of ``company_ids`` again from their rows; every group when none are given.
    Runs inside the program figures' refresh, after them and under their lock."""
    connection = session.connection()
    for table in TABLES:
        rows = MADE[table.name]()
        names = [c.name for c in rows.selected_columns]
        if company_ids is None:
            connection.execute(delete(table))
            connection.execute(insert(table).from_select(names, rows))
            continue
        companies = sorted(set(company_ids))
        for n in range(0, len(companies), CHUNK):
            chunk = companies[n : n + CHUNK]
            connection.execute(delete(table).where(table.c.company_id.in_(chunk)))
            chosen = rows.where(col(m.Program.company_id).in_(chunk))
            connection.execute(insert(table).from_select(names, chosen))
    session.info.setdefault("written_tables", set()).update(table.name for table in TABLES)


def companies_of(session: Session, program_ids: Iterable[int]) -> set[int]:
    """The companies that hold ``program_ids`` now."""
    programs = sorted(set(program_ids))
    found: set[int] = set()
    for n in range(0, len(programs), CHUNK):
        found.update(
            session.connection()
            .execute(
                sa_select(col(m.Program.company_id))
                .where(col(m.Program.id).in_(programs[n : n + CHUNK]))
                .distinct()
            )
            .scalars()
        )
    return found


def differences(session: Session) -> list[tuple[str, tuple[Any, ...], Any, Any]]:
    """Where the kept group figures differ from those the rows give now: (table.column, key, kept,
    made) for each; a row missing on one side shows as its table's name against None."""
    connection = session.connection()
    found: list[tuple[str, tuple[Any, ...], Any, Any]] = []
    for table in TABLES:
        keys = [c.name for c in table.primary_key.columns]
        made = {
            tuple(r._mapping[k] for k in keys): r._mapping for r in connection.execute(MADE[table.name]())
        }
        kept = {tuple(r._mapping[k] for k in keys): r._mapping for r in connection.execute(sa_select(table))}
        for key in sorted(set(made) | set(kept), key=repr):
            one, other = kept.get(key), made.get(key)
            if one is None or other is None:
                found.append((table.name, key, one is not None or None, other is not None or None))
                continue
            for name in (c.name for c in table.columns if c.name not in keys):
                a, b = one[name], other[name]
                if isinstance(b, float) and abs(float(a) - b) <= 1e-9 * max(1.0, abs(b)):
                    continue
                if a != b:
                    found.append((f"{table.name}.{name}", key, a, b))
    return found

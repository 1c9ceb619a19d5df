"""Figures per group of programs (the programs of one company, pillar and poverty flag), and the same
figures across companies (per pillar and flag) and across pillars (per company).

A view that narrows programs only by company, pillar or poverty flag (a province's overview, a
company's, a pillar's) adds up the rows of the smallest of these tables that still tells its programs
apart, instead of one row per program: a province's overview reads a few hundred rows where it read
two hundred thousand. They are kept by :mod:`sinergi.writes.summaries` in the same transaction as the
program figures:

- every group of each company a write touched is made again from that company's rows;
- the figures per company are made again from that company's groups;
- the figures across companies take the difference between the company's groups before and after.

So a write costs its company's programs, whatever the size of the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, FromClause, Select, Table, and_, delete, func, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

import models as m
from sinergi.core.db import serialize_on, table_of
from sinergi.reads.overview import program_sums
from sinergi.reads.reporting import total
from sinergi.writes import kept

PROGRAM_FIGURE = table_of(m.ProgramPeriodFigure)
PERIOD = table_of(m.GroupPeriodFigure)
PROGRAMS = table_of(m.GroupFigure)
PLACE = table_of(m.GroupPlace)
COMPANY_PERIOD = table_of(m.CompanyPeriodFigure)
PILLAR_PERIOD = table_of(m.PillarPeriodFigure)
PILLAR_PROGRAMS = table_of(m.PillarFigure)
PILLAR_PLACE = table_of(m.PillarPlace)


def keys(table: Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def values(table: Table) -> list[str]:
    return [c.name for c in table.columns if not c.primary_key]


def _group() -> tuple[Any, Any, Any]:
    return col(m.Program.company_id), col(m.Program.pillar), col(m.Program.poverty_alleviation)


def _of(companies: Sequence[int] | None) -> list[Any]:
    return [] if companies is None else [col(m.Program.company_id).in_(companies)]


def period_rows(companies: Sequence[int] | None = None) -> Select[Any]:
    """Per group and period, the sums of its programs' figures."""
    return (
        sa_select(
            *_group(),
            PROGRAM_FIGURE.c.period_id,
            *(total(PROGRAM_FIGURE.c[name]).label(name) for name in m.FigureCounts.model_fields),
        )
        .select_from(PROGRAM_FIGURE)
        .join(m.Program, col(m.Program.id) == PROGRAM_FIGURE.c.program_id)
        .where(*_of(companies))
        .group_by(*_group(), PROGRAM_FIGURE.c.period_id)
    )


def program_rows(companies: Sequence[int] | None = None) -> Select[Any]:
    """Per group, its programs, those not completed, their beneficiaries and their budget."""
    budget = (
        sa_select(
            col(m.ProgramBudget.program_id).label("program_id"),
            func.sum(m.ProgramBudget.planned).label("planned"),
            func.sum(m.ProgramBudget.spent).label("spent"),
        )
        .where(*([] if companies is None else [col(m.ProgramBudget.program_id).in_(_programs_of(companies))]))
        .group_by(col(m.ProgramBudget.program_id))
        .subquery("budget")
    )
    return (
        sa_select(
            *_group(),
            *program_sums(),
            total(budget.c.planned).label("budget_planned"),
            total(budget.c.spent).label("budget_spent"),
        )
        .select_from(m.Program)
        .outerjoin(budget, budget.c.program_id == col(m.Program.id))
        .where(*_of(companies))
        .group_by(*_group())
    )


def place_rows(companies: Sequence[int] | None = None) -> Select[Any]:
    """Per group and regency, the links of its programs to that regency's villages."""
    return (
        sa_select(*_group(), col(m.District.regency_id), func.count().label("program_villages"))
        .select_from(m.ProgramVillage)
        .join(m.Program, col(m.Program.id) == col(m.ProgramVillage.program_id))
        .join(m.Village, col(m.Village.id) == col(m.ProgramVillage.village_id))
        .join(m.District, col(m.District.id) == col(m.Village.district_id))
        .where(*_of(companies))
        .group_by(*_group(), col(m.District.regency_id))
    )


def _programs_of(companies: Sequence[int]) -> Select[Any]:
    return sa_select(col(m.Program.id)).where(col(m.Program.company_id).in_(companies))


# Each table of group figures, with the rows its source gives now (of the companies given).
GROUPS: dict[Table, Callable[[Sequence[int] | None], Select[Any]]] = {
    PERIOD: period_rows,
    PROGRAMS: program_rows,
    PLACE: place_rows,
}
# The figures across companies, each the sum of a table of group figures.
ACROSS_COMPANIES = {PILLAR_PERIOD: PERIOD, PILLAR_PROGRAMS: PROGRAMS, PILLAR_PLACE: PLACE}
# The figures across pillars, each the sum of a table of group figures.
ACROSS_PILLARS = {COMPANY_PERIOD: PERIOD}
TABLES = (*GROUPS, *ACROSS_COMPANIES, *ACROSS_PILLARS)


def summed(source: FromClause, into: Table) -> Select[Any]:
    """The rows of ``into`` as sums of the rows of ``source`` (which has its columns, and more keys)."""
    return sa_select(
        *(source.c[name] for name in keys(into)),
        *(total(source.c[name]).label(name) for name in values(into)),
    ).group_by(*(source.c[name] for name in keys(into)))


def made(table: Table) -> Select[Any]:
    """The rows of ``table`` as the source rows give them now."""
    if table in GROUPS:
        return GROUPS[table](None)
    groups = ACROSS_COMPANIES[table] if table in ACROSS_COMPANIES else ACROSS_PILLARS[table]
    return summed(GROUPS[groups](None).subquery("groups"), table)


def refresh(session: Session, *, company_ids: Iterable[int] | None = None) -> None:
    """Make the groups of ``company_ids`` again from their rows, and the figures across companies and
    pillars with them; every figure when no companies are given. One transaction at a time does so
    (the lock of the program figures, which it runs after)."""
    serialize_on(session, PROGRAM_FIGURE.name)
    connection = session.connection()
    if company_ids is None:
        for table in TABLES:
            connection.execute(delete(table))
            _insert(connection, table, made(table))
    else:
        for companies in kept.chunks(company_ids):
            _refresh_companies(connection, companies)
    session.info.setdefault("written_tables", set()).update(table.name for table in TABLES)


def _refresh_companies(connection: Connection, companies: list[int]) -> None:
    for groups, rows in GROUPS.items():
        across = [table for table, source in ACROSS_COMPANIES.items() if source is groups]
        before = {table: _sums(connection, groups, table, companies) for table in across}
        connection.execute(delete(groups).where(groups.c.company_id.in_(companies)))
        _insert(connection, groups, rows(companies))
        for table in across:
            _add(connection, table, before[table], _sums(connection, groups, table, companies))
    for table, groups in ACROSS_PILLARS.items():
        connection.execute(delete(table).where(table.c.company_id.in_(companies)))
        of_companies = sa_select(groups).where(groups.c.company_id.in_(companies)).subquery("groups")
        _insert(connection, table, summed(of_companies, table))


def _sums(
    connection: Connection, groups: Table, into: Table, companies: list[int]
) -> dict[tuple[Any, ...], Any]:
    """What the groups of ``companies`` add to each row of ``into``."""
    of_companies = sa_select(groups).where(groups.c.company_id.in_(companies)).subquery("groups")
    width = len(keys(into))
    return {tuple(row[:width]): row[width:] for row in connection.execute(summed(of_companies, into))}


def _add(
    connection: Connection,
    table: Table,
    before: dict[tuple[Any, ...], Any],
    after: dict[tuple[Any, ...], Any],
) -> None:
    """Add to ``table`` the change of the companies' sums from ``before`` to ``after``; a row whose
    programs are all gone (its first count 0) goes."""
    names, columns = keys(table), values(table)
    zero = (0,) * len(columns)
    for key in set(before) | set(after):
        change = [a - b for a, b in zip(after.get(key, zero), before.get(key, zero), strict=True)]
        if not any(change):
            continue
        where = and_(*(table.c[name] == value for name, value in zip(names, key, strict=True)))
        moved = connection.execute(
            update(table)
            .where(where)
            .values({c: table.c[c] + d for c, d in zip(columns, change, strict=True)})
        )
        if moved.rowcount == 0:
            connection.execute(
                insert(table).values(dict(zip([*names, *columns], [*key, *change], strict=True)))
            )
    connection.execute(delete(table).where(table.c[columns[0]] == 0))


def _insert(connection: Connection, table: Table, rows: Select[Any]) -> None:
    connection.execute(insert(table).from_select([c.name for c in rows.selected_columns], rows))


def differences(session: Session) -> list[kept.Difference]:
    """Where the kept group figures differ from those the rows give now (see :func:`kept.differences`)."""
    connection = session.connection()
    return [found for table in TABLES for found in kept.differences(connection, table, made(table))]

"""Figures per program and period (``program_period_figure``), kept current by every write.

Pages count indicators and average achievements over whole provinces; read from the results, each of
those counts grows with everything ever reported. The counts are kept here instead, one row per
program and period, so a page reads a row per program it shows.

Whatever writes the rows a figure comes from (a result, an indicator, a program's dates or stage, a
period, the thresholds) has the figures of the programs and periods it touched made again from their
source rows before its transaction commits, in that transaction: a hook on the session notes what
each flush wrote, and bulk writers that bypass the session's unit of work say what they wrote with
:func:`note`. Making a program's figures again costs its indicators × periods, whatever the size of
the database. :func:`rebuild` makes every figure again (``manage.py rebuild-summaries``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    delete,
    event,
    func,
    insert,
    inspect,
    literal,
    or_,
    true,
)
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

import models as m
from sinergi.core.access import SYSTEM
from sinergi.core.db import serialize_on
from sinergi.core.settings import ADMIN_SETTINGS
from sinergi.reads.queries import thresholds as thresholds_in_force
from sinergi.rules.achievement import (
    AVERAGE_CAP,
    AchievementStatus,
    Thresholds,
    achievement_sql,
    gap_sql,
    status_sql,
)
from sinergi.rules.reporting import program_due_sql
from sinergi.writes import group_figures, kept

FIGURE = m.ProgramPeriodFigure.__table__  # type: ignore[attr-defined]
COUNT_COLUMNS = tuple(m.FigureCounts.model_fields)
FIGURE_COLUMNS = ("program_id", "period_id", *COUNT_COLUMNS)
THRESHOLD_KEYS = frozenset(spec.key for spec in ADMIN_SETTINGS)


def figure_rows(
    thresholds: Thresholds,
    *,
    program_ids: Iterable[int] | None = None,
    period_ids: Iterable[int] | None = None,
) -> Select[Any]:
    """The figures as the source rows give them now: one row per program and period with an
    indicator counted there, in the columns of ``program_period_figure``; only the programs and
    periods given, when given."""
    result = m.Result.__table__  # type: ignore[attr-defined]
    actual, target, state = result.c.actual, result.c.target, result.c.state
    direction = col(m.Indicator.direction)
    reported = actual.is_not(None)
    due = program_due_sql(col(m.Period.start_date), col(m.Period.end_date))
    # Each indicator counted in a period, once: what it is, worked out once per pair.
    pairs = (
        sa_select(
            col(m.Indicator.program_id).label("program_id"),
            col(m.Period.id).label("period_id"),
            due.label("due"),
            reported.label("reported"),
            and_(reported, state.in_([m.ResultState.SUBMITTED.value, m.ResultState.VERIFIED.value])).label(
                "submitted"
            ),
            and_(reported, state == m.ResultState.VERIFIED.value).label("checked"),
            achievement_sql(target, actual, direction).label("ratio"),
            gap_sql(target, actual, direction).label("gap"),
        )
        .select_from(m.Indicator)
        .join(m.Program, col(m.Program.id) == col(m.Indicator.program_id))
        .join(m.Period, true())
        .outerjoin(
            result,
            and_(result.c.indicator_id == col(m.Indicator.id), result.c.period_id == col(m.Period.id)),
        )
        # The pairs counted in some view: due, or reported anyway (a verified-only view counts fewer).
        .where(or_(due, reported))
    )
    if program_ids is not None:
        pairs = pairs.where(col(m.Indicator.program_id).in_(sorted(program_ids)))
    if period_ids is not None:
        pairs = pairs.where(col(m.Period.id).in_(sorted(period_ids)))
    pair = pairs.subquery("pair")
    ratio, checked = pair.c.ratio, pair.c.checked
    capped = case((ratio > AVERAGE_CAP, literal(AVERAGE_CAP)), else_=ratio)
    status = status_sql(ratio, thresholds)

    def count(*conditions: ColumnElement[bool]) -> Any:
        return func.count().filter(and_(*conditions))

    def of_status(value: AchievementStatus, *conditions: ColumnElement[bool]) -> Any:
        return count(pair.c.reported, status == value.value, *conditions)

    return sa_select(
        pair.c.program_id,
        pair.c.period_id,
        func.count().label("counted"),
        count(or_(pair.c.due, checked)).label("counted_v"),
        count(pair.c.reported).label("reported"),
        count(pair.c.submitted).label("submitted"),
        count(checked).label("verified"),
        of_status(AchievementStatus.ON_TRACK).label("on_track"),
        of_status(AchievementStatus.NEEDS_ATTENTION).label("needs_attention"),
        of_status(AchievementStatus.OFF_TRACK).label("off_track"),
        of_status(AchievementStatus.ON_TRACK, checked).label("on_track_v"),
        of_status(AchievementStatus.NEEDS_ATTENTION, checked).label("needs_attention_v"),
        of_status(AchievementStatus.OFF_TRACK, checked).label("off_track_v"),
        func.count(ratio).label("measured"),
        count(ratio.is_not(None), checked).label("measured_v"),
        func.coalesce(func.sum(capped), 0.0).label("achievement_sum"),
        func.coalesce(func.sum(case((checked, capped))), 0.0).label("achievement_sum_v"),
        count(pair.c.gap).label("gaps"),
        count(pair.c.gap, checked).label("gaps_v"),
    ).group_by(pair.c.program_id, pair.c.period_id)


def refresh(
    session: Session,
    *,
    program_ids: Iterable[int] | None = None,
    period_ids: Iterable[int] | None = None,
) -> None:
    """Make the figures of ``program_ids`` (in every period) and of ``period_ids`` (of every program)
    again from their source rows; every figure when neither is given.

    One transaction at a time does so until it commits (PostgreSQL; SQLite writes one at a time
    anyway): a second one making a program's figures at the same moment would not see the rows the
    first put back, and insert them twice."""
    serialize_on(session, FIGURE.name)
    connection = session.connection()
    limits = _thresholds(session)
    if program_ids is None and period_ids is None:
        connection.execute(delete(FIGURE))
        _insert(connection, figure_rows(limits))
    else:
        for chunk in kept.chunks(program_ids or ()):
            connection.execute(delete(FIGURE).where(FIGURE.c.program_id.in_(chunk)))
            _insert(connection, figure_rows(limits, program_ids=chunk))
        periods = sorted(set(period_ids or ()))
        if periods:
            connection.execute(delete(FIGURE).where(FIGURE.c.period_id.in_(periods)))
            _insert(connection, figure_rows(limits, period_ids=periods))
    session.info.setdefault("written_tables", set()).add(FIGURE.name)


def rebuild(session: Session) -> dict[str, int]:
    """Every figure, per program and per group, made again from the source rows; the number of rows
    made per table."""
    refresh(session)
    connection = session.connection()
    tables = [FIGURE]
    # Asked of the database itself: a migration rebuilds while the tables of later ones are not there.
    if inspect(connection).has_table(group_figures.PERIOD.name):
        group_figures.refresh(session)
        tables += group_figures.TABLES
    return {
        table.name: int(connection.execute(sa_select(func.count()).select_from(table)).scalar_one())
        for table in tables
    }


def _insert(connection: Connection, rows: Select[Any]) -> None:
    connection.execute(insert(FIGURE).from_select(list(FIGURE_COLUMNS), rows))


def _thresholds(session: Session) -> Thresholds:
    return thresholds_in_force(session=session, viewer=SYSTEM)


# Where a transaction keeps its :class:`_Written` (in ``session.info``).
WRITTEN = "summaries_written"


@dataclass
class _Written:
    """What a transaction wrote that figures come from."""

    programs: set[int] = field(default_factory=set)
    indicators: set[int] = field(default_factory=set)
    periods: set[int] = field(default_factory=set)
    # Companies whose groups change beyond their programs' figures (a program moved or removed).
    companies: set[int] = field(default_factory=set)
    everything: bool = False
    # Every group, but no program figure: a village moved to another district, say.
    every_group: bool = False


def note(
    session: Session,
    *,
    programs: Iterable[int] = (),
    indicators: Iterable[int] = (),
    periods: Iterable[int] = (),
    companies: Iterable[int] = (),
    everything: bool = False,
    every_group: bool = False,
) -> None:
    """Say what a write that bypasses the session's unit of work (bulk statements) wrote, so the
    figures that come from it are made again before its transaction commits."""
    written = kept.written(session, WRITTEN, _Written)
    written.programs.update(programs)
    written.indicators.update(indicators)
    written.periods.update(periods)
    written.companies.update(companies)
    written.everything = written.everything or everything
    written.every_group = written.every_group or every_group


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context: Any) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, m.Result):
            note(session, indicators=[instance.indicator_id, *kept.former(instance, "indicator_id")])
        elif isinstance(instance, m.Indicator):
            note(session, programs=[instance.program_id, *kept.former(instance, "program_id")])
        elif isinstance(instance, m.Program) and instance.id is not None:
            note(
                session,
                programs=[instance.id],
                companies=[instance.company_id, *kept.former(instance, "company_id")],
            )
        elif isinstance(instance, m.ProgramBudget | m.ProgramVillage):
            note(session, programs=[instance.program_id, *kept.former(instance, "program_id")])
        elif (isinstance(instance, m.Village) and kept.former(instance, "district_id")) or (
            isinstance(instance, m.District) and kept.former(instance, "regency_id")
        ):
            note(session, every_group=True)
        elif isinstance(instance, m.Period) and instance.id is not None:
            note(session, periods=[instance.id])
        elif isinstance(instance, m.Setting) and instance.key in THRESHOLD_KEYS:
            note(session, everything=True)


def _refresh_written(session: Session) -> None:
    """Before the commit, and before the written tables' versions are raised: make again the
    figures of what this transaction wrote."""
    session.flush()
    written = session.info.pop(WRITTEN, None)
    if written is None or not _has_figures(session.connection()):
        return
    if written.everything:
        refresh(session)
        if _has_groups(session.connection()):
            group_figures.refresh(session)
        return
    programs = written.programs | kept.linked(
        session, col(m.Indicator.program_id), col(m.Indicator.id), written.indicators
    )
    if programs or written.periods:
        refresh(session, program_ids=programs, period_ids=written.periods)
    if not _has_groups(session.connection()):
        return
    if written.periods or written.every_group:
        group_figures.refresh(session)
    elif programs or written.companies:
        companies = written.companies | kept.linked(
            session, col(m.Program.company_id), col(m.Program.id), programs
        )
        group_figures.refresh(session, company_ids=companies)


# First among the session's listeners, so the figures' own table has its version raised too.
event.listen(Session, "before_commit", _refresh_written, insert=True)


@event.listens_for(Session, "after_rollback")
def _forget_written(session: Session) -> None:
    session.info.pop(WRITTEN, None)


_present: set[tuple[str, str]] = set()  # (URL, table) where the database has the table


def _has_table(connection: Connection, name: str) -> bool:
    """Whether the database has table ``name`` (a database being migrated may not have it yet)."""
    key = (connection.engine.url.render_as_string(hide_password=False), name)
    if key in _present:
        return True
    if inspect(connection).has_table(name):
        _present.add(key)
        return True
    return False


def _has_figures(connection: Connection) -> bool:
    return _has_table(connection, FIGURE.name)


def _has_groups(connection: Connection) -> bool:
    return _has_table(connection, group_figures.PERIOD.name)


def differences(session: Session) -> list[kept.Difference]:
    """Where the kept figures per program and period differ from the figures the source rows give now
    (see :func:`kept.differences`); the key is (program, period)."""
    return kept.differences(session.connection(), FIGURE, figure_rows(_thresholds(session)))

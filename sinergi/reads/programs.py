"""Programs: the list with status badges, and one program's profile, indicators, evaluations and feedback."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_
from sqlmodel import Session, col, select

import models as m
from sinergi.core import frames
from sinergi.core.access import Viewer, ensure_program_visible
from sinergi.core.db import reads, rows, select_columns
from sinergi.reads.filters import Filters, program_scope, result_scope
from sinergi.reads.overview import reporting_period
from sinergi.reads.reporting import FIGURE, FIGURE_TABLES, figure_columns
from sinergi.rules.achievement import (
    Thresholds,
    achievement,
    achievement_status,
    is_gap,
    status_sql,
    to_date,
)

OPEN_ACTION = (m.ActionStatus.OPEN.value, m.ActionStatus.IN_PROGRESS.value)

PROGRAM_TABLE_COLUMNS = [
    "id",
    "name",
    "company",
    "pillar",
    "stage",
    "poverty_alleviation",
    "achievement",
    "status",
    "gaps",
    "measured",
    "verified",
    "overdue_actions",
    "families_reached",
    "families_planned",
]


# The list's order: by company, then by program (both names are unique there, so the order is total
# and the first rows of a limited read are those of the full one).
LIST_ORDER = (col(m.Company.name), col(m.Program.name))


def _search_condition(search: str) -> ColumnElement[bool] | None:
    """Programs whose name or company's name contains ``search``, letters of either case alike.

    Both sides are lowered by the database, so a name matches its own spelling whatever the database
    folds (SQLite lowers only A–Z); ``%``, ``_`` and ``\\`` in ``search`` are matched as typed.
    """
    if not search:
        return None
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = func.lower(literal(f"%{escaped}%"))
    return or_(
        func.lower(col(m.Program.name)).like(pattern, escape="\\"),
        func.lower(col(m.Company.name)).like(pattern, escape="\\"),
    )


def _found(filters: Filters, viewer: Viewer, search: str) -> list[ColumnElement[bool]]:
    """Conditions on ``program`` joined to its ``company``: the programs the list holds."""
    matching = _search_condition(search)
    return [*program_scope(filters, viewer), *([matching] if matching is not None else [])]


@reads(m.Program, m.Company, m.ProgramVillage, m.Village, m.District)
def program_count(*, session: Session, filters: Filters, viewer: Viewer, search: str = "") -> int:
    """How many programs :func:`program_table` holds with the same filters, viewer and search."""
    statement = select(func.count()).select_from(m.Program).where(*_found(filters, viewer, search))
    if search:  # which may find a program by its company's name
        statement = statement.join(m.Company, col(m.Company.id) == col(m.Program.company_id))
    return int(session.exec(statement).one())


@reads(*FIGURE_TABLES, m.Company, m.FollowUpAction)
def program_table(
    *,
    session: Session,
    filters: Filters,
    viewer: Viewer,
    thresholds: Thresholds,
    today: date,
    search: str = "",
    limit: int | None = None,
) -> pd.DataFrame:
    """One row per program: stage, achievement and status in the reporting period, gaps in that
    period, how many of its measured results there an agency verified (``measured``, ``verified``),
    and follow-up actions past their due date.

    By company, then program; only those whose name or company's name contains ``search`` when given,
    and only the first ``limit`` when given: then the figures are read for those programs alone, so
    the list costs what it shows however many programs there are (:func:`program_count` counts them).
    """
    period = reporting_period(session=session, filters=filters, viewer=viewer)
    figure = figure_columns(filters, viewer)
    found = _found(filters, viewer, search)
    achievement = case((figure.measured > 0, figure.achievement_sum / figure.measured))
    is_overdue = and_(col(m.FollowUpAction.status).in_(OPEN_ACTION), col(m.FollowUpAction.due_date) < today)

    def listing(ratio: Any, gaps: Any, measured: Any, verified: Any, overdue: Any) -> Select[Any]:
        return select_columns(
            m.Program.id,
            m.Program.name,
            m.Company.name,
            m.Program.pillar,
            m.Program.stage,
            m.Program.poverty_alleviation,
            ratio,
            status_sql(ratio, thresholds),
            func.coalesce(gaps, 0),
            func.coalesce(measured, 0),
            func.coalesce(verified, 0),
            func.coalesce(overdue, 0),
            m.Program.families_reached,
            m.Program.families_planned,
        )

    if limit is None:
        # Every program: the figures of the period and the actions past their due date are each read
        # at once from their index; looked up program by program, 20,000 take a third to a half longer.
        results = (
            select_columns(
                FIGURE.c.program_id.label("program_id"),
                achievement.label("achievement"),
                figure.gaps.label("gaps"),
                figure.measured.label("measured"),
                figure.measured_verified.label("verified"),
            )
            .join(m.Period, col(m.Period.id) == FIGURE.c.period_id)
            .where(col(m.Period.code) == (period or ""))
            .subquery()
        )
        counted = (
            select(col(m.FollowUpAction.program_id).label("program_id"), func.count().label("overdue"))
            .where(is_overdue)
            .group_by(col(m.FollowUpAction.program_id))
            .subquery()
        )
        statement = (
            listing(
                results.c.achievement,
                results.c.gaps,
                results.c.measured,
                results.c.verified,
                counted.c.overdue,
            )
            .select_from(m.Program)
            .join(m.Company, col(m.Company.id) == col(m.Program.company_id))
            .outerjoin(results, results.c.program_id == col(m.Program.id))
            .outerjoin(counted, counted.c.program_id == col(m.Program.id))
            .where(*found)
            .order_by(*LIST_ORDER)
        )
    else:
        # The programs listed are found first (from the indexes of both names, when nothing narrows
        # the list), and only theirs are looked up in the figures and the actions. The actions are
        # found by program and counted: given the status and due date as well, SQLite walks its index
        # of every open action past its due date once for each program.
        listed = (
            select(col(m.Program.id).label("id"))
            .join(m.Company, col(m.Company.id) == col(m.Program.company_id))
            .where(*found)
            .order_by(*LIST_ORDER)
            .limit(limit)
            .subquery()
        )
        overdue = (
            select(func.sum(case((is_overdue, 1), else_=0)))
            .select_from(m.FollowUpAction)
            .where(col(m.FollowUpAction.program_id) == col(m.Program.id))
            .correlate(m.Program)
            .scalar_subquery()
        )
        period_id = select(col(m.Period.id)).where(col(m.Period.code) == (period or "")).scalar_subquery()
        statement = (
            listing(achievement, figure.gaps, figure.measured, figure.measured_verified, overdue)
            .select_from(listed)
            .join(m.Program, col(m.Program.id) == listed.c.id)
            .join(m.Company, col(m.Company.id) == col(m.Program.company_id))
            .outerjoin(
                FIGURE, and_(FIGURE.c.program_id == col(m.Program.id), FIGURE.c.period_id == period_id)
            )
            .order_by(*LIST_ORDER)
        )
    frame = pd.DataFrame(rows(session, statement), columns=PROGRAM_TABLE_COLUMNS)
    return frame.astype(
        {"achievement": float, "gaps": int, "measured": int, "verified": int, "overdue_actions": int}
    )


@dataclass(frozen=True)
class ProgramProfile:
    """Everything about a program that is not a time series."""

    id: int
    name: str
    description: str
    company_id: int
    company: str
    pillar: str
    stage: str
    poverty_alleviation: bool
    start_date: date
    end_date: date | None
    families_planned: int
    families_reached: int
    men_planned: int
    men_reached: int
    women_planned: int
    women_reached: int
    places: tuple[str, ...]
    partners: tuple[tuple[str, str], ...]
    sdgs: tuple[int, ...]
    budgets: tuple[tuple[int, int, int], ...]


@reads(
    m.Program,
    m.Company,
    m.ProgramVillage,
    m.Village,
    m.District,
    m.Regency,
    m.ProgramPartner,
    m.Organisation,
    m.ProgramSdg,
    m.ProgramBudget,
)
def program_profile(*, session: Session, viewer: Viewer, program_id: int) -> ProgramProfile | None:
    """The program with its company, places, partner groups, SDGs and yearly budget; None if unknown.

    A program the viewer may not read is refused (AccessDenied) and the attempt logged.
    """
    if not ensure_program_visible(session=session, viewer=viewer, program_id=program_id):
        return None
    row = session.exec(
        select(m.Program, m.Company.name)
        .join(m.Company, col(m.Company.id) == col(m.Program.company_id))
        .where(m.Program.id == program_id)
    ).first()
    if row is None:
        return None
    program, company = row
    places = session.exec(
        select(m.Village.name, m.District.name, m.Regency.name)
        .select_from(m.ProgramVillage)
        .join(m.Village, col(m.Village.id) == col(m.ProgramVillage.village_id))
        .join(m.District, col(m.District.id) == col(m.Village.district_id))
        .join(m.Regency, col(m.Regency.id) == col(m.District.regency_id))
        .where(m.ProgramVillage.program_id == program_id)
        .order_by(m.Regency.name, m.District.name, m.Village.name)
    ).all()
    partners = session.exec(
        select(m.Organisation.name, m.ProgramPartner.role)
        .join(m.Organisation, col(m.Organisation.id) == col(m.ProgramPartner.organisation_id))
        .where(m.ProgramPartner.program_id == program_id)
        .order_by(m.ProgramPartner.role, m.Organisation.name)
    ).all()
    sdgs = session.exec(
        select(m.ProgramSdg.sdg).where(m.ProgramSdg.program_id == program_id).order_by(col(m.ProgramSdg.sdg))
    ).all()
    budgets = session.exec(
        select(m.ProgramBudget.year, m.ProgramBudget.planned, m.ProgramBudget.spent)
        .where(m.ProgramBudget.program_id == program_id)
        .order_by(col(m.ProgramBudget.year))
    ).all()
    assert program.id is not None
    return ProgramProfile(
        id=program.id,
        name=program.name,
        description=program.description,
        company_id=program.company_id,
        company=company,
        pillar=program.pillar,
        stage=program.stage,
        poverty_alleviation=program.poverty_alleviation,
        start_date=program.start_date,
        end_date=program.end_date,
        families_planned=program.families_planned,
        families_reached=program.families_reached,
        men_planned=program.men_planned,
        men_reached=program.men_reached,
        women_planned=program.women_planned,
        women_reached=program.women_reached,
        places=tuple(f"{village}, {district}, {regency}" for village, district, regency in places),
        partners=tuple((str(name), str(role)) for name, role in partners),
        sdgs=tuple(int(s) for s in sdgs),
        budgets=tuple((int(y), int(p), int(s)) for y, p, s in budgets),
    )


INDICATOR_RESULT_COLUMNS = [
    "indicator_id",
    "indicator",
    "unit",
    "kind",
    "direction",
    "accumulation",
    "baseline",
    "baseline_year",
    "period",
    "target",
    "actual",
    "state",
    "narrative",
]


@reads(m.Program, m.ProgramVillage, m.Indicator, m.Result, m.Period)
def indicator_results(
    *, session: Session, viewer: Viewer, program_id: int, thresholds: Thresholds, verified_only: bool = False
) -> pd.DataFrame:
    """Every indicator of the program with its target and actual per semester, and the ``state`` of
    each (draft, submitted, verified).

    Adds ``achievement``, ``status`` and ``gap`` from the rules. An indicator without results
    appears once with empty period columns, so the page can say that figures are missing. With
    ``verified_only`` (or for a viewer limited to verified figures) only verified results are read.
    """
    ensure_program_visible(session=session, viewer=viewer, program_id=program_id)
    limit = result_scope(Filters(verified_only=verified_only), viewer)
    statement = (
        select_columns(
            m.Indicator.id,
            m.Indicator.name,
            m.Indicator.unit,
            m.Indicator.kind,
            m.Indicator.direction,
            m.Indicator.accumulation,
            m.Indicator.baseline_value,
            m.Indicator.baseline_year,
            m.Period.code,
            m.Result.target,
            m.Result.actual,
            m.Result.state,
            m.Result.narrative,
        )
        .select_from(m.Indicator)
        .outerjoin(m.Result, and_(col(m.Result.indicator_id) == col(m.Indicator.id), *limit))
        .outerjoin(m.Period, col(m.Period.id) == col(m.Result.period_id))
        .where(col(m.Indicator.program_id) == program_id)
        .order_by(col(m.Indicator.id), m.Period.code)
    )
    found = rows(session, statement)
    target_at, actual_at, direction_at = (
        INDICATOR_RESULT_COLUMNS.index(c) for c in ("target", "actual", "direction")
    )
    # The rules run on plain values, and the frame is built once with every column: adding columns
    # to a frame one by one costs more than the rules themselves.
    ratios, statuses, gaps = [], [], []
    for row in found:
        target, actual = _number(row[target_at]), _number(row[actual_at])
        ratio = achievement(target, actual, row[direction_at])
        ratios.append(ratio)
        statuses.append(achievement_status(ratio, thresholds).value)
        gaps.append(is_gap(target, actual, row[direction_at]))
    frame = pd.DataFrame(found, columns=INDICATOR_RESULT_COLUMNS).astype(
        {"target": float, "actual": float, "baseline": float}
    )
    return frame.assign(achievement=pd.Series(ratios, dtype=float), status=statuses, gap=gaps)


def _number(value: float | None) -> float | None:
    return None if value is None else float(value)


def nan_to_none(value: float | None) -> float | None:
    """A number, or None where it is missing (None or NaN)."""
    return None if value is None or pd.isna(value) else float(value)


EVALUATION_COLUMNS = ["evaluation", "held_on", "period", "action", "owner", "due_date", "status", "overdue"]


@reads(m.Program, m.ProgramVillage, m.Evaluation, m.EvaluationProgram, m.FollowUpAction, m.Period)
def program_actions(*, session: Session, viewer: Viewer, program_id: int, today: date) -> pd.DataFrame:
    """Follow-up actions of the program, with the evaluation that agreed each one (if any)."""
    ensure_program_visible(session=session, viewer=viewer, program_id=program_id)
    statement = (
        select_columns(
            m.Evaluation.title,
            m.Evaluation.held_on,
            m.Period.code,
            m.FollowUpAction.description,
            m.FollowUpAction.owner,
            m.FollowUpAction.due_date,
            m.FollowUpAction.status,
        )
        .select_from(m.FollowUpAction)
        .outerjoin(m.Evaluation, col(m.Evaluation.id) == col(m.FollowUpAction.evaluation_id))
        .outerjoin(m.Period, col(m.Period.id) == col(m.Evaluation.period_id))
        .where(col(m.FollowUpAction.program_id) == program_id)
        .order_by(col(m.Evaluation.held_on), col(m.FollowUpAction.due_date))
    )
    frame = pd.DataFrame(rows(session, statement), columns=EVALUATION_COLUMNS[:-1])
    frame["overdue"] = [
        bool(due is not None and due < today and status in OPEN_ACTION)
        for due, status in zip(frame["due_date"], frame["status"], strict=True)
    ]
    return frame


PROGRAM_FEEDBACK_COLUMNS = [
    "held_on",
    "meeting",
    "source",
    "kind",
    "text",
    "response",
    "status",
    "decline_reason",
]


@reads(m.Program, m.ProgramVillage, m.FeedbackItem, m.Meeting, m.Organisation, m.MeetingParticipant)
def program_feedback(*, session: Session, viewer: Viewer, program_id: int) -> pd.DataFrame:
    """What stakeholders said about the program, and what became of it (a declined item's reason in
    ``decline_reason``)."""
    ensure_program_visible(session=session, viewer=viewer, program_id=program_id)
    statement = (
        select_columns(
            m.Meeting.held_on,
            m.Meeting.title,
            func.coalesce(
                m.Organisation.name, m.MeetingParticipant.organisation_name, m.FeedbackItem.speaker
            ),
            m.FeedbackItem.kind,
            m.FeedbackItem.text,
            m.FeedbackItem.response,
            m.FeedbackItem.status,
            m.FeedbackItem.decline_reason,
        )
        .join(m.Meeting, col(m.Meeting.id) == col(m.FeedbackItem.meeting_id))
        .outerjoin(m.Organisation, col(m.Organisation.id) == col(m.FeedbackItem.organisation_id))
        .outerjoin(m.MeetingParticipant, col(m.MeetingParticipant.id) == col(m.FeedbackItem.participant_id))
        .where(
            col(m.FeedbackItem.program_id) == program_id,
            col(m.FeedbackItem.moderation) != m.Moderation.HIDDEN.value,
        )
        .order_by(col(m.Meeting.held_on).desc())
    )
    return pd.DataFrame(rows(session, statement), columns=PROGRAM_FEEDBACK_COLUMNS)


def results_by_indicator(results: pd.DataFrame) -> dict[int, list[dict[str, Any]]]:
    """The rows of :func:`indicator_results` as plain records, grouped by indicator in their order."""
    grouped: dict[int, list[dict[str, Any]]] = {}
    for record in frames.records(results):
        grouped.setdefault(int(record["indicator_id"]), []).append(record)
    return grouped


def semesters(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records of one indicator (from :func:`results_by_indicator`) that hold a semester's figures;
    an indicator without any has a single record with no period."""
    return [record for record in records if isinstance(record["period"], str)]


# The states of a result from least to most checked: a figure made of several results is as far as
# the least checked of them.
STATE_ORDER = [m.ResultState.DRAFT.value, m.ResultState.SUBMITTED.value, m.ResultState.VERIFIED.value]


def weakest_state(states: list[str]) -> str | None:
    """The least checked of ``states`` (None for none): a sum is verified only if every part is."""
    known = [state for state in states if state in STATE_ORDER]
    return min(known, key=STATE_ORDER.index) if known else None


def indicators_to_date(
    by_indicator: Mapping[int, list[dict[str, Any]]], thresholds: Thresholds
) -> pd.DataFrame:
    """Per indicator, target and actual up to its latest semester with an actual (periodic: that
    semester; cumulative: the sum), with achievement, status and ``state`` (the state of that
    semester's result; of a sum, the least checked of its parts). Takes the rows of
    :func:`indicator_results` grouped by :func:`results_by_indicator`."""
    rows = []
    for indicator_id, group in by_indicator.items():
        first = group[0]
        measured = [record for record in group if not pd.isna(record["actual"])]
        direction = str(first["direction"])
        values = [(nan_to_none(record["target"]), nan_to_none(record["actual"])) for record in measured]
        target, actual = to_date(str(first["accumulation"]), values)
        ratio = achievement(target, actual, direction)
        parts = measured if first["accumulation"] == m.Accumulation.CUMULATIVE else measured[-1:]
        rows.append(
            {
                "indicator_id": indicator_id,
                "indicator": first["indicator"],
                "unit": first["unit"],
                "up_to": measured[-1]["period"] if measured else None,
                "target": target,
                "actual": actual,
                "achievement": ratio,
                "status": achievement_status(ratio, thresholds).value,
                "gap": is_gap(target, actual, direction),
                "state": weakest_state([str(record["state"]) for record in parts]),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "indicator_id",
            "indicator",
            "unit",
            "up_to",
            "target",
            "actual",
            "achievement",
            "status",
            "gap",
            "state",
        ],
    )

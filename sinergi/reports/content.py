"""What the semester evaluation report holds, and the query that gathers it: the only part of the
report that reads the database. The PDF (:mod:`sinergi.reports.pdf`) and the workbook
(:mod:`sinergi.reports.workbook`) are drawn from a :class:`SemesterReport` alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, col, select

import models as m
from models.programs import BENEFICIARY_COLUMNS as PROGRAM_BENEFICIARY_COLUMNS
from sinergi.core.access import Viewer, refuse
from sinergi.core.db import reads
from sinergi.reads.programs import (
    OPEN_ACTION,
    PROGRAM_FEEDBACK_COLUMNS,
    ProgramProfile,
    indicator_results,
    nan_to_none,
    program_actions,
    program_feedback,
)
from sinergi.reads.programs import program_profile as read_program_profile
from sinergi.rules.achievement import Thresholds
from sinergi.rules.activity import program_runs_between


@dataclass(frozen=True)
class ReportChoices:
    """What the reader may report on: companies, programs (id, name, company id) and semesters."""

    companies: tuple[tuple[int, str], ...]
    programs: tuple[tuple[int, str, int], ...]
    periods: tuple[str, ...]


@reads(m.Company, m.Program, m.ProgramVillage, m.Village, m.District, m.Period)
def report_choices(*, session: Session, viewer: Viewer) -> ReportChoices:
    """The companies with programs the viewer may read, those programs, and the semesters newest first."""
    program_rows = session.exec(
        select(m.Program.id, m.Program.name, m.Program.company_id)
        .where(*viewer.program_conditions())
        .order_by(m.Program.name)
    ).all()
    company_ids = {company_id for _, _, company_id in program_rows}
    companies = session.exec(
        select(m.Company.id, m.Company.name)
        # The programs decide: an agency names the company of every program in its regency.
        .where(col(m.Company.id).in_(company_ids))
        .order_by(m.Company.name)
    ).all()
    periods = session.exec(select(m.Period.code).order_by(col(m.Period.code).desc())).all()
    return ReportChoices(
        companies=tuple((i, n) for i, n in companies if i is not None),
        programs=tuple((i, n, c) for i, n, c in program_rows if i is not None),
        periods=tuple(str(p) for p in periods),
    )


@dataclass(frozen=True)
class SemesterReport:
    """Everything the report prints, independent of the reader's language."""

    company: str
    company_id: int
    program_id: int | None  # set when the report covers one program
    period: str
    period_start: date
    period_end: date
    made_on: date
    programs: tuple[ProgramProfile, ...]
    evaluations: tuple[tuple[str, date], ...]
    # program, indicator_id, indicator, unit, baseline, baseline_year, direction, target, actual,
    # achievement, status, gap, state (one row per indicator; no result in the period leaves figures
    # empty and the state None)
    indicators: pd.DataFrame
    # indicator_id, period, target, actual, achievement, status, baseline, state: every period up to
    # this one
    series: pd.DataFrame
    # program, year, planned, spent
    budget: pd.DataFrame
    # program, families_planned, families_reached, men_planned, men_reached, women_planned, women_reached
    beneficiaries: pd.DataFrame
    # program, evaluation, action, owner, due_date, status, overdue
    actions: pd.DataFrame
    # program, held_on, meeting, source, kind, text, response, status
    feedback: pd.DataFrame
    # Only verified results were read: the others are left out as if not reported.
    verified_only: bool = False

    @property
    def gaps(self) -> pd.DataFrame:
        return self.indicators[self.indicators["gap"]]

    @property
    def has_figures(self) -> pd.Series:
        """Per indicator, whether it has a target or an actual in the period."""
        return self.indicators["target"].notna() | self.indicators["actual"].notna()

    @property
    def unverified(self) -> pd.DataFrame:
        """The indicators whose figures in the period nobody has verified yet (submitted or draft)."""
        indicators = self.indicators
        return indicators[self.has_figures & (indicators["state"] != m.ResultState.VERIFIED.value)]

    @property
    def summary(self) -> dict[str, int]:
        """The counts the summary paragraph and sheet give; ``with_figures`` are the indicators with a
        target or actual in the period, ``unverified`` those of them not verified yet."""
        indicators = self.indicators
        with_figures = int(self.has_figures.sum())
        unverified = len(self.unverified)
        return {
            "indicators": len(indicators),
            "with_figures": with_figures,
            "verified": with_figures - unverified,
            "unverified": unverified,
            "measured": int((indicators["status"] != "no_data").sum()),
            "on_track": int((indicators["status"] == "on_track").sum()),
            "gaps": int(indicators["gap"].sum()),
            "open_actions": int(self.actions["status"].isin(OPEN_ACTION).sum()),
            "overdue_actions": int(self.actions["overdue"].astype(bool).sum()),
            "feedback": len(self.feedback),
        }


INDICATOR_COLUMNS = [
    "program",
    "indicator_id",
    "indicator",
    "unit",
    "baseline",
    "baseline_year",
    "direction",
    "target",
    "actual",
    "achievement",
    "status",
    "gap",
    "state",
]
SERIES_COLUMNS = ["indicator_id", "period", "target", "actual", "achievement", "status", "baseline", "state"]
ACTION_COLUMNS = ["program", "evaluation", "action", "owner", "due_date", "status", "overdue"]
FEEDBACK_COLUMNS = ["program", *PROGRAM_FEEDBACK_COLUMNS]
BUDGET_COLUMNS = ["program", "year", "planned", "spent"]
BENEFICIARY_COLUMNS = ["program", *PROGRAM_BENEFICIARY_COLUMNS]


def semester_report(
    *,
    session: Session,
    viewer: Viewer,
    period: str,
    thresholds: Thresholds,
    today: date,
    company_id: int | None = None,
    program_id: int | None = None,
    verified_only: bool = False,
) -> SemesterReport | None:
    """The report of one program (``program_id``) or of a company's programs (``company_id``) for a
    semester, as far as the viewer may read them; None when the program, company or period is unknown.
    Each figure carries its result's state; with ``verified_only`` (or for a viewer limited so) only
    verified results are read.

    A company user asking for another company, or an agency user for a company with no program in
    its regency, is refused (AccessDenied) and the attempt logged.
    """
    if (company_id is None) == (program_id is None):
        raise ValueError("give either company_id or program_id")
    found_period = session.exec(select(m.Period).where(m.Period.code == period)).first()
    if found_period is None:
        return None
    subject = _subject(session, viewer, found_period, company_id=company_id, program_id=program_id)
    if subject is None:
        return None
    company, profiles = subject
    assert company.id is not None

    indicator_rows: list[dict[str, Any]] = []
    series_frames: list[pd.DataFrame] = []
    action_frames: list[pd.DataFrame] = []
    feedback_frames: list[pd.DataFrame] = []
    for profile in profiles:
        results = indicator_results(
            session=session,
            viewer=viewer,
            program_id=profile.id,
            thresholds=thresholds,
            verified_only=verified_only,
        )
        indicator_rows.extend(_indicator_rows(profile.name, results, period))
        measured = results[results["period"].notna() & (results["period"] <= period)]
        series_frames.append(measured[SERIES_COLUMNS])
        actions = program_actions(session=session, viewer=viewer, program_id=profile.id, today=today)
        action_frames.append(_actions_of_period(actions, found_period).assign(program=profile.name))
        feedback = program_feedback(session=session, viewer=viewer, program_id=profile.id)
        in_window = feedback["held_on"].map(lambda d: found_period.start_date <= d <= found_period.end_date)
        feedback_frames.append(_rows(feedback, in_window).assign(program=profile.name))

    return SemesterReport(
        company=company.name,
        company_id=company.id,
        program_id=program_id,
        period=period,
        period_start=found_period.start_date,
        period_end=found_period.end_date,
        made_on=today,
        programs=tuple(profiles),
        evaluations=_evaluations(session, found_period, profiles),
        indicators=pd.DataFrame(indicator_rows, columns=INDICATOR_COLUMNS),
        series=_concat(series_frames, SERIES_COLUMNS),
        budget=pd.DataFrame(
            [
                (p.name, y, planned, spent)
                for p in profiles
                for y, planned, spent in p.budgets
                if y == found_period.year
            ],
            columns=BUDGET_COLUMNS,
        ),
        beneficiaries=_beneficiaries(profiles),
        actions=_concat(action_frames, ACTION_COLUMNS),
        feedback=_concat(feedback_frames, FEEDBACK_COLUMNS),
        verified_only=verified_only or viewer.verified_only,
    )


def _subject(
    session: Session, viewer: Viewer, period: m.Period, *, company_id: int | None, program_id: int | None
) -> tuple[m.Company, list[ProgramProfile]] | None:
    """The company a report is of and the programs it covers: the one program asked for, or the
    company's programs that run in ``period``; None when either is unknown."""
    if program_id is not None:
        profile = read_program_profile(session=session, viewer=viewer, program_id=program_id)
        if profile is None:
            return None
        profiles = [profile]
        company_id = profile.company_id
    else:
        assert company_id is not None
        if session.get(m.Company, company_id) is None:
            return None
        profiles = _company_profiles(session, viewer, company_id, period)
    company = session.get(m.Company, company_id)
    assert company is not None
    return company, profiles


def _beneficiaries(profiles: Sequence[ProgramProfile]) -> pd.DataFrame:
    return pd.DataFrame(
        [(p.name, *(getattr(p, name) for name in PROGRAM_BENEFICIARY_COLUMNS)) for p in profiles],
        columns=BENEFICIARY_COLUMNS,
    )


def _company_profiles(
    session: Session, viewer: Viewer, company_id: int, period: m.Period
) -> list[ProgramProfile]:
    """The company's programs that ran in ``period`` and the viewer may read; refused (and logged)
    for a company user of another company and an agency with none of the company's programs."""
    readable = [col(m.Program.company_id) == company_id, *viewer.program_conditions()]
    if viewer.role is m.Role.COMPANY and viewer.company_id != company_id:
        refuse(viewer=viewer, entity="company", entity_id=company_id, detail="report")
    if viewer.role is m.Role.AGENCY and not session.exec(select(func.count()).where(*readable)).one():
        # Nothing of this company works in the agency's regency.
        refuse(viewer=viewer, entity="company", entity_id=company_id, detail="report")
    program_ids = session.exec(
        select(m.Program.id)
        .where(*readable, program_runs_between(period.start_date, period.end_date))
        .order_by(m.Program.name)
    ).all()
    return [
        p
        for i in program_ids
        if i is not None
        and (p := read_program_profile(session=session, viewer=viewer, program_id=i)) is not None
    ]


def _indicator_rows(program: str, results: pd.DataFrame, period: str) -> list[dict[str, Any]]:
    """One row per indicator of ``results``: its figures in ``period``, empty without a result there."""
    rows = []
    for indicator_id, group in results.groupby("indicator_id", sort=False):
        first = group.iloc[0]
        in_period = group[group["period"] == period]
        row = in_period.iloc[0] if not in_period.empty else None
        rows.append(
            {
                "program": program,
                "indicator_id": int(indicator_id),
                "indicator": first["indicator"],
                "unit": first["unit"],
                "baseline": nan_to_none(first["baseline"]),
                "baseline_year": _int(first["baseline_year"]),
                "direction": first["direction"],
                "target": nan_to_none(row["target"]) if row is not None else None,
                "actual": nan_to_none(row["actual"]) if row is not None else None,
                "achievement": nan_to_none(row["achievement"]) if row is not None else None,
                "status": str(row["status"]) if row is not None else "no_data",
                "gap": bool(row["gap"]) if row is not None else False,
                "state": str(row["state"]) if row is not None else None,
            }
        )
    return rows


def _actions_of_period(actions: pd.DataFrame, period: m.Period) -> pd.DataFrame:
    """Actions agreed at this semester's evaluation, due within it, or still open from an earlier one."""
    due_in_period = actions["due_date"].map(
        lambda d: d is not None and not pd.isna(d) and period.start_date <= d <= period.end_date
    )
    agreed_by_then = actions["period"].isna() | (actions["period"].fillna("") <= period.code)
    still_open = actions["status"].isin(OPEN_ACTION) & agreed_by_then
    return _rows(actions, (actions["period"] == period.code) | still_open | due_in_period)


def _evaluations(
    session: Session, period: m.Period, profiles: Sequence[ProgramProfile]
) -> tuple[tuple[str, date], ...]:
    """The evaluation sessions of ``period`` that looked at any of the programs, in date order."""
    evaluations = session.exec(
        select(col(m.Evaluation.title), col(m.Evaluation.held_on))
        .join(m.EvaluationProgram, col(m.EvaluationProgram.evaluation_id) == col(m.Evaluation.id))
        .where(
            m.Evaluation.period_id == period.id,
            col(m.EvaluationProgram.program_id).in_([p.id for p in profiles]),
        )
        .distinct()
        .order_by(col(m.Evaluation.held_on))
    ).all()
    return tuple((str(title), held_on) for title, held_on in evaluations)


def _rows(frame: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """The rows where ``mask`` holds; an empty frame stays a frame with its columns."""
    return frame.loc[mask.astype(bool).to_numpy()]


def _concat(frames: Sequence[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    non_empty = [f[columns] for f in frames if not f.empty]
    if not non_empty:
        return pd.DataFrame(columns=columns)
    return pd.concat(non_empty, ignore_index=True)[columns]


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def file_name(subject: str, period: str, extension: str) -> str:
    """e.g. ``laporan-evaluasi-2023-S1-pt-indexim-coalindo.pdf`` for a company or program name."""
    slug = "".join(c if c.isalnum() else "-" for c in subject.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"laporan-evaluasi-{period}-{slug[:60].strip('-')}.{extension}"

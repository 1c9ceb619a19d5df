"""Import of programs, results and engagement data from the sheets of an upload."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

import models as m
from sinergi.core import db
from sinergi.core.access import Viewer, refuse
from sinergi.transfer.parsing import RowError, SheetRows, convert
from sinergi.transfer.sheets import SHEETS
from sinergi.writes import plans
from sinergi.writes.batch import Batch
from sinergi.writes.fields import FieldErrors
from sinergi.writes.results import plan_result

# ---------------------------------------------------------------------------------------------
# Problems, reported by sheet, row and column


@dataclass(frozen=True)
class Problem:
    """One error: the row number as the spreadsheet shows it (the header is row 1)."""

    sheet: str
    row: int
    column: str
    key: str
    values: tuple[tuple[str, object], ...] = ()


@dataclass
class Report:
    """What an import did (or, in a preview, would do)."""

    problems: list[Problem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    committed: bool = False
    # What a preview found to write, for the import it confirms to write without checking again.
    plan: _Import | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, outcome: str, sheet: str) -> None:
        target = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}[outcome]
        target[sheet] = target.get(sheet, 0) + 1


# ---------------------------------------------------------------------------------------------
# Checking: one function per sheet, run row by row, turning the names a row holds into records and
# planning its change through the writes layer's :class:`Batch`, which reads only


class _Import:
    def __init__(self, session: Session, viewer: Viewer, report: Report) -> None:
        self.session, self.viewer, self.report = session, viewer, report
        self.batch = Batch(session, viewer, report.count)
        self.one = self.batch.one  # a record by natural key, as the plans find it
        self.periods = self.batch.periods  # the semesters by code, those the file creates among them
        # The columns the current sheet has: an optional column it lacks keeps what is stored.
        self.present: frozenset[str] = frozenset()
        self.organisers: dict[int, m.Company | None] = {}  # of the meetings this file creates

    def usable_by(self, viewer: Viewer) -> bool:
        """Whether this check's plan may be written for ``viewer``: it was checked for them, and no write
        has used it yet."""
        return self.batch.usable_by(viewer)

    # Names to records ------------------------------------------------------------------------
    def company(self, name: str | None, column: str = "company") -> m.Company:
        if not name:
            if self.viewer.company_id is not None:
                found = self.one(m.Company, id=self.viewer.company_id)
                assert found is not None
                return found
            raise RowError(column, "transfer.err.required")
        company = self.one(m.Company, name=name) or self.one(m.Company, short_name=name)
        if company is None:
            raise RowError(column, "transfer.err.unknown", value=name)
        if company.id is None or not self.viewer.may_write_company(company.id):
            if company.id is None and self.viewer.is_admin:
                return company
            raise RowError(column, "transfer.err.other_company", value=name)
        return company

    def program(self, company: m.Company, name: str, column: str = "program") -> m.Program:
        program: m.Program | None = self.one(m.Program, company_id=company, name=name)
        if program is None:
            raise RowError(column, "transfer.err.unknown", value=name)
        return program

    def indicator(self, program: m.Program, name: str) -> m.Indicator:
        indicator: m.Indicator | None = self.one(m.Indicator, program_id=program, name=name)
        if indicator is None:
            raise RowError("indicator", "transfer.err.unknown", value=name)
        return indicator

    def regency(self, name: str | None, column: str = "regency") -> m.Regency | None:
        if not name:
            return None
        regency: m.Regency | None = self.one(m.Regency, name=name)
        if regency is None:
            raise RowError(column, "transfer.err.unknown", value=name)
        return regency

    def organisation(self, name: str | None, column: str) -> m.Organisation | None:
        if not name:
            return None
        found: m.Organisation | None = self.one(m.Organisation, name=name)
        if found is None:
            raise RowError(column, "transfer.err.unknown", value=name)
        return found

    def village(self, text: str) -> m.Village:
        """A village by name, or ``Name (District)`` where the name alone is ambiguous."""
        match = re.fullmatch(r"(.+?)\s*\((.+)\)", text)
        name, district = (match.group(1), match.group(2)) if match else (text, None)
        statement = (
            select(m.Village)
            .join(m.District, col(m.District.id) == col(m.Village.district_id))
            .where(col(m.Village.name) == name)
        )
        if district:
            statement = statement.where(col(m.District.name) == district)
        found = list(self.session.exec(statement))
        found += [  # villages earlier rows create
            village
            for village, parent in self.batch.new_villages
            if village.name == name and district in (None, parent.name)
        ]
        if len(found) != 1:
            key = "transfer.err.ambiguous" if found else "transfer.err.unknown"
            raise RowError("villages", key, value=text)
        return found[0]

    def period(self, code: str) -> m.Period:
        """A semester by code; created on first use, as its dates follow from the code."""
        match = re.fullmatch(r"(\d{4})-S([12])", code.upper())
        if not match:
            raise RowError("period", "transfer.err.period", value=code)
        known = self.periods.get(match.group(0))
        if known is not None:
            return known
        return plans.plan_period(self.batch, match.group(0), int(match.group(1)), int(match.group(2)))

    def meeting(self, row: dict[str, Any]) -> m.Meeting:
        company = self.meeting_company(row)
        meeting: m.Meeting | None = self.one(
            m.Meeting, title=row["meeting"], held_on=row["held_on"], organiser_company_id=company
        )
        if meeting is None:
            raise RowError("meeting", "transfer.err.unknown", value=row["meeting"])
        return meeting

    def evaluation(self, company: m.Company, title: str, held_on: date | None) -> m.Evaluation:
        """One of ``company``'s evaluations by title and date, as an action names it."""
        if held_on is None:
            raise RowError("evaluated_on", "transfer.err.required")
        evaluation: m.Evaluation | None = self.one(
            m.Evaluation, company_id=company, title=title, held_on=held_on
        )
        if evaluation is None:
            raise RowError("evaluation", "transfer.err.unknown", value=title)
        return evaluation

    def meeting_company(self, row: dict[str, Any]) -> m.Company | None:
        """The organising company; a meeting without one is an admin's to write."""
        if not row.get("company") and self.viewer.is_admin:
            return None
        return self.company(row.get("company"))

    def _feedback_program(self, meeting: m.Meeting, name: str | None) -> m.Program | None:
        if not name:
            return None
        if id(meeting) in self.organisers:
            company = self.organisers[id(meeting)]
        elif meeting.organiser_company_id is not None:
            company = self.one(m.Company, id=meeting.organiser_company_id)
        else:
            company = None
        if company is not None:
            return self.program(company, name, "feedback_program")
        found: m.Program | None = self.one(m.Program, name=name) or next(
            (
                record
                for record in self.batch.found.values()
                if isinstance(record, m.Program) and id(record) in self.batch.created and record.name == name
            ),
            None,
        )
        if found is None:
            raise RowError("feedback_program", "transfer.err.unknown", value=name)
        return found

    # One function per sheet --------------------------------------------------------------
    def villages(self, row: dict[str, Any]) -> None:
        plans.plan_village(self.batch, row)

    def companies(self, row: dict[str, Any]) -> None:
        self.batch.admin_only()
        regencies = [self.regency(name, "regencies") for name in row["regencies"]]
        plans.plan_company(self.batch, row, [regency for regency in regencies if regency is not None])

    def organisations(self, row: dict[str, Any]) -> None:
        self.batch.admin_only()
        plans.plan_organisation(self.batch, row, self.regency(row["regency"]))

    def programs(self, row: dict[str, Any]) -> None:
        company = self.company(row["company"])
        plans.check_program(row)  # the typed values first, as the sheet's columns come
        villages = [(text, self.village(text)) for text in row["villages"]]
        partners: list[tuple[m.Organisation, str]] = []
        for column, role in (
            ("beneficiary_groups", m.PartnerRole.BENEFICIARY_GROUP),
            ("implementing_partners", m.PartnerRole.IMPLEMENTING_PARTNER),
        ):
            for name in row[column]:
                organisation = self.organisation(name, column)
                assert organisation is not None
                partners.append((organisation, role))
        program = self.one(m.Program, company_id=company, name=row["program"])
        values = plans.program_values(self.batch, company, program, row)
        links = plans.program_links(self.batch, company, program, row["sdgs"], villages, partners)
        plans.plan_program(self.batch, company, program, values, links=links)

    def budgets(self, row: dict[str, Any]) -> None:
        company = self.company(row["company"])
        program = self.program(company, row["program"])
        values = plans.budget_values(self.batch, company, row)
        budget = self.one(m.ProgramBudget, program_id=program, year=values["year"])
        plans.plan_budget(self.batch, program, budget, values)

    def indicators(self, row: dict[str, Any]) -> None:
        company = self.company(row["company"])
        program = self.program(company, row["program"])
        values = plans.indicator_values(self.batch, company, row)
        plans.plan_indicator(
            self.batch, program, self.one(m.Indicator, program_id=program, name=values["name"]), values
        )

    def results(self, row: dict[str, Any]) -> None:
        program = self.program(self.company(row["company"]), row["program"])
        indicator = self.indicator(program, row["indicator"])
        period = self.period(row["period"])
        typed = {
            "target": row["target"],
            "actual": row["actual"],
            "narrative": row["narrative"] or "",
            "evidence": row["evidence"] or "",
        }
        if "evidence" not in self.present:
            del typed["evidence"]  # a sheet without the column keeps the evidence each result has
        plan_result(
            self.batch,
            company_id=program.company_id,
            indicator=indicator,
            period=period,
            typed=typed,
            state=row["result_state"],
            from_file=True,
        )

    def actions(self, row: dict[str, Any]) -> None:
        company = self.company(row["company"])
        program = self.program(company, row["program"])
        indicator = self.indicator(program, row["indicator"]) if row["indicator"] else None
        evaluation = (
            self.evaluation(company, row["evaluation"], row["evaluated_on"]) if row["evaluation"] else None
        )
        values = plans.action_values(self.batch, company, indicator, evaluation, row)
        action = self.one(m.FollowUpAction, program_id=program, description=values["description"])
        plans.plan_action(self.batch, program, action, values)

    def meetings(self, row: dict[str, Any]) -> None:
        company = self.meeting_company(row)
        plans.check_meeting(row)
        organiser = self.organisation(row["organiser_organisation"], "organiser_organisation")
        regency = self.regency(row["regency"])
        values = plans.meeting_values(self.batch, company, organiser, regency, row)
        existed = self.one(
            m.Meeting, title=values["title"], held_on=values["held_on"], organiser_company_id=company
        )
        meeting = plans.plan_meeting(self.batch, company, existed, values)
        if existed is None:
            self.organisers[id(meeting)] = company

    def attendance(self, row: dict[str, Any]) -> None:
        meeting = self.meeting(row)
        organisation = self.organisation(row["organisation"], "organisation")
        assert organisation is not None
        plans.plan_attendance(self.batch, self.meeting_company(row), meeting, organisation, row)

    def feedback(self, row: dict[str, Any]) -> None:
        meeting = self.meeting(row)
        organisation = self.organisation(row["organisation"], "organisation")
        program = self._feedback_program(meeting, row["feedback_program"])
        item, values = plans.feedback_values(
            self.batch, self.meeting_company(row), meeting, organisation, program, row
        )
        plans.plan_feedback(self.batch, meeting, item, values)

    def evaluations(self, row: dict[str, Any]) -> None:
        company = self.company(row["company"])
        period = self.period(row["period"])
        meeting = None
        if row["meeting"]:
            if row["held_on"] is None:
                raise RowError("held_on", "transfer.err.required")
            meeting = self.meeting(row)  # one of the evaluation's company's own meetings
        elif row["held_on"] is not None:
            raise RowError("meeting", "transfer.err.required")
        programs = [self.program(company, n, "evaluated_programs") for n in row["evaluated_programs"]]
        values = plans.evaluation_values(self.batch, company, period, meeting, row)
        evaluation = self.one(
            m.Evaluation, company_id=company, title=values["title"], held_on=values["held_on"]
        )
        plans.plan_evaluation(self.batch, company, evaluation, values, programs=programs)

    # Running -------------------------------------------------------------------------------
    def row(self, handler: Callable[[dict[str, Any]], None], number: int, row: dict[str, Any]) -> None:
        """Check one row; a row that fails leaves nothing behind for the rows after it."""
        mark = self.batch.begin(number)
        try:
            handler(row)
        except BaseException:
            self.batch.undo(mark)
            raise


def _run(session: Session, viewer: Viewer, sheets: Sequence[SheetRows]) -> tuple[Report, _Import]:
    """Check every row, reading only; what to write is left in the returned ``_Import``."""
    if not viewer.may_import():
        refuse(viewer=viewer, entity="import", entity_id=None, detail="import")
    report = Report()
    work = _Import(session, viewer, report)
    order = [spec.key for spec in SHEETS]
    for sheet in sorted(sheets, key=lambda s: order.index(s.spec.key)):
        spec = sheet.spec
        for missing in sheet.missing:
            report.problems.append(Problem(spec.key, 1, missing, "transfer.err.missing_column"))
        if sheet.missing:
            continue
        handler: Callable[[dict[str, Any]], None] = getattr(work, spec.key)
        for number, cells in sheet.rows:
            row: dict[str, Any] = {}
            for column in spec.columns:  # every bad cell of the row, not just the first
                try:
                    row[column.key] = convert(column, cells.get(column.key), convention=sheet.convention)
                except RowError as error:
                    report.problems.append(Problem(spec.key, number, error.column, error.key, error.values))
            if len(row) < len(spec.columns):
                continue
            work.present = frozenset(cells)
            try:
                work.row(handler, number, row)
            except RowError as error:
                report.problems.append(Problem(spec.key, number, error.column, error.key, error.values))
            except FieldErrors as invalid:  # the checks the forms make, one problem per field
                for field, (key, values) in invalid.errors.items():
                    report.problems.append(Problem(spec.key, number, field, key, tuple(values.items())))
    return report, work


def import_sheets(
    *,
    engine: Engine,
    viewer: Viewer,
    sheets: Sequence[SheetRows],
    commit: bool,
    file_name: str = "",
    preview: Report | None = None,
) -> Report:
    """Run an import: check every row reading only, then, when ``commit`` and no row has a problem,
    write it all in one short transaction.

    The check (and so the preview) takes no write lock: it reads what it needs and remembers what
    earlier rows of the file would create. ``preview``, the report of this viewer's preview of the same
    sheets, lends the import what that check found, so confirming a preview does not check again. The
    write then compares every record the check read and the write changes with the database: a record
    someone else changed or created since the check stops the whole import with a problem on its row
    rather than being overwritten. Comparing is simpler than checking every row again inside the write,
    and keeps the write lock short: everything is prepared before it is taken, and the rows go in as a
    few bulk statements per table.
    """
    plan = preview.plan if preview is not None and commit else None
    if preview is not None and plan is not None and plan.usable_by(viewer):
        report = Report(
            created=dict(preview.created), updated=dict(preview.updated), unchanged=dict(preview.unchanged)
        )
        work = plan
    else:
        with db.read_session(engine) as session:
            session.autoflush = False  # nothing the check sets on a record read may reach the database
            report, work = _run(session, viewer, sheets)
            session.expunge_all()
        if not commit:
            report.plan = None if report.problems else work
    if not commit or report.problems:
        return report
    failures = work.batch.commit(
        engine, file_name=file_name, summary={"created": report.created, "updated": report.updated}
    )
    if failures:
        report.problems = [Problem(f.part, f.number, "", f.key) for f in failures]
        return report
    report.committed = True
    return report

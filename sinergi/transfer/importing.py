"""Import of programs, results and engagement data from the sheets of an upload."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

import models as m
from models.programs import BENEFICIARY_COLUMNS
from sinergi.core import audit, db
from sinergi.core.access import Viewer, refuse
from sinergi.transfer.parsing import RowError, SheetRows, convert
from sinergi.transfer.sheets import SHEETS
from sinergi.writes import entry
from sinergi.writes.fields import FieldErrors, checked
from sinergi.writes.results import record_result

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

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, outcome: str, sheet: str) -> None:
        target = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}[outcome]
        target[sheet] = target.get(sheet, 0) + 1


# ---------------------------------------------------------------------------------------------
# Writing: one function per sheet, run row by row inside one transaction


class _Import:
    def __init__(self, session: Session, viewer: Viewer, report: Report) -> None:
        self.session, self.viewer, self.report = session, viewer, report
        # Records found by natural key, so a file of many results asks once per program and
        # indicator. Forgotten when a row fails: its savepoint may have taken a new record back.
        self.found: dict[tuple[Any, ...], Any] = {}

    def _cached(self, key: tuple[Any, ...], statement: Any) -> Any:
        if key not in self.found:
            record = self.session.exec(statement).first()
            if record is None:
                return None
            self.found[key] = record
        return self.found[key]

    # Lookups by natural key --------------------------------------------------------------
    def company(self, name: str | None, column: str = "company") -> m.Company:
        if not name:
            if self.viewer.company_id is not None:
                found = self.session.get(m.Company, self.viewer.company_id)
                assert found is not None
                return found
            raise RowError(column, "transfer.err.required")
        company = self._cached(("company", name), select(m.Company).where(col(m.Company.name) == name))
        if company is None:
            company = self.session.exec(select(m.Company).where(col(m.Company.short_name) == name)).first()
        if company is None:
            raise RowError(column, "transfer.err.unknown", value=name)
        assert company.id is not None
        if not self.viewer.may_write_company(company.id):
            raise RowError(column, "transfer.err.other_company", value=name)
        return company

    def program(self, company: m.Company, name: str, column: str = "program") -> m.Program:
        program: m.Program | None = self._cached(
            ("program", company.id, name),
            select(m.Program).where(m.Program.company_id == company.id, m.Program.name == name),
        )
        if program is None:
            raise RowError(column, "transfer.err.unknown", value=name)
        return program

    def indicator(self, program: m.Program, name: str) -> m.Indicator:
        indicator: m.Indicator | None = self._cached(
            ("indicator", program.id, name),
            select(m.Indicator).where(m.Indicator.program_id == program.id, m.Indicator.name == name),
        )
        if indicator is None:
            raise RowError("indicator", "transfer.err.unknown", value=name)
        return indicator

    def regency(self, name: str | None, column: str = "regency") -> m.Regency | None:
        if not name:
            return None
        regency = self.session.exec(select(m.Regency).where(col(m.Regency.name) == name)).first()
        if regency is None:
            raise RowError(column, "transfer.err.unknown", value=name)
        return regency

    def organisation(self, name: str | None, column: str) -> m.Organisation | None:
        if not name:
            return None
        found: m.Organisation | None = self._cached(
            ("organisation", name), select(m.Organisation).where(col(m.Organisation.name) == name)
        )
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
        if len(found) != 1:
            key = "transfer.err.ambiguous" if found else "transfer.err.unknown"
            raise RowError("villages", key, value=text)
        return found[0]

    def period(self, code: str) -> m.Period:
        """A semester by code; created on first use, as its dates follow from the code."""
        match = re.fullmatch(r"(\d{4})-S([12])", code.upper())
        if not match:
            raise RowError("period", "transfer.err.period", value=code)
        period = self.session.exec(select(m.Period).where(col(m.Period.code) == code.upper())).first()
        if period is None:
            year, semester = int(match.group(1)), int(match.group(2))
            start, end = (
                (date(year, 1, 1), date(year, 6, 30))
                if semester == 1
                else (date(year, 7, 1), date(year, 12, 31))
            )
            period = m.Period(code=code.upper(), year=year, semester=semester, start_date=start, end_date=end)
            self.session.add(period)
            self.session.flush()
        return period

    def meeting(self, row: dict[str, Any]) -> m.Meeting:
        company_id = self.meeting_company(row)
        meeting: m.Meeting | None = self._cached(
            ("meeting", company_id, row["meeting"], row["held_on"]),
            select(m.Meeting).where(
                col(m.Meeting.title) == row["meeting"],
                col(m.Meeting.held_on) == row["held_on"],
                col(m.Meeting.organiser_company_id) == company_id
                if company_id is not None
                else col(m.Meeting.organiser_company_id).is_(None),
            ),
        )
        if meeting is None:
            raise RowError("meeting", "transfer.err.unknown", value=row["meeting"])
        return meeting

    def evaluation(self, company: m.Company, title: str, held_on: date | None) -> m.Evaluation:
        """One of ``company``'s evaluations by title and date, as an action names it."""
        if held_on is None:
            raise RowError("evaluated_on", "transfer.err.required")
        evaluation: m.Evaluation | None = self._cached(
            ("evaluation", company.id, title, held_on),
            select(m.Evaluation).where(
                m.Evaluation.company_id == company.id,
                m.Evaluation.title == title,
                m.Evaluation.held_on == held_on,
            ),
        )
        if evaluation is None:
            raise RowError("evaluation", "transfer.err.unknown", value=title)
        return evaluation

    def meeting_company(self, row: dict[str, Any]) -> int | None:
        """The organising company; a meeting without one is an admin's to write."""
        if not row.get("company") and self.viewer.is_admin:
            return None
        company = self.company(row.get("company"))
        return company.id

    def admin_only(self) -> None:
        if not self.viewer.is_admin:
            raise RowError("", "transfer.err.admin_only")

    # Writing helpers ---------------------------------------------------------------------
    def save(
        self, sheet: str, entity: Any, existed: bool, values: dict[str, Any], *, links_changed: bool = False
    ) -> None:
        """Apply ``values`` to ``entity`` and count it as created, updated or unchanged."""
        changed = {k: v for k, v in values.items() if getattr(entity, k) != v}
        for key, value in changed.items():
            setattr(entity, key, value)
        if not existed:
            outcome = "created"
        elif changed or links_changed:
            outcome = "updated"
            if hasattr(entity, "version"):
                entity.version += 1
            if hasattr(entity, "updated_at"):
                entity.updated_at = m.utcnow()
        else:
            outcome = "unchanged"
        self.session.add(entity)
        self.session.flush()
        self.report.count(outcome, sheet)

    # One function per sheet --------------------------------------------------------------
    def villages(self, row: dict[str, Any]) -> None:
        self.admin_only()
        regency = self.session.exec(select(m.Regency).where(col(m.Regency.name) == row["regency"])).first()
        if regency is None:
            regency = m.Regency(
                name=row["regency"],
                kind=row["regency_kind"] or m.RegencyKind.KABUPATEN,
                province=row["province"] or "Kalimantan Timur",
            )
            self.session.add(regency)
            self.session.flush()
        district = self.session.exec(
            select(m.District).where(m.District.regency_id == regency.id, m.District.name == row["district"])
        ).first()
        if district is None:
            assert regency.id is not None
            district = m.District(regency_id=regency.id, name=row["district"])
            self.session.add(district)
            self.session.flush()
        village = self.session.exec(
            select(m.Village).where(m.Village.district_id == district.id, m.Village.name == row["village"])
        ).first()
        existed = village is not None
        if village is None:
            assert district.id is not None
            village = m.Village(district_id=district.id, name=row["village"])
        self.save("villages", village, existed, {"kind": row["village_kind"] or m.VillageKind.DESA})

    def companies(self, row: dict[str, Any]) -> None:
        self.admin_only()
        company = self.session.exec(select(m.Company).where(col(m.Company.name) == row["company"])).first()
        existed = company is not None
        if company is None:
            company = m.Company(name=row["company"], short_name="", sector=row["sector"])
        values = {
            "short_name": row["short_name"] or row["company"].removeprefix("PT ")[:60],
            "sector": row["sector"],
        }
        self.save("companies", company, existed, values)
        for name in row["regencies"]:
            regency = self.regency(name, "regencies")
            assert regency is not None and regency.id is not None and company.id is not None
            if self.session.get(m.CompanyRegency, (company.id, regency.id)) is None:
                self.session.add(m.CompanyRegency(company_id=company.id, regency_id=regency.id))
                self.session.flush()

    def organisations(self, row: dict[str, Any]) -> None:
        self.admin_only()
        found = self.session.exec(
            select(m.Organisation).where(col(m.Organisation.name) == row["organisation"])
        ).first()
        existed = found is not None
        if found is None:
            found = m.Organisation(name=row["organisation"], org_type=row["org_type"])
        regency = self.regency(row["regency"])
        self.save(
            "organisations",
            found,
            existed,
            {"org_type": row["org_type"], "regency_id": regency.id if regency else None},
        )

    def programs(self, row: dict[str, Any]) -> None:
        company = self.company(row["company"])
        assert company.id is not None
        program = self.session.exec(
            select(m.Program).where(m.Program.company_id == company.id, m.Program.name == row["program"])
        ).first()
        existed = program is not None
        if row["end_date"] is not None and row["end_date"] < row["start_date"]:
            raise RowError("end_date", "transfer.err.end_before_start")
        if any(not 1 <= sdg <= 17 for sdg in row["sdgs"]):
            raise RowError("sdgs", "transfer.err.sdg")
        checked_values = checked(entry.PROGRAM, row, ("description", *BENEFICIARY_COLUMNS))
        villages = [self.village(text) for text in row["villages"]]
        if villages and company.id is not None:
            allowed = entry.village_options(self.session, company.id)
            linked = (
                set()
                if program is None
                else entry.current_links(self.session, entry.PROGRAM, program.id or -1)["villages"]
            )
            for text, village in zip(row["villages"], villages, strict=True):
                if village.id not in allowed and village.id not in linked:
                    raise RowError("villages", "transfer.err.village_outside", value=text)
        partners: dict[int, str] = {}
        for column, role in (
            ("beneficiary_groups", m.PartnerRole.BENEFICIARY_GROUP),
            ("implementing_partners", m.PartnerRole.IMPLEMENTING_PARTNER),
        ):
            for name in row[column]:
                organisation = self.organisation(name, column)
                assert organisation is not None and organisation.id is not None
                partners[organisation.id] = role
        if program is None:
            program = m.Program(
                company_id=company.id, name=row["program"], pillar=row["pillar"], start_date=row["start_date"]
            )
        values: dict[str, Any] = {
            "description": row["description"] or "",
            "pillar": row["pillar"],
            "stage": row["stage"] or (program.stage if existed else m.Stage.PLANNING),
            "poverty_alleviation": bool(row["poverty_alleviation"]),
            "start_date": row["start_date"],
            "end_date": row["end_date"],
            **{name: checked_values[name] for name in BENEFICIARY_COLUMNS},
        }
        if program.id is None:
            self.session.add(program)
            self.session.flush()
        assert program.id is not None
        # The form's command: a village added must lie in a regency the company works in.
        links_changed = entry.set_links(
            session=self.session,
            viewer=self.viewer,
            spec=entry.PROGRAM,
            record_id=program.id,
            picked={"villages": [v.id for v in villages if v.id is not None], "sdgs": row["sdgs"]},
        )
        links_changed |= self._replace_partners(program.id, partners)
        self.save("programs", program, existed, values, links_changed=links_changed)

    def _replace_partners(self, program_id: int, wanted: dict[int, str]) -> bool:
        current = {
            link.organisation_id: link
            for link in self.session.exec(
                select(m.ProgramPartner).where(m.ProgramPartner.program_id == program_id)
            )
        }
        changed = False
        for organisation_id, link in current.items():
            if organisation_id not in wanted:
                self.session.delete(link)
                changed = True
            elif link.role != wanted[organisation_id]:
                link.role = wanted[organisation_id]
                self.session.add(link)
                changed = True
        for organisation_id, role in wanted.items():
            if organisation_id not in current:
                self.session.add(
                    m.ProgramPartner(program_id=program_id, organisation_id=organisation_id, role=role)
                )
                changed = True
        self.session.flush()
        return changed

    def budgets(self, row: dict[str, Any]) -> None:
        program = self.program(self.company(row["company"]), row["program"])
        amounts = checked(entry.BUDGET, row, ("planned", "spent"))
        budget = self.session.exec(
            select(m.ProgramBudget).where(
                m.ProgramBudget.program_id == program.id, m.ProgramBudget.year == row["year"]
            )
        ).first()
        existed = budget is not None
        if budget is None:
            assert program.id is not None
            budget = m.ProgramBudget(program_id=program.id, year=row["year"])
        self.save("budgets", budget, existed, amounts)

    def indicators(self, row: dict[str, Any]) -> None:
        program = self.program(self.company(row["company"]), row["program"])
        indicator = self.session.exec(
            select(m.Indicator).where(
                m.Indicator.program_id == program.id, m.Indicator.name == row["indicator"]
            )
        ).first()
        existed = indicator is not None
        if indicator is None:
            assert program.id is not None
            indicator = m.Indicator(program_id=program.id, name=row["indicator"], unit=row["unit"])
        baseline = checked(entry.INDICATOR, row, ("baseline_value", "baseline_year"))
        values = {
            "unit": row["unit"],
            "kind": row["indicator_kind"] or m.IndicatorKind.OUTPUT,
            "baseline_value": baseline["baseline_value"],
            "baseline_year": baseline["baseline_year"],
            "direction": row["direction"] or m.Direction.HIGHER_IS_BETTER,
            "accumulation": row["accumulation"] or m.Accumulation.PERIODIC,
        }
        self.save("indicators", indicator, existed, values)

    def results(self, row: dict[str, Any]) -> None:
        """Figures through the grid's command (:func:`record_result`): the same checks, and a submitted
        result whose figures change goes back to draft unless the row submits it again."""
        program = self.program(self.company(row["company"]), row["program"])
        indicator = self.indicator(program, row["indicator"])
        period = self.period(row["period"])
        assert indicator.id is not None and period.id is not None
        result = self.session.exec(
            select(m.Result).where(m.Result.indicator_id == indicator.id, m.Result.period_id == period.id)
        ).first()
        typed = {
            "target": row["target"],
            "actual": row["actual"],
            "narrative": row["narrative"] or "",
            "evidence": row["evidence"] or "",
        }
        state = row["result_state"]
        if result is not None and result.state == m.ResultState.VERIFIED:
            changed = [k for k, v in typed.items() if getattr(result, k) != v]
            if changed or (state and state != result.state):
                raise RowError(changed[0] if changed else "result_state", "transfer.err.result_locked")
            self.report.count("unchanged", "results")
            return
        if state == m.ResultState.VERIFIED and not self.viewer.is_admin:
            raise RowError("result_state", "transfer.err.verify_not_allowed")
        before = None if result is None else (*(getattr(result, k) for k in typed), result.state)
        result = record_result(
            session=self.session,
            viewer=self.viewer,
            indicator_id=indicator.id,
            period_id=period.id,
            target=typed["target"],
            actual=typed["actual"],
            narrative=typed["narrative"],
            evidence=typed["evidence"],
        )
        if state and state != result.state:
            result.state = state
            result.submitted_at = m.utcnow() if state != m.ResultState.DRAFT else None
            if state == m.ResultState.VERIFIED:
                result.verified_by_id = self.viewer.user_id
                result.verified_at = m.utcnow()
            self.session.add(result)
            self.session.flush()
        after = (*(getattr(result, k) for k in typed), result.state)
        outcome = "created" if before is None else "updated" if after != before else "unchanged"
        self.report.count(outcome, "results")

    def actions(self, row: dict[str, Any]) -> None:
        company = self.company(row["company"])
        program = self.program(company, row["program"])
        indicator = self.indicator(program, row["indicator"]) if row["indicator"] else None
        evaluation = (
            self.evaluation(company, row["evaluation"], row["evaluated_on"]) if row["evaluation"] else None
        )
        action = self.session.exec(
            select(m.FollowUpAction).where(
                m.FollowUpAction.program_id == program.id, m.FollowUpAction.description == row["description"]
            )
        ).first()
        existed = action is not None
        if action is None:
            assert program.id is not None
            action = m.FollowUpAction(program_id=program.id, description=row["description"])
        values = {
            "indicator_id": indicator.id if indicator else None,
            "evaluation_id": evaluation.id if evaluation else None,
            "owner": row["owner"] or "",
            "due_date": row["due_date"],
            "status": row["action_status"] or m.ActionStatus.OPEN,
            "completed_on": row["completed_on"],
        }
        self.save("actions", action, existed, values)

    def meetings(self, row: dict[str, Any]) -> None:
        company_id = self.meeting_company(row)
        if (row["attendee_count"] or 0) < 0:
            raise RowError("attendee_count", "transfer.err.negative")
        organiser = self.organisation(row["organiser_organisation"], "organiser_organisation")
        regency = self.regency(row["regency"])
        try:
            meeting: m.Meeting | None = self.meeting(row)
        except RowError:
            meeting = None
        existed = meeting is not None
        if meeting is None:
            meeting = m.Meeting(
                kind=row["meeting_kind"],
                title=row["meeting"],
                held_on=row["held_on"],
                organiser_company_id=company_id,
            )
        values = {
            "kind": row["meeting_kind"],
            "venue": row["venue"] or "",
            "organiser_organisation_id": organiser.id if organiser else None,
            "regency_id": regency.id if regency else None,
            "purpose": row["purpose"] or "",
            "attendee_count": row["attendee_count"] or 0,
        }
        self.save("meetings", meeting, existed, values)

    def attendance(self, row: dict[str, Any]) -> None:
        meeting = self.meeting(row)
        organisation = self.organisation(row["organisation"], "organisation")
        assert organisation is not None and organisation.id is not None and meeting.id is not None
        if (row["head_count"] or 0) < 0:
            raise RowError("head_count", "transfer.err.negative")
        found = self.session.get(m.MeetingAttendance, (meeting.id, organisation.id))
        existed = found is not None
        if found is None:
            found = m.MeetingAttendance(meeting_id=meeting.id, organisation_id=organisation.id)
        head_count = row["head_count"] if row["head_count"] is not None else 1
        self.save("attendance", found, existed, {"head_count": head_count})

    def feedback(self, row: dict[str, Any]) -> None:
        meeting = self.meeting(row)
        organisation = self.organisation(row["organisation"], "organisation")
        program_id = None
        if row["feedback_program"]:
            if meeting.organiser_company_id is None:
                found = self.session.exec(
                    select(m.Program).where(col(m.Program.name) == row["feedback_program"])
                ).first()
                if found is None:
                    raise RowError("feedback_program", "transfer.err.unknown", value=row["feedback_program"])
                program_id = found.id
            else:
                company = self.session.get(m.Company, meeting.organiser_company_id)
                assert company is not None
                program_id = self.program(company, row["feedback_program"], "feedback_program").id
        status = row["feedback_status"] or m.FeedbackStatus.OPEN
        if status == m.FeedbackStatus.DECLINED and not row["decline_reason"]:
            raise RowError("decline_reason", "transfer.err.decline_reason")
        speaker = row["speaker"] or ""
        item = self.session.exec(
            select(m.FeedbackItem).where(
                m.FeedbackItem.meeting_id == meeting.id,
                m.FeedbackItem.speaker == speaker,
                m.FeedbackItem.text == row["text"],
            )
        ).first()
        existed = item is not None
        if item is None:
            assert meeting.id is not None
            item = m.FeedbackItem(
                meeting_id=meeting.id, kind=row["feedback_kind"], text=row["text"], speaker=speaker
            )
        values = {
            "organisation_id": organisation.id if organisation else None,
            "source_type": row["source_type"] or (organisation.org_type if organisation else None),
            "program_id": program_id,
            "kind": row["feedback_kind"],
            "response": row["response"] or "",
            "status": status,
            "decline_reason": row["decline_reason"] or "",
            "moderation": row["moderation"] or (item.moderation if existed else m.Moderation.PENDING),
        }
        self.save("feedback", item, existed, values)

    def evaluations(self, row: dict[str, Any]) -> None:
        company = self.company(row["company"])
        assert company.id is not None
        period = self.period(row["period"])
        meeting = None
        if row["meeting"]:
            if row["held_on"] is None:
                raise RowError("held_on", "transfer.err.required")
            meeting = self.meeting(row)  # one of the evaluation's company's own meetings
        elif row["held_on"] is not None:
            raise RowError("meeting", "transfer.err.required")
        program_ids: set[int] = set()
        for name in row["evaluated_programs"]:
            program_id = self.program(company, name, "evaluated_programs").id
            assert program_id is not None
            program_ids.add(program_id)
        evaluation = self.session.exec(
            select(m.Evaluation).where(
                m.Evaluation.company_id == company.id,
                m.Evaluation.title == row["evaluation"],
                m.Evaluation.held_on == row["evaluated_on"],
            )
        ).first()
        existed = evaluation is not None
        if evaluation is None:
            assert period.id is not None
            evaluation = m.Evaluation(
                company_id=company.id,
                period_id=period.id,
                title=row["evaluation"],
                held_on=row["evaluated_on"],
            )
            self.session.add(evaluation)
            self.session.flush()
        assert evaluation.id is not None
        links_changed = db.replace_links(
            self.session,
            m.EvaluationProgram,
            owner="evaluation_id",
            owner_id=evaluation.id,
            column="program_id",
            wanted=program_ids,
        )
        values = {
            "period_id": period.id,
            "meeting_id": meeting.id if meeting else None,
            "notes": row["notes"] or "",
        }
        self.save("evaluations", evaluation, existed, values, links_changed=links_changed)


def _run(session: Session, viewer: Viewer, sheets: Sequence[SheetRows]) -> Report:
    """Check and write every row; the caller commits only when the report holds no problem."""
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
        decimal_comma = sheet.decimal_comma
        handler: Callable[[dict[str, Any]], None] = getattr(work, spec.key)
        for number, cells in sheet.rows:
            row: dict[str, Any] = {}
            for column in spec.columns:  # every bad cell of the row, not just the first
                try:
                    row[column.key] = convert(column, cells.get(column.key), decimal_comma=decimal_comma)
                except RowError as error:
                    report.problems.append(Problem(spec.key, number, error.column, error.key, error.values))
            if len(row) < len(spec.columns):
                continue
            try:
                with session.begin_nested():
                    handler(row)
            except RowError as error:
                work.found.clear()
                report.problems.append(Problem(spec.key, number, error.column, error.key, error.values))
            except FieldErrors as invalid:  # the checks the forms make, one problem per field
                work.found.clear()
                for field, (key, values) in invalid.errors.items():
                    report.problems.append(Problem(spec.key, number, field, key, tuple(values.items())))
            except SQLAlchemyError:  # a constraint or a length the checks above do not know
                work.found.clear()
                report.problems.append(Problem(spec.key, number, "", "transfer.err.database"))
    return report


class _Rollback(Exception):
    pass


def import_sheets(
    *, engine: Engine, viewer: Viewer, sheets: Sequence[SheetRows], commit: bool, file_name: str = ""
) -> Report:
    """Run an import: in one transaction, committed only when ``commit`` and no row has a problem."""
    report = Report()
    try:
        with db.write_session(engine) as session:
            report = _run(session, viewer, sheets)
            if not commit or report.problems:
                raise _Rollback
            audit.record(
                session=session,
                actor=viewer,
                action="import",
                entity="file",
                detail=file_name[:200],
                after={"created": report.created, "updated": report.updated},
            )
    except _Rollback:
        return report
    report.committed = True
    return report

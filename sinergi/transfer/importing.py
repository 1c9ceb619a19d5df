"""Import of programs, results and engagement data from the sheets of an upload."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Engine, bindparam, insert, inspect, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, SQLModel, col, select

import models as m
from models.programs import BENEFICIARY_COLUMNS
from sinergi.core import audit, db
from sinergi.core.access import Viewer, refuse
from sinergi.transfer.parsing import RowError, SheetRows, convert
from sinergi.transfer.sheets import SHEETS
from sinergi.writes import entry
from sinergi.writes.feedback import FEEDBACK
from sinergi.writes.fields import FieldErrors, checked
from sinergi.writes.results import apply_result, check_result

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
# Checking: one function per sheet, run row by row on what the database holds and what earlier
# rows of the file would create, without writing


def _id(value: Any) -> Any:
    """A record stands for its id once written; other values stand for themselves."""
    return cast(Any, value).id if isinstance(value, SQLModel) else value


def _snapshot(record: Any) -> dict[str, Any]:
    return {column.name: getattr(record, column.name) for column in record.__table__.columns}


@dataclass
class _Op:
    """What one row writes into one record: ``values`` (records among them stand for their ids)."""

    sheet: str
    number: int
    record: Any
    existed: bool
    values: dict[str, Any]
    then: Callable[[Session, Any], None] | None = None


@dataclass
class _NewResult:
    """A result this file creates, held as plain values: the write inserts it with one statement, and
    building tens of thousands of ORM records would cost more than checking them."""

    indicator_id: int
    period_id: int
    target: float | None = None
    actual: float | None = None
    narrative: str = ""
    evidence: str = ""
    plausibility_note: str = ""
    state: str = m.ResultState.DRAFT
    submitted_at: datetime | None = None
    verified_by_id: int | None = None
    verified_at: datetime | None = None
    updated_at: datetime = field(default_factory=m.utcnow)
    version: int = 1
    id: int | None = None


# The insert takes every column from it, so it must hold what the table holds.
assert {f.name for f in fields(_NewResult)} == set(m.Result.__table__.columns.keys())  # type: ignore[attr-defined]


@dataclass
class _ResultOp:
    number: int
    record: m.Result  # or a _NewResult, which holds the same attributes
    existed: bool
    seen_version: int
    indicator: m.Indicator
    period: m.Period
    before: dict[str, Any] | None
    after: dict[str, Any]


class _Import:
    def __init__(self, session: Session, viewer: Viewer, report: Report) -> None:
        self.session, self.viewer, self.report = session, viewer, report
        # Records by natural key: read from the database once, or created by an earlier row.
        self.found: dict[tuple[Any, ...], Any] = {}
        self.seen: dict[int, dict[str, Any]] = {}  # a record read, as it was read
        self.created: set[int] = set()  # records this file creates
        self.links: dict[int, dict[str, list[Any]]] = {}  # a program's links as an earlier row set them
        self.ops: list[_Op] = []
        self.result_ops: list[_ResultOp] = []
        self.results_read: set[int] = set()
        self.periods = {p.code: p for p in session.exec(select(m.Period))}
        self.number = 0
        # The columns the current sheet has: an optional column it lacks keeps what is stored.
        self.present: frozenset[str] = frozenset()
        self._row_keys: list[tuple[Any, ...]] = []
        self.organisers: dict[int, m.Company | None] = {}  # of the meetings this file creates
        self.new_villages: list[tuple[m.Village, m.District]] = []
        self.prepared: _PreparedResults | None = None
        self.spent = False  # written, or tried: its records hold ids the database may not

    def usable_by(self, viewer: Viewer) -> bool:
        """Whether this check's plan may be written for ``viewer``: it was checked for them, and no write
        has used it yet."""
        return not self.spent and self.viewer == viewer

    # Lookups by natural key --------------------------------------------------------------
    def one(self, model: Any, **where: Any) -> Any:
        """The record of ``model`` whose columns hold ``where`` (records stand for their ids)."""
        key = (
            model.__name__,
            *sorted((k, ("record", id(v)) if isinstance(v, SQLModel) else v) for k, v in where.items()),
        )
        if key in self.found:
            return self.found[key]
        if any(isinstance(v, SQLModel) and _id(v) is None for v in where.values()):
            return None  # a record this file creates has nothing in the database yet
        conditions = [getattr(model, k) == _id(v) for k, v in where.items()]
        record = self.session.exec(select(model).where(*conditions)).first()
        if record is not None:
            self.found[key] = record
            self.seen.setdefault(id(record), _snapshot(record))
        return record

    def new(self, record: Any, **where: Any) -> Any:
        """Remember ``record``, created by this row, under its natural key."""
        key = (
            type(record).__name__,
            *sorted((k, ("record", id(v)) if isinstance(v, SQLModel) else v) for k, v in where.items()),
        )
        self.found[key] = record
        self.created.add(id(record))
        self._row_keys.append(key)
        return record

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
            for village, parent in self.new_villages
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
        period = self.periods.get(code.upper())
        if period is None:
            year, semester = int(match.group(1)), int(match.group(2))
            start, end = (
                (date(year, 1, 1), date(year, 6, 30))
                if semester == 1
                else (date(year, 7, 1), date(year, 12, 31))
            )
            period = m.Period(code=code.upper(), year=year, semester=semester, start_date=start, end_date=end)
            self.periods[period.code] = period
            self.new(period, code=period.code)
            self.ops.append(_Op("", self.number, period, False, {}))
        return period

    def result(self, indicator: m.Indicator, period: m.Period) -> m.Result | None:
        """The result of an indicator for a period: an indicator's results are read all at once."""
        if indicator.id is not None and id(indicator) not in self.results_read:
            self.results_read.add(id(indicator))
            by_id = {p.id: p for p in self.periods.values() if p.id is not None}
            for found in self.session.exec(select(m.Result).where(m.Result.indicator_id == indicator.id)):
                if found.period_id not in by_id:  # a period someone added after this check began
                    continue
                self.found[
                    ("Result", ("indicator", id(indicator)), ("period", id(by_id[found.period_id])))
                ] = found
        result: m.Result | None = self.found.get(
            ("Result", ("indicator", id(indicator)), ("period", id(period)))
        )
        return result

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

    def admin_only(self) -> None:
        if not self.viewer.is_admin:
            raise RowError("", "transfer.err.admin_only")

    # Recording what to write -------------------------------------------------------------
    def save(
        self,
        sheet: str,
        entity: Any,
        existed: bool,
        values: dict[str, Any],
        *,
        links_changed: bool = False,
        then: Callable[[Session, Any], None] | None = None,
    ) -> None:
        """Apply ``values`` to ``entity`` (here, in memory), count it as created, updated or unchanged,
        and remember what the write is to do."""
        changed = {
            k: v
            for k, v in values.items()
            if getattr(entity, k) != _id(v) or (_id(v) is None and v is not None)
        }
        for key, value in changed.items():
            setattr(entity, key, _id(value))
        if not existed:
            outcome = "created"
            changed = dict(values)
        elif changed or links_changed:
            outcome = "updated"
            if hasattr(entity, "version"):
                entity.version += 1
                changed["version"] = entity.version
            if hasattr(entity, "updated_at"):
                entity.updated_at = changed["updated_at"] = m.utcnow()
        else:
            outcome = "unchanged"
        self.ops.append(_Op(sheet, self.number, entity, existed, changed, then))
        self.report.count(outcome, sheet)

    # One function per sheet --------------------------------------------------------------
    def villages(self, row: dict[str, Any]) -> None:
        self.admin_only()
        regency = self.one(m.Regency, name=row["regency"])
        if regency is None:
            regency = m.Regency(
                name=row["regency"],
                kind=row["regency_kind"] or m.RegencyKind.KABUPATEN,
                province=row["province"] or "Kalimantan Timur",
            )
            self.new(regency, name=row["regency"])
            self.ops.append(_Op("", self.number, regency, False, {}))
        district = self.one(m.District, regency_id=regency, name=row["district"])
        if district is None:
            district = self.new(
                m.District(regency_id=0, name=row["district"]), regency_id=regency, name=row["district"]
            )
            self.ops.append(_Op("", self.number, district, False, {"regency_id": regency}))
        village = self.one(m.Village, district_id=district, name=row["village"])
        existed = village is not None
        values: dict[str, Any] = {"kind": row["village_kind"] or m.VillageKind.DESA}
        if village is None:
            village = self.new(
                m.Village(district_id=0, name=row["village"]), district_id=district, name=row["village"]
            )
            self.new_villages.append((village, district))
            values["district_id"] = district
        self.save("villages", village, existed, values)

    def companies(self, row: dict[str, Any]) -> None:
        self.admin_only()
        company = self.one(m.Company, name=row["company"])
        existed = company is not None
        if company is None:
            company = self.new(
                m.Company(name=row["company"], short_name="", sector=row["sector"]), name=row["company"]
            )
        values = {
            "short_name": row["short_name"] or row["company"].removeprefix("PT ")[:60],
            "sector": row["sector"],
        }
        regencies = [self.regency(name, "regencies") for name in row["regencies"]]

        def link_regencies(session: Session, written: m.Company) -> None:
            for regency in regencies:
                assert regency is not None and regency.id is not None and written.id is not None
                if session.get(m.CompanyRegency, (written.id, regency.id)) is None:
                    session.add(m.CompanyRegency(company_id=written.id, regency_id=regency.id))
                    session.flush()

        self.save("companies", company, existed, values, then=link_regencies)

    def organisations(self, row: dict[str, Any]) -> None:
        self.admin_only()
        found = self.one(m.Organisation, name=row["organisation"])
        existed = found is not None
        if found is None:
            found = self.new(
                m.Organisation(name=row["organisation"], org_type=row["org_type"]), name=row["organisation"]
            )
        regency = self.regency(row["regency"])
        self.save("organisations", found, existed, {"org_type": row["org_type"], "regency_id": regency})

    def _program_links(self, program: m.Program | None) -> dict[str, list[Any]]:
        """A program's links as the write will find them: read, or set by an earlier row."""
        if program is None:
            return {"villages": [], "sdgs": []}
        if id(program) in self.links:
            return self.links[id(program)]
        if program.id is None:
            return {"villages": [], "sdgs": []}
        return entry.current_links(self.session, entry.PROGRAM, program.id)

    def _partners(self, program: m.Program | None) -> dict[Any, str]:
        key = ("partners", id(program))
        if key not in self.found:
            self.found[key] = (
                {}
                if program is None or program.id is None
                else {
                    link.organisation_id: link.role
                    for link in self.session.exec(
                        select(m.ProgramPartner).where(m.ProgramPartner.program_id == program.id)
                    )
                }
            )
        partners: dict[Any, str] = self.found[key]
        return partners

    # The form's checks, then the form's command at write time: one rule for both, so long.
    def programs(self, row: dict[str, Any]) -> None:
        company = self.company(row["company"])
        program = self.one(m.Program, company_id=company, name=row["program"])
        existed = program is not None
        if row["end_date"] is not None and row["end_date"] < row["start_date"]:
            raise RowError("end_date", "transfer.err.end_before_start")
        if any(not 1 <= sdg <= 17 for sdg in row["sdgs"]):
            raise RowError("sdgs", "transfer.err.sdg")
        checked_values = checked(entry.PROGRAM, row, ("description", *BENEFICIARY_COLUMNS))
        villages = [self.village(text) for text in row["villages"]]
        before = self._program_links(program)
        if villages and company.id is not None:
            allowed = entry.village_options(self.session, company.id)
            for text, village in zip(row["villages"], villages, strict=True):
                if (
                    village.id not in allowed
                    and village not in before["villages"]
                    and village.id not in before["villages"]
                ):
                    raise RowError("villages", "transfer.err.village_outside", value=text)
        picked = {"villages": [v.id for v in villages], "sdgs": list(row["sdgs"])}
        if company.id is not None and all(v.id is not None for v in villages):
            # The form's command checks the same at write time: a village added must be offered.
            known = {name: [x for x in ids if x is not None] for name, ids in before.items()}
            entry.check_links(
                session=self.session,
                viewer=self.viewer,
                spec=entry.PROGRAM,
                parent_id=company.id,
                before=known,
                picked=picked,
            )
        partners: dict[int, tuple[m.Organisation, str]] = {}
        for column, role in (
            ("beneficiary_groups", m.PartnerRole.BENEFICIARY_GROUP),
            ("implementing_partners", m.PartnerRole.IMPLEMENTING_PARTNER),
        ):
            for name in row[column]:
                organisation = self.organisation(name, column)
                assert organisation is not None
                partners[id(organisation)] = (organisation, role)
        current_partners = self._partners(program)
        links_changed = (
            set(map(_id, before["villages"])) != {v.id for v in villages}
            or set(before["sdgs"]) != set(row["sdgs"])
        ) or current_partners != {_id(o): r for o, r in partners.values()}
        opened = (
            before
            if existed and program is not None and program.id is not None and id(program) not in self.links
            else None
        )
        if program is None:
            program = self.new(
                m.Program(
                    company_id=0, name=row["program"], pillar=row["pillar"], start_date=row["start_date"]
                ),
                company_id=company,
                name=row["program"],
            )
        self.links[id(program)] = {"villages": list(villages), "sdgs": list(row["sdgs"])}
        self.found[("partners", id(program))] = {_id(o): r for o, r in partners.values()}
        values: dict[str, Any] = {
            "company_id": company,
            "description": row["description"] or "",
            "pillar": row["pillar"],
            "stage": row["stage"] or (program.stage if existed else m.Stage.PLANNING),
            "poverty_alleviation": bool(row["poverty_alleviation"]),
            "start_date": row["start_date"],
            "end_date": row["end_date"],
            **{name: checked_values[name] for name in BENEFICIARY_COLUMNS},
        }
        viewer = self.viewer

        def write_links(session: Session, written: m.Program) -> None:
            assert written.id is not None
            # The form's command: a village added must lie in a regency the company works in.
            entry.set_links(
                session=session,
                viewer=viewer,
                spec=entry.PROGRAM,
                record_id=written.id,
                picked={"villages": [_id(v) for v in villages], "sdgs": list(row["sdgs"])},
                opened=opened,
            )
            _replace_partners(session, written.id, {_id(o): role for o, role in partners.values()})

        self.save("programs", program, existed, values, links_changed=links_changed, then=write_links)

    def budgets(self, row: dict[str, Any]) -> None:
        program = self.program(self.company(row["company"]), row["program"])
        amounts: dict[str, Any] = checked(entry.BUDGET, row, ("year", "planned", "spent"))
        budget = self.one(m.ProgramBudget, program_id=program, year=row["year"])
        existed = budget is not None
        if budget is None:
            budget = self.new(
                m.ProgramBudget(program_id=0, year=row["year"]), program_id=program, year=row["year"]
            )
            amounts["program_id"] = program
        self.save("budgets", budget, existed, amounts)

    def indicators(self, row: dict[str, Any]) -> None:
        program = self.program(self.company(row["company"]), row["program"])
        indicator = self.one(m.Indicator, program_id=program, name=row["indicator"])
        existed = indicator is not None
        baseline = checked(entry.INDICATOR, row, ("baseline_value", "baseline_year"))
        values: dict[str, Any] = {
            "unit": row["unit"],
            "kind": row["indicator_kind"] or m.IndicatorKind.OUTPUT,
            "baseline_value": baseline["baseline_value"],
            "baseline_year": baseline["baseline_year"],
            "direction": row["direction"] or m.Direction.HIGHER_IS_BETTER,
            "accumulation": row["accumulation"] or m.Accumulation.PERIODIC,
        }
        if indicator is None:
            indicator = self.new(
                m.Indicator(program_id=0, name=row["indicator"], unit=row["unit"]),
                program_id=program,
                name=row["indicator"],
            )
            values["program_id"] = program
        self.save("indicators", indicator, existed, values)

    def results(self, row: dict[str, Any]) -> None:
        """Figures held to the grid's command's rules (:func:`check_result`, :func:`apply_result`): a
        submitted result whose figures change goes back to draft unless the row submits it again."""
        program = self.program(self.company(row["company"]), row["program"])
        indicator = self.indicator(program, row["indicator"])
        period = self.period(row["period"])
        result = self.result(indicator, period)
        typed = {
            "target": row["target"],
            "actual": row["actual"],
            "narrative": row["narrative"] or "",
            "evidence": row["evidence"] or "",
        }
        if "evidence" not in self.present:
            del typed["evidence"]  # a sheet without the column keeps the evidence each result has
        state = row["result_state"]
        if result is not None and result.state == m.ResultState.VERIFIED:
            changed = [k for k, v in typed.items() if getattr(result, k) != v]
            if changed or (state and state != result.state):
                raise RowError(changed[0] if changed else "result_state", "transfer.err.result_locked")
            self.report.count("unchanged", "results")
            return
        if state == m.ResultState.VERIFIED and not self.viewer.is_admin:
            raise RowError("result_state", "transfer.err.verify_not_allowed")
        values = check_result(
            viewer=self.viewer,
            company_id=program.company_id,
            indicator_id=indicator.id,
            result=result,
            **typed,
        )
        existed = result is not None
        before = None if result is None else (*(getattr(result, k) for k in typed), result.state)
        if result is not None and before == (*(values[k] for k in typed), state or result.state):
            self.report.count("unchanged", "results")  # written again, it would look changed to a verifier
            return
        if result is None:
            result = cast(m.Result, _NewResult(indicator_id=indicator.id or 0, period_id=period.id or 0))
            key = ("Result", ("indicator", id(indicator)), ("period", id(period)))
            self.found[key] = result
            self.created.add(id(result))
            self._row_keys.append(key)
        seen_version = result.version
        audit_before = apply_result(result, values, existed=existed)
        if state and state != result.state:
            result.state = state
            result.submitted_at = m.utcnow() if state != m.ResultState.DRAFT else None
            if state == m.ResultState.VERIFIED:
                result.verified_by_id = self.viewer.user_id
                result.verified_at = m.utcnow()
        after = (*(getattr(result, k) for k in typed), result.state)
        outcome = "created" if before is None else "updated" if after != before else "unchanged"
        self.report.count(outcome, "results")
        self.result_ops.append(
            _ResultOp(self.number, result, existed, seen_version, indicator, period, audit_before, values)
        )

    def actions(self, row: dict[str, Any]) -> None:
        company = self.company(row["company"])
        program = self.program(company, row["program"])
        indicator = self.indicator(program, row["indicator"]) if row["indicator"] else None
        evaluation = (
            self.evaluation(company, row["evaluation"], row["evaluated_on"]) if row["evaluation"] else None
        )
        if row["action_status"] == m.ActionStatus.DONE and not row["completed_on"]:
            raise RowError("completed_on", "entry.error.completed_on")
        action = self.one(m.FollowUpAction, program_id=program, description=row["description"])
        existed = action is not None
        values: dict[str, Any] = {
            "indicator_id": indicator,
            "evaluation_id": evaluation,
            "owner": row["owner"] or "",
            "due_date": row["due_date"],
            "status": row["action_status"] or m.ActionStatus.OPEN,
            "completed_on": row["completed_on"],
        }
        if action is None:
            action = self.new(
                m.FollowUpAction(program_id=0, description=row["description"]),
                program_id=program,
                description=row["description"],
            )
            values["program_id"] = program
        self.save("actions", action, existed, values)

    def meetings(self, row: dict[str, Any]) -> None:
        company = self.meeting_company(row)
        counted = checked(entry.MEETING, row, ("attendee_count",))
        organiser = self.organisation(row["organiser_organisation"], "organiser_organisation")
        regency = self.regency(row["regency"])
        if company is not None and company.id is not None and regency is not None and regency.id is not None:
            offered = entry.options(self.session, self.viewer, "regencies", parent_id=company.id)
            if regency.id not in offered:  # as the meeting form offers: the company's own regencies
                raise RowError("regency", "transfer.err.regency_outside", value=row["regency"])
        key = {"title": row["meeting"], "held_on": row["held_on"], "organiser_company_id": company}
        meeting = self.one(m.Meeting, **key)
        existed = meeting is not None
        values: dict[str, Any] = {
            "kind": row["meeting_kind"],
            "venue": row["venue"] or "",
            "organiser_organisation_id": organiser,
            "regency_id": regency,
            "purpose": row["purpose"] or "",
            "attendee_count": counted["attendee_count"],
        }
        if meeting is None:
            meeting = self.new(
                m.Meeting(kind=row["meeting_kind"], title=row["meeting"], held_on=row["held_on"]), **key
            )
            values["organiser_company_id"] = company
            self.organisers[id(meeting)] = company
        self.save("meetings", meeting, existed, values)

    def attendance(self, row: dict[str, Any]) -> None:
        meeting = self.meeting(row)
        organisation = self.organisation(row["organisation"], "organisation")
        assert organisation is not None
        head_count = checked(entry.ATTENDANCE, row, ("head_count",))["head_count"]
        found = self.one(m.MeetingAttendance, meeting_id=meeting, organisation_id=organisation)
        existed = found is not None
        values: dict[str, Any] = {"head_count": head_count}
        if found is None:
            found = self.new(
                m.MeetingAttendance(meeting_id=0, organisation_id=0),
                meeting_id=meeting,
                organisation_id=organisation,
            )
            values |= {"meeting_id": meeting, "organisation_id": organisation}
        self.save("attendance", found, existed, values)

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
                for record in self.found.values()
                if isinstance(record, m.Program) and id(record) in self.created and record.name == name
            ),
            None,
        )
        if found is None:
            raise RowError("feedback_program", "transfer.err.unknown", value=name)
        return found

    def feedback(self, row: dict[str, Any]) -> None:
        meeting = self.meeting(row)
        organisation = self.organisation(row["organisation"], "organisation")
        program = self._feedback_program(meeting, row["feedback_program"])
        status = row["feedback_status"] or m.FeedbackStatus.OPEN
        if status == m.FeedbackStatus.DECLINED and not row["decline_reason"]:
            raise RowError("decline_reason", "transfer.err.decline_reason")
        typed = checked(FEEDBACK, {"text": row["text"], "speaker": row["speaker"] or ""})
        speaker = typed["speaker"]
        key = {"meeting_id": meeting, "speaker": speaker, "text": typed["text"]}
        item = self.one(m.FeedbackItem, **key)
        existed = item is not None
        values: dict[str, Any] = {
            "organisation_id": organisation,
            "source_type": row["source_type"] or (organisation.org_type if organisation else None),
            "program_id": program,
            "kind": row["feedback_kind"],
            "response": row["response"] or "",
            "status": status,
            "decline_reason": row["decline_reason"] or "",
            "moderation": row["moderation"]
            or (item.moderation if item is not None else m.Moderation.PENDING),
        }
        if item is None:
            item = self.new(
                m.FeedbackItem(meeting_id=0, kind=row["feedback_kind"], text=typed["text"], speaker=speaker),
                **key,
            )
            values["meeting_id"] = meeting
        self.save("feedback", item, existed, values)

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
        programs = {
            id(p): p
            for p in (self.program(company, n, "evaluated_programs") for n in row["evaluated_programs"])
        }
        key = {"company_id": company, "title": row["evaluation"], "held_on": row["evaluated_on"]}
        evaluation = self.one(m.Evaluation, **key)
        existed = evaluation is not None
        covered_key = ("covered", id(evaluation))
        if evaluation is not None and evaluation.id is not None and covered_key not in self.found:
            self.found[covered_key] = set(
                self.session.exec(
                    select(m.EvaluationProgram.program_id).where(
                        m.EvaluationProgram.evaluation_id == evaluation.id
                    )
                )
            )
        links_changed = self.found.get(covered_key, set()) != {p.id for p in programs.values()}
        values: dict[str, Any] = {"period_id": period, "meeting_id": meeting, "notes": row["notes"] or ""}
        if evaluation is None:
            evaluation = self.new(
                m.Evaluation(company_id=0, period_id=0, title=row["evaluation"], held_on=row["evaluated_on"]),
                **key,
            )
            values["company_id"] = company
        self.found[("covered", id(evaluation))] = {p.id for p in programs.values()}

        def cover(session: Session, written: m.Evaluation) -> None:
            assert written.id is not None
            db.replace_links(
                session,
                m.EvaluationProgram,
                owner="evaluation_id",
                owner_id=written.id,
                column="program_id",
                wanted={p.id for p in programs.values()},
            )

        self.save("evaluations", evaluation, existed, values, links_changed=links_changed, then=cover)

    # Running -------------------------------------------------------------------------------
    def row(self, handler: Callable[[dict[str, Any]], None], number: int, row: dict[str, Any]) -> None:
        """Check one row; a row that fails leaves nothing behind for the rows after it."""
        self.number, self._row_keys = number, []
        ops, result_ops = len(self.ops), len(self.result_ops)
        try:
            handler(row)
        except BaseException:
            for key in self._row_keys:
                self.found.pop(key, None)
                if key[0] == "Period":
                    self.periods.pop(key[1][1], None)
            del self.ops[ops:], self.result_ops[result_ops:]
            raise

    # Writing -------------------------------------------------------------------------------
    def write(self, session: Session) -> list[Problem]:
        """Write what the check found, in the caller's transaction; the problems that stop it.

        A record read by the check and changed by someone else since is a problem of its row, as is a
        record another writer created meanwhile under the same natural key. The result rows and their
        audit rows are prepared before (:meth:`prepare`); here each table's records go in as a few bulk
        statements, and the records read are compared a chunk at a time."""
        results = self.prepared or self.prepare()
        try:
            changed = self._changed_since(session)
        except SQLAlchemyError:
            return [Problem(self.ops[0].sheet, self.ops[0].number, "", "transfer.err.database")]
        if changed is not None:
            return [Problem(changed.sheet or "results", changed.number, "", "transfer.err.changed")]
        position = 0
        while position < len(self.ops):
            batch = self._batch(position)
            try:
                if len(batch) > 1:
                    self._insert(session, batch)
                else:
                    self._apply(session, batch[0])
            except (RowError, FieldErrors, entry.EditConflict):
                return [Problem(batch[0].sheet or "results", batch[0].number, "", "transfer.err.changed")]
            except SQLAlchemyError:
                return [Problem(batch[0].sheet or "results", batch[0].number, "", "transfer.err.database")]
            position += len(batch)
        try:
            session.flush()
            return self._write_results(session, results)
        except SQLAlchemyError:
            number = self.result_ops[0].number if self.result_ops else 1
            return [Problem("results", number, "", "transfer.err.database")]

    def _changed_since(self, session: Session) -> _Op | None:
        """The first op whose record, read by the check, someone else changed or deleted since; the
        records read are loaded into ``session`` a chunk of ids per statement."""
        read = {
            id(op.record): op for op in reversed(self.ops) if op.existed and id(op.record) not in self.created
        }
        by_model: dict[Any, list[Any]] = {}
        for op in read.values():
            by_model.setdefault(type(op.record), []).append(op.record)
        for model, records in by_model.items():
            keys = inspect(model).primary_key
            if len(keys) == 1:
                ids = [inspect(record).identity[0] for record in records]
                for n in range(0, len(ids), 500):
                    # Locked until the write commits (PostgreSQL), so nothing changes between this
                    # comparison and the write; SQLite's write lock already holds every other writer.
                    list(session.exec(select(model).where(keys[0].in_(ids[n : n + 500])).with_for_update()))
            for record in records:
                target = session.get(model, inspect(record).identity)  # from the identity map when loaded
                if target is None or _snapshot(target) != self.seen[id(record)]:
                    return read[id(record)]
        return None

    def _batch(self, position: int) -> list[_Op]:
        """The ops from ``position`` that one INSERT can write: records this file creates, of one table,
        each written once, that need nothing of one another and no step after their own, in a table
        with an id."""
        first = self.ops[position]
        batch = [first]
        model = type(first.record)
        if first.existed or first.then is not None or len(inspect(model).primary_key) != 1:
            return batch  # written as it is: a table keyed by more than one column has no id to take
        members = {id(first.record)}
        for op in self.ops[position + 1 :]:
            if (
                op.existed
                or op.then is not None
                or type(op.record) is not model
                or id(op.record) in members
                or any(id(v) in members for v in op.values.values())
            ):
                break
            batch.append(op)
            members.add(id(op.record))
        return batch

    def _insert(self, session: Session, batch: list[_Op]) -> None:
        """Insert new records of one table in one statement and take their ids; later ops of the file
        find them in ``session`` as records read."""
        model = type(batch[0].record)
        table = model.__table__
        (key,) = inspect(model).primary_key
        rows = []
        for op in batch:
            for name, value in op.values.items():
                setattr(op.record, name, _id(value))
            rows.append({c.name: getattr(op.record, c.name) for c in table.columns if c is not key})
        statement = insert(table).returning(key, sort_by_parameter_order=True)
        new_ids = session.connection().execute(statement, rows).scalars().all()
        for op, new_id in zip(batch, new_ids, strict=True):
            setattr(op.record, key.name, new_id)
            make_transient_to_detached(op.record)
            session.add(op.record)
        session.info.setdefault("written_tables", set()).add(table.name)

    def _apply(self, session: Session, op: _Op) -> None:
        record = op.record
        if op.existed and id(record) not in self.created:
            target = session.get(type(record), inspect(record).identity)  # loaded by _changed_since
        else:
            target = record
        for key, value in op.values.items():
            setattr(target, key, _id(value))
        session.add(target)
        if not op.existed or op.then is not None:
            session.flush()  # its id, for the rows after it and for its own step
        if op.then is not None:
            op.then(session, target)

    def prepare(self) -> _PreparedResults:
        """What the write of the results needs, worked out before its transaction begins: every column
        of each result row and the audit row of each result change."""
        columns = [c.name for c in inspect(m.Result).columns if c.name != "id"]
        first: dict[int, _ResultOp] = {}
        for op in self.result_ops:
            first.setdefault(id(op.record), op)
        stored = [op for op in first.values() if op.existed and id(op.record) not in self.created]
        fresh = [op for op in first.values() if id(op.record) in self.created]
        audits = [
            audit.row_values(
                actor=self.viewer,
                action="update" if op.before else "create",
                entity="result",
                entity_id=None,  # known once the write has inserted it
                before=op.before,
                after=op.after,
            )
            for op in self.result_ops
        ]
        self.prepared = _PreparedResults(
            stored=stored,
            fresh=fresh,
            stored_rows=[
                {"id": op.record.id, **{c: getattr(op.record, c) for c in columns}} for op in stored
            ],
            fresh_rows=[{c: getattr(op.record, c) for c in columns} for op in fresh],
            audits=audits,
        )
        return self.prepared

    def _write_results(self, session: Session, prepared: _PreparedResults) -> list[Problem]:
        """Every result at once: one statement for the new, one for the changed, one for the audit."""
        stored, fresh = prepared.stored, prepared.fresh
        problems: list[Problem] = []
        for chunk in _chunks(stored):
            versions = dict(
                session.exec(
                    select(m.Result.id, m.Result.version)
                    .where(col(m.Result.id).in_([op.record.id for op in chunk]))
                    .with_for_update()
                ).all()
            )
            problems += [
                Problem("results", op.number, "", "transfer.err.changed")
                for op in chunk
                if versions.get(op.record.id) != op.seen_version
            ]
        known = [op for op in fresh if op.indicator.id is not None and op.period.id is not None]
        for chunk in _chunks(known):
            taken = set(
                session.exec(
                    select(m.Result.indicator_id, m.Result.period_id).where(
                        col(m.Result.indicator_id).in_({op.indicator.id for op in chunk})
                    )
                ).all()
            )
            problems += [
                Problem("results", op.number, "", "transfer.err.changed")
                for op in chunk
                if (op.indicator.id, op.period.id) in taken
            ]
        if problems:
            return problems
        table: Any = m.Result.__table__  # type: ignore[attr-defined]
        connection = session.connection()
        if fresh:
            for op, row in zip(fresh, prepared.fresh_rows, strict=True):
                row["indicator_id"] = op.record.indicator_id = _id(op.indicator)
                row["period_id"] = op.record.period_id = _id(op.period)
            connection.execute(insert(table), prepared.fresh_rows)  # executemany: no ids returned
            wanted = {(op.indicator.id, op.period.id): op for op in fresh}
            indicators = sorted({cast(int, op.indicator.id) for op in fresh})
            for n in range(0, len(indicators), 500):
                for result_id, indicator_id, period_id in connection.execute(
                    select(table.c.id, table.c.indicator_id, table.c.period_id).where(
                        table.c.indicator_id.in_(indicators[n : n + 500])
                    )
                ):
                    found = wanted.get((indicator_id, period_id))
                    if found is not None:
                        found.record.id = result_id
        if stored:
            connection.execute(
                update(table).where(table.c.id == bindparam("_id")),
                [
                    {"_id": row["id"], **{k: v for k, v in row.items() if k != "id"}}
                    for row in prepared.stored_rows
                ],
            )
        if self.result_ops:
            for op, entry_row in zip(self.result_ops, prepared.audits, strict=True):
                entry_row["entity_id"] = op.record.id
            connection.execute(insert(m.AuditLog.__table__), prepared.audits)  # type: ignore[attr-defined]
            session.info.setdefault("written_tables", set()).update({"result", "audit_log"})
        return []


@dataclass
class _PreparedResults:
    stored: list[_ResultOp]
    fresh: list[_ResultOp]
    stored_rows: list[dict[str, Any]]
    fresh_rows: list[dict[str, Any]]
    audits: list[dict[str, Any]]


def _chunks(items: list[_ResultOp], size: int = 500) -> list[list[_ResultOp]]:
    return [items[n : n + size] for n in range(0, len(items), size)]


def _replace_partners(session: Session, program_id: int, wanted: dict[int, str]) -> bool:
    current = {
        link.organisation_id: link
        for link in session.exec(select(m.ProgramPartner).where(m.ProgramPartner.program_id == program_id))
    }
    changed = False
    for organisation_id, link in current.items():
        if organisation_id not in wanted:
            session.delete(link)
            changed = True
        elif link.role != wanted[organisation_id]:
            link.role = wanted[organisation_id]
            session.add(link)
            changed = True
    for organisation_id, role in wanted.items():
        if organisation_id not in current:
            session.add(m.ProgramPartner(program_id=program_id, organisation_id=organisation_id, role=role))
            changed = True
    session.flush()
    return changed


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


class _Rollback(Exception):
    pass


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
    work.spent = True  # a write, even one rolled back, leaves its ids in the plan's records
    work.prepare()
    try:
        with db.write_session(engine) as session:
            problems = work.write(session)
            if problems:
                report.problems = problems
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

"""Changes in two steps: plan, reading only, then write a batch of planned changes in one transaction.

A :class:`Batch` plans each change with the rules of its entity (who may write it, what its typed
values must be, which record it changes and as which version), without writing: the import plans tens
of thousands of rows this way without holding the write lock. :meth:`Batch.write` then writes every
planned change in the caller's transaction, a few bulk statements per table, after comparing each
record the plan read with what the database holds now: a record someone else changed or created
meanwhile stops the whole batch (a :class:`Failure` naming the change's origin). A single-record
command is the same plan and write with a batch of one (:func:`sinergi.writes.results.record_result`).

What a change was asked for by (``where``: an import's sheet and row) travels with it, so a refusal,
or a conflict at write time, can say where it came from. The typed values of a change come by the
names of the entity's fields, which are the names of the import's columns too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
from sinergi.core.access import Viewer
from sinergi.writes import entry
from sinergi.writes.feedback import FEEDBACK
from sinergi.writes.fields import FieldErrors, checked
from sinergi.writes.results import apply_result, check_result


def refused(column: str, key: str, **values: object) -> FieldErrors:
    """A change refused for one field (or "" for the whole change), with the values its message shows."""
    return FieldErrors({column: (key, {k: str(v) for k, v in values.items()})})


def record_id(value: Any) -> Any:
    """A record stands for its id once written; other values stand for themselves."""
    return cast(Any, value).id if isinstance(value, SQLModel) else value


def _snapshot(record: Any) -> dict[str, Any]:
    return {column.name: getattr(record, column.name) for column in record.__table__.columns}


@dataclass(frozen=True)
class Failure:
    """Why a batch was not written: the change that stopped it, by where it came from."""

    part: str
    number: int
    key: str


@dataclass
class Op:
    """What one change writes into one record: ``values`` (records among them stand for their ids)."""

    part: str
    number: int
    record: Any
    existed: bool
    values: dict[str, Any]
    then: Callable[[Session, Any], None] | None = None


@dataclass
class NewResult:
    """A result a batch creates, held as plain values: the write inserts it with one statement, and
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
assert {f.name for f in fields(NewResult)} == set(m.Result.__table__.columns.keys())  # type: ignore[attr-defined]


@dataclass
class ResultOp:
    number: int
    record: m.Result  # or a NewResult, which holds the same attributes
    existed: bool
    seen_version: int
    indicator: m.Indicator
    period: m.Period
    before: dict[str, Any] | None
    after: dict[str, Any]


@dataclass
class PreparedResults:
    stored: list[ResultOp]
    fresh: list[ResultOp]
    stored_rows: list[dict[str, Any]]
    fresh_rows: list[dict[str, Any]]
    audits: list[dict[str, Any]]


def _chunks(items: list[ResultOp], size: int = 500) -> list[list[ResultOp]]:
    return [items[n : n + size] for n in range(0, len(items), size)]


def _count_nothing(outcome: str, part: str) -> None:
    pass


class Batch:
    """Changes planned on what ``session`` reads and what earlier changes of the batch would create.

    ``count`` hears of each change planned: ``created``, ``updated`` or ``unchanged``, and its part.
    Planning changes records read only in memory: ``session`` must not flush them (``autoflush`` off,
    and the session discarded once the plan is made).
    """

    def __init__(
        self, session: Session, viewer: Viewer, count: Callable[[str, str], None] = _count_nothing
    ) -> None:
        self.session, self.viewer, self.count = session, viewer, count
        # Records by natural key: read from the database once, or created by an earlier change.
        self.found: dict[tuple[Any, ...], Any] = {}
        self.seen: dict[int, dict[str, Any]] = {}  # a record read, as it was read
        self.created: set[int] = set()  # records this batch creates
        self.links: dict[int, dict[str, list[Any]]] = {}  # a program's links as an earlier change set them
        self.ops: list[Op] = []
        self.result_ops: list[ResultOp] = []
        self.results_read: set[int] = set()
        self.periods = {p.code: p for p in session.exec(select(m.Period))}
        self.number = 0
        self._row_keys: list[tuple[Any, ...]] = []
        self.new_villages: list[tuple[m.Village, m.District]] = []
        self.prepared: PreparedResults | None = None
        self.spent = False  # written, or tried: its records hold ids the database may not

    def usable_by(self, viewer: Viewer) -> bool:
        """Whether this plan may be written for ``viewer``: it was made for them, and no write has used
        it yet."""
        return not self.spent and self.viewer == viewer

    # Changes planned together: one that fails leaves nothing behind for those after it -----------
    def begin(self, number: int) -> tuple[int, int]:
        self.number, self._row_keys = number, []
        return len(self.ops), len(self.result_ops)

    def undo(self, mark: tuple[int, int]) -> None:
        for key in self._row_keys:
            self.found.pop(key, None)
            if key[0] == "Period":
                self.periods.pop(key[1][1], None)
        del self.ops[mark[0] :], self.result_ops[mark[1] :]

    # Records and their versions, by natural key --------------------------------------------
    def one(self, model: Any, **where: Any) -> Any:
        """The record of ``model`` whose columns hold ``where`` (records stand for their ids)."""
        key = (
            model.__name__,
            *sorted((k, ("record", id(v)) if isinstance(v, SQLModel) else v) for k, v in where.items()),
        )
        if key in self.found:
            return self.found[key]
        if any(isinstance(v, SQLModel) and record_id(v) is None for v in where.values()):
            return None  # a record this batch creates has nothing in the database yet
        conditions = [getattr(model, k) == record_id(v) for k, v in where.items()]
        record = self.session.exec(select(model).where(*conditions)).first()
        if record is not None:
            self.found[key] = record
            self.seen.setdefault(id(record), _snapshot(record))
        return record

    def new(self, record: Any, **where: Any) -> Any:
        """Remember ``record``, created by this change, under its natural key."""
        key = (
            type(record).__name__,
            *sorted((k, ("record", id(v)) if isinstance(v, SQLModel) else v) for k, v in where.items()),
        )
        self.found[key] = record
        self.created.add(id(record))
        self._row_keys.append(key)
        return record

    def result(self, indicator: m.Indicator, period: m.Period) -> m.Result | None:
        """The result of an indicator for a period: an indicator's results are read all at once."""
        if indicator.id is not None and id(indicator) not in self.results_read:
            self.results_read.add(id(indicator))
            by_id = {p.id: p for p in self.periods.values() if p.id is not None}
            for found in self.session.exec(select(m.Result).where(m.Result.indicator_id == indicator.id)):
                if found.period_id not in by_id:  # a period someone added after this plan began
                    continue
                self.found[
                    ("Result", ("indicator", id(indicator)), ("period", id(by_id[found.period_id])))
                ] = found
        result: m.Result | None = self.found.get(
            ("Result", ("indicator", id(indicator)), ("period", id(period)))
        )
        return result

    # Who may plan what -----------------------------------------------------------------------
    def admin_only(self) -> None:
        if not self.viewer.is_admin:
            raise refused("", "transfer.err.admin_only")

    def authorise_company(self, company: m.Company) -> None:
        """The viewer may write the company's data (a company this batch creates: admins only)."""
        allowed = self.viewer.is_admin if company.id is None else self.viewer.may_write_company(company.id)
        if not allowed:
            raise refused("company", "transfer.err.other_company", value=company.name)

    def authorise_meeting(self, company: m.Company | None) -> None:
        """A meeting is kept by its organising company; one without a company is an admin's."""
        if company is None:
            self.admin_only()
        else:
            self.authorise_company(company)

    # Recording what to write -------------------------------------------------------------
    def save(
        self,
        part: str,
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
            if getattr(entity, k) != record_id(v) or (record_id(v) is None and v is not None)
        }
        for key, value in changed.items():
            setattr(entity, key, record_id(value))
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
        self.ops.append(Op(part, self.number, entity, existed, changed, then))
        self.count(outcome, part)

    # One plan per kind of change -------------------------------------------------------------
    def plan_period(self, code: str, year: int, semester: int) -> m.Period:
        """A semester by its code, created on first use: its dates follow from the code."""
        period = self.periods.get(code)
        if period is None:
            start, end = (
                (date(year, 1, 1), date(year, 6, 30))
                if semester == 1
                else (date(year, 7, 1), date(year, 12, 31))
            )
            period = m.Period(code=code, year=year, semester=semester, start_date=start, end_date=end)
            self.periods[code] = period
            self.new(period, code=code)
            self.ops.append(Op("", self.number, period, False, {}))
        return period

    def plan_village(self, typed: Mapping[str, Any]) -> None:
        """A village under its district and regency, each created when missing: admins only."""
        self.admin_only()
        regency = self.one(m.Regency, name=typed["regency"])
        if regency is None:
            regency = m.Regency(
                name=typed["regency"],
                kind=typed["regency_kind"] or m.RegencyKind.KABUPATEN,
                province=typed["province"] or "Kalimantan Timur",
            )
            self.new(regency, name=typed["regency"])
            self.ops.append(Op("", self.number, regency, False, {}))
        district = self.one(m.District, regency_id=regency, name=typed["district"])
        if district is None:
            district = self.new(
                m.District(regency_id=0, name=typed["district"]), regency_id=regency, name=typed["district"]
            )
            self.ops.append(Op("", self.number, district, False, {"regency_id": regency}))
        village = self.one(m.Village, district_id=district, name=typed["village"])
        existed = village is not None
        values: dict[str, Any] = {"kind": typed["village_kind"] or m.VillageKind.DESA}
        if village is None:
            village = self.new(
                m.Village(district_id=0, name=typed["village"]), district_id=district, name=typed["village"]
            )
            self.new_villages.append((village, district))
            values["district_id"] = district
        self.save("villages", village, existed, values)

    def plan_company(self, typed: Mapping[str, Any], regencies: list[m.Regency]) -> None:
        """A company by name, and the regencies it works in (added to those it has): admins only."""
        self.admin_only()
        company = self.one(m.Company, name=typed["company"])
        existed = company is not None
        if company is None:
            company = self.new(
                m.Company(name=typed["company"], short_name="", sector=typed["sector"]), name=typed["company"]
            )
        values = {
            "short_name": typed["short_name"] or typed["company"].removeprefix("PT ")[:60],
            "sector": typed["sector"],
        }

        def link_regencies(session: Session, written: m.Company) -> None:
            for regency in regencies:
                assert regency.id is not None and written.id is not None
                if session.get(m.CompanyRegency, (written.id, regency.id)) is None:
                    session.add(m.CompanyRegency(company_id=written.id, regency_id=regency.id))
                    session.flush()

        self.save("companies", company, existed, values, then=link_regencies)

    def plan_organisation(self, typed: Mapping[str, Any], regency: m.Regency | None) -> None:
        """An organisation by name: admins only."""
        self.admin_only()
        found = self.one(m.Organisation, name=typed["organisation"])
        existed = found is not None
        if found is None:
            found = self.new(
                m.Organisation(name=typed["organisation"], org_type=typed["org_type"]),
                name=typed["organisation"],
            )
        self.save("organisations", found, existed, {"org_type": typed["org_type"], "regency_id": regency})

    def _program_links(self, program: m.Program | None) -> dict[str, list[Any]]:
        """A program's links as the write will find them: read, or set by an earlier change."""
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

    def check_program(self, typed: Mapping[str, Any]) -> dict[str, Any]:
        """What a program's typed values must be, before anything they name is looked up."""
        if typed["end_date"] is not None and typed["end_date"] < typed["start_date"]:
            raise refused("end_date", "transfer.err.end_before_start")
        if any(not 1 <= sdg <= 17 for sdg in typed["sdgs"]):
            raise refused("sdgs", "transfer.err.sdg")
        return checked(entry.PROGRAM, typed, ("description", *BENEFICIARY_COLUMNS))

    def check_meeting(self, typed: Mapping[str, Any]) -> dict[str, Any]:
        """What a meeting's typed values must be, before anything they name is looked up."""
        return checked(entry.MEETING, typed, ("attendee_count",))

    # The form's checks, then the form's link command at write time: one rule for both, so long.
    def plan_program(
        self,
        company: m.Company,
        typed: Mapping[str, Any],
        villages: list[tuple[str, m.Village]],
        partners: list[tuple[m.Organisation, str]],
    ) -> None:
        """A program of ``company`` by name (``typed["program"]``), its villages (each with the text
        that named it), SDGs and partners (organisation and role)."""
        self.authorise_company(company)
        program = self.one(m.Program, company_id=company, name=typed["program"])
        existed = program is not None
        checked_values = self.check_program(typed)
        before = self._program_links(program)
        if villages and company.id is not None:
            allowed = entry.village_options(self.session, company.id)
            for text, village in villages:
                if (
                    village.id not in allowed
                    and village not in before["villages"]
                    and village.id not in before["villages"]
                ):
                    raise refused("villages", "transfer.err.village_outside", value=text)
        picked = {"villages": [v.id for _, v in villages], "sdgs": list(typed["sdgs"])}
        if company.id is not None and all(v.id is not None for _, v in villages):
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
        wanted = {id(organisation): (organisation, role) for organisation, role in partners}
        current_partners = self._partners(program)
        links_changed = (
            set(map(record_id, before["villages"])) != {v.id for _, v in villages}
            or set(before["sdgs"]) != set(typed["sdgs"])
        ) or current_partners != {record_id(o): r for o, r in wanted.values()}
        opened = (
            before
            if existed and program is not None and program.id is not None and id(program) not in self.links
            else None
        )
        if program is None:
            program = self.new(
                m.Program(
                    company_id=0,
                    name=typed["program"],
                    pillar=typed["pillar"],
                    start_date=typed["start_date"],
                ),
                company_id=company,
                name=typed["program"],
            )
        self.links[id(program)] = {"villages": [v for _, v in villages], "sdgs": list(typed["sdgs"])}
        self.found[("partners", id(program))] = {record_id(o): r for o, r in wanted.values()}
        values: dict[str, Any] = {
            "company_id": company,
            "description": typed["description"] or "",
            "pillar": typed["pillar"],
            "stage": typed["stage"] or (program.stage if existed else m.Stage.PLANNING),
            "poverty_alleviation": bool(typed["poverty_alleviation"]),
            "start_date": typed["start_date"],
            "end_date": typed["end_date"],
            **{name: checked_values[name] for name in BENEFICIARY_COLUMNS},
        }
        viewer = self.viewer
        sdgs = list(typed["sdgs"])

        def write_links(session: Session, written: m.Program) -> None:
            assert written.id is not None
            # The form's command: a village added must lie in a regency the company works in.
            entry.set_links(
                session=session,
                viewer=viewer,
                spec=entry.PROGRAM,
                record_id=written.id,
                picked={"villages": [record_id(v) for _, v in villages], "sdgs": sdgs},
                opened=opened,
            )
            replace_partners(session, written.id, {record_id(o): role for o, role in wanted.values()})

        self.save("programs", program, existed, values, links_changed=links_changed, then=write_links)

    def plan_budget(self, company: m.Company, program: m.Program, typed: Mapping[str, Any]) -> None:
        """A program's budget of a year."""
        self.authorise_company(company)
        amounts: dict[str, Any] = checked(entry.BUDGET, typed, ("year", "planned", "spent"))
        budget = self.one(m.ProgramBudget, program_id=program, year=typed["year"])
        existed = budget is not None
        if budget is None:
            budget = self.new(
                m.ProgramBudget(program_id=0, year=typed["year"]), program_id=program, year=typed["year"]
            )
            amounts["program_id"] = program
        self.save("budgets", budget, existed, amounts)

    def plan_indicator(self, company: m.Company, program: m.Program, typed: Mapping[str, Any]) -> None:
        """A program's indicator by name (``typed["indicator"]``)."""
        self.authorise_company(company)
        indicator = self.one(m.Indicator, program_id=program, name=typed["indicator"])
        existed = indicator is not None
        baseline = checked(entry.INDICATOR, typed, ("baseline_value", "baseline_year"))
        values: dict[str, Any] = {
            "unit": typed["unit"],
            "kind": typed["indicator_kind"] or m.IndicatorKind.OUTPUT,
            "baseline_value": baseline["baseline_value"],
            "baseline_year": baseline["baseline_year"],
            "direction": typed["direction"] or m.Direction.HIGHER_IS_BETTER,
            "accumulation": typed["accumulation"] or m.Accumulation.PERIODIC,
        }
        if indicator is None:
            indicator = self.new(
                m.Indicator(program_id=0, name=typed["indicator"], unit=typed["unit"]),
                program_id=program,
                name=typed["indicator"],
            )
            values["program_id"] = program
        self.save("indicators", indicator, existed, values)

    def plan_result(
        self,
        *,
        company_id: int,
        indicator: m.Indicator,
        period: m.Period,
        typed: Mapping[str, Any],
        state: str | None = None,
        from_file: bool = False,
    ) -> ResultOp | None:
        """A result's figures, held to :func:`check_result` and :func:`apply_result`: a submitted result
        whose figures change goes back to draft unless ``state`` submits it again. ``typed`` without
        ``evidence`` keeps the evidence the result has.

        ``from_file`` (an import): a verified result a row leaves as it is counts as unchanged rather
        than refused, and a result left as it is is not written again (written again, it would look
        changed to a verifier). Returns what the write will do, or None when nothing is to be written.
        """
        result = self.result(indicator, period)
        if from_file and result is not None and result.state == m.ResultState.VERIFIED:
            changed = [k for k, v in typed.items() if getattr(result, k) != v]
            if changed or (state and state != result.state):
                raise refused(changed[0] if changed else "result_state", "transfer.err.result_locked")
            self.count("unchanged", "results")
            return None
        if state == m.ResultState.VERIFIED and not self.viewer.is_admin:
            raise refused("result_state", "transfer.err.verify_not_allowed")
        values = check_result(
            viewer=self.viewer,
            company_id=company_id,
            indicator_id=indicator.id,
            result=result,
            target=typed["target"],
            actual=typed["actual"],
            narrative=typed["narrative"],
            evidence=typed.get("evidence"),
        )
        existed = result is not None
        before = None if result is None else (*(getattr(result, k) for k in typed), result.state)
        if (
            from_file
            and result is not None
            and before == (*(values[k] for k in typed), state or result.state)
        ):
            self.count("unchanged", "results")
            return None
        if result is None:
            result = cast(m.Result, NewResult(indicator_id=indicator.id or 0, period_id=period.id or 0))
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
        self.count(outcome, "results")
        op = ResultOp(self.number, result, existed, seen_version, indicator, period, audit_before, values)
        self.result_ops.append(op)
        return op

    def plan_action(
        self,
        company: m.Company,
        program: m.Program,
        indicator: m.Indicator | None,
        evaluation: m.Evaluation | None,
        typed: Mapping[str, Any],
    ) -> None:
        """A program's follow-up action by its description."""
        self.authorise_company(company)
        if typed["action_status"] == m.ActionStatus.DONE and not typed["completed_on"]:
            raise refused("completed_on", "entry.error.completed_on")
        action = self.one(m.FollowUpAction, program_id=program, description=typed["description"])
        existed = action is not None
        values: dict[str, Any] = {
            "indicator_id": indicator,
            "evaluation_id": evaluation,
            "owner": typed["owner"] or "",
            "due_date": typed["due_date"],
            "status": typed["action_status"] or m.ActionStatus.OPEN,
            "completed_on": typed["completed_on"],
        }
        if action is None:
            action = self.new(
                m.FollowUpAction(program_id=0, description=typed["description"]),
                program_id=program,
                description=typed["description"],
            )
            values["program_id"] = program
        self.save("actions", action, existed, values)

    def plan_meeting(
        self,
        company: m.Company | None,
        organiser: m.Organisation | None,
        regency: m.Regency | None,
        typed: Mapping[str, Any],
    ) -> m.Meeting:
        """A meeting by title, day and organising company (None: an admin's)."""
        self.authorise_meeting(company)
        counted = self.check_meeting(typed)
        if company is not None and company.id is not None and regency is not None and regency.id is not None:
            offered = entry.options(self.session, self.viewer, "regencies", parent_id=company.id)
            if regency.id not in offered:  # as the meeting form offers: the company's own regencies
                raise refused("regency", "transfer.err.regency_outside", value=typed["regency"])
        key = {"title": typed["meeting"], "held_on": typed["held_on"], "organiser_company_id": company}
        meeting = self.one(m.Meeting, **key)
        existed = meeting is not None
        values: dict[str, Any] = {
            "kind": typed["meeting_kind"],
            "venue": typed["venue"] or "",
            "organiser_organisation_id": organiser,
            "regency_id": regency,
            "purpose": typed["purpose"] or "",
            "attendee_count": counted["attendee_count"],
        }
        if meeting is None:
            meeting = self.new(
                m.Meeting(kind=typed["meeting_kind"], title=typed["meeting"], held_on=typed["held_on"]), **key
            )
            values["organiser_company_id"] = company
        self.save("meetings", meeting, existed, values)
        return cast(m.Meeting, meeting)

    def plan_attendance(
        self,
        company: m.Company | None,
        meeting: m.Meeting,
        organisation: m.Organisation,
        typed: Mapping[str, Any],
    ) -> None:
        """How many people of an organisation came to a meeting organised by ``company``."""
        self.authorise_meeting(company)
        head_count = checked(entry.ATTENDANCE, typed, ("head_count",))["head_count"]
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

    def plan_feedback(
        self,
        company: m.Company | None,
        meeting: m.Meeting,
        organisation: m.Organisation | None,
        program: m.Program | None,
        typed: Mapping[str, Any],
    ) -> None:
        """What a speaker said at a meeting organised by ``company``, and how it was answered."""
        self.authorise_meeting(company)
        status = typed["feedback_status"] or m.FeedbackStatus.OPEN
        if status == m.FeedbackStatus.DECLINED and not typed["decline_reason"]:
            raise refused("decline_reason", "transfer.err.decline_reason")
        texts = checked(FEEDBACK, {"text": typed["text"], "speaker": typed["speaker"] or ""})
        speaker = texts["speaker"]
        key = {"meeting_id": meeting, "speaker": speaker, "text": texts["text"]}
        item = self.one(m.FeedbackItem, **key)
        existed = item is not None
        values: dict[str, Any] = {
            "organisation_id": organisation,
            "source_type": typed["source_type"] or (organisation.org_type if organisation else None),
            "program_id": program,
            "kind": typed["feedback_kind"],
            "response": typed["response"] or "",
            "status": status,
            "decline_reason": typed["decline_reason"] or "",
            "moderation": typed["moderation"]
            or (item.moderation if item is not None else m.Moderation.PENDING),
        }
        if item is None:
            item = self.new(
                m.FeedbackItem(
                    meeting_id=0, kind=typed["feedback_kind"], text=texts["text"], speaker=speaker
                ),
                **key,
            )
            values["meeting_id"] = meeting
        self.save("feedback", item, existed, values)

    def plan_evaluation(
        self,
        company: m.Company,
        period: m.Period,
        meeting: m.Meeting | None,
        programs: list[m.Program],
        typed: Mapping[str, Any],
    ) -> None:
        """A company's evaluation by title and day (``typed["evaluation"]``, ``typed["evaluated_on"]``)
        and the programs it covers."""
        self.authorise_company(company)
        covered = {id(p): p for p in programs}
        key = {"company_id": company, "title": typed["evaluation"], "held_on": typed["evaluated_on"]}
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
        links_changed = self.found.get(covered_key, set()) != {p.id for p in covered.values()}
        values: dict[str, Any] = {"period_id": period, "meeting_id": meeting, "notes": typed["notes"] or ""}
        if evaluation is None:
            evaluation = self.new(
                m.Evaluation(
                    company_id=0, period_id=0, title=typed["evaluation"], held_on=typed["evaluated_on"]
                ),
                **key,
            )
            values["company_id"] = company
        self.found[("covered", id(evaluation))] = {p.id for p in covered.values()}

        def cover(session: Session, written: m.Evaluation) -> None:
            assert written.id is not None
            db.replace_links(
                session,
                m.EvaluationProgram,
                owner="evaluation_id",
                owner_id=written.id,
                column="program_id",
                wanted={p.id for p in covered.values()},
            )

        self.save("evaluations", evaluation, existed, values, links_changed=links_changed, then=cover)

    # Writing -------------------------------------------------------------------------------
    def commit(self, engine: Engine, *, file_name: str, summary: dict[str, Any]) -> list[Failure]:
        """Write the plan of a file's import in one transaction of its own, with the audit row of the
        file (``summary``: what it created and updated); nothing is written when a failure stops it."""
        self.spent = True  # a write, even one rolled back, leaves its ids in the plan's records
        self.prepare()  # before the write lock is taken
        try:
            with db.write_session(engine) as session:
                failures = self.write(session)
                if failures:
                    raise _Rollback(failures)
                audit.record(
                    session=session,
                    actor=self.viewer,
                    action="import",
                    entity="file",
                    detail=file_name[:200],
                    after=summary,
                )
        except _Rollback as stopped:
            return stopped.failures
        return []

    def write(self, session: Session) -> list[Failure]:
        """Write what was planned, in the caller's transaction; the failures that stop it.

        A record the plan read and someone else changed since is a failure of its change, as is a
        record another writer created meanwhile under the same natural key. The result rows and their
        audit rows are prepared before (:meth:`prepare`); here each table's records go in as a few bulk
        statements, and the records read are compared a chunk at a time."""
        results = self.prepared or self.prepare()
        try:
            changed = self._changed_since(session)
        except SQLAlchemyError:
            return [Failure(self.ops[0].part, self.ops[0].number, "transfer.err.database")]
        if changed is not None:
            return [Failure(changed.part or "results", changed.number, "transfer.err.changed")]
        position = 0
        while position < len(self.ops):
            batch = self._batch(position)
            try:
                if len(batch) > 1:
                    self._insert(session, batch)
                else:
                    self._apply(session, batch[0])
            except (FieldErrors, entry.EditConflict):
                return [Failure(batch[0].part or "results", batch[0].number, "transfer.err.changed")]
            except SQLAlchemyError:
                return [Failure(batch[0].part or "results", batch[0].number, "transfer.err.database")]
            position += len(batch)
        try:
            session.flush()
            return self._write_results(session, results)
        except SQLAlchemyError:
            number = self.result_ops[0].number if self.result_ops else 1
            return [Failure("results", number, "transfer.err.database")]

    def _changed_since(self, session: Session) -> Op | None:
        """The first op whose record, read by the plan, someone else changed or deleted since; the
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

    def _batch(self, position: int) -> list[Op]:
        """The ops from ``position`` that one INSERT can write: records this batch creates, of one table,
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

    def _insert(self, session: Session, batch: list[Op]) -> None:
        """Insert new records of one table in one statement and take their ids; later ops find them in
        ``session`` as records read."""
        model = type(batch[0].record)
        table = model.__table__
        (key,) = inspect(model).primary_key
        rows = []
        for op in batch:
            for name, value in op.values.items():
                setattr(op.record, name, record_id(value))
            rows.append({c.name: getattr(op.record, c.name) for c in table.columns if c is not key})
        statement = insert(table).returning(key, sort_by_parameter_order=True)
        new_ids = session.connection().execute(statement, rows).scalars().all()
        for op, new_id in zip(batch, new_ids, strict=True):
            setattr(op.record, key.name, new_id)
            make_transient_to_detached(op.record)
            session.add(op.record)
        session.info.setdefault("written_tables", set()).add(table.name)

    def _apply(self, session: Session, op: Op) -> None:
        record = op.record
        if op.existed and id(record) not in self.created:
            target = session.get(type(record), inspect(record).identity)  # loaded by _changed_since
        else:
            target = record
        for key, value in op.values.items():
            setattr(target, key, record_id(value))
        session.add(target)
        if not op.existed or op.then is not None:
            session.flush()  # its id, for the ops after it and for its own step
        if op.then is not None:
            op.then(session, target)

    def prepare(self) -> PreparedResults:
        """What the write of the results needs, worked out before its transaction begins: every column
        of each result row and the audit row of each result change."""
        columns = [c.name for c in inspect(m.Result).columns if c.name != "id"]
        first: dict[int, ResultOp] = {}
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
        self.prepared = PreparedResults(
            stored=stored,
            fresh=fresh,
            stored_rows=[
                {"id": op.record.id, **{c: getattr(op.record, c) for c in columns}} for op in stored
            ],
            fresh_rows=[{c: getattr(op.record, c) for c in columns} for op in fresh],
            audits=audits,
        )
        return self.prepared

    def _write_results(self, session: Session, prepared: PreparedResults) -> list[Failure]:
        """Every result at once: one statement for the new, one for the changed, one for the audit."""
        stored, fresh = prepared.stored, prepared.fresh
        failures: list[Failure] = []
        for chunk in _chunks(stored):
            versions = dict(
                session.exec(
                    select(m.Result.id, m.Result.version)
                    .where(col(m.Result.id).in_([op.record.id for op in chunk]))
                    .with_for_update()
                ).all()
            )
            failures += [
                Failure("results", op.number, "transfer.err.changed")
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
            failures += [
                Failure("results", op.number, "transfer.err.changed")
                for op in chunk
                if (op.indicator.id, op.period.id) in taken
            ]
        if failures:
            return failures
        table: Any = m.Result.__table__  # type: ignore[attr-defined]
        connection = session.connection()
        if fresh:
            for op, row in zip(fresh, prepared.fresh_rows, strict=True):
                row["indicator_id"] = op.record.indicator_id = record_id(op.indicator)
                row["period_id"] = op.record.period_id = record_id(op.period)
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


class _Rollback(Exception):
    def __init__(self, failures: list[Failure]) -> None:
        super().__init__()
        self.failures = failures


def replace_partners(session: Session, program_id: int, wanted: dict[int, str]) -> bool:
    """Make a program's partners exactly ``wanted`` (organisation id → role); whether any changed."""
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

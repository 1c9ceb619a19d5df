"""The changes of records, one plan per kind of record: who may make it, what its values must be
(the forms' field specs), and which record it creates or changes. Each adds its change to a
:class:`~sinergi.writes.batch.Batch`, which writes them all at once.

Budgets and indicators have one plan for every entry point: the caller finds the record (None: a
new one) and its parent, a form by id under its transaction's lock, an import by natural key, and
passes the checked values by the form's field names. A form's save (:class:`FormSave`) is compared
with what the form was opened with and refused field by field; an import's with the record as the
plan read it, when the batch is written. Other plans still take an import row's typed values by the
names of its columns, with the records the row names resolved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlmodel import Session, select

import models as m
from models.programs import BENEFICIARY_COLUMNS
from sinergi.core import db
from sinergi.core.access import refuse
from sinergi.writes import entry
from sinergi.writes.batch import Audited, Batch, EditConflict, Op, record_id, refused
from sinergi.writes.feedback import FEEDBACK
from sinergi.writes.fields import checked


def plan_period(batch: Batch, code: str, year: int, semester: int) -> m.Period:
    """A semester by its code, created on first use: its dates follow from the code."""
    period = batch.periods.get(code)
    if period is None:
        start, end = (
            (date(year, 1, 1), date(year, 6, 30)) if semester == 1 else (date(year, 7, 1), date(year, 12, 31))
        )
        period = m.Period(code=code, year=year, semester=semester, start_date=start, end_date=end)
        batch.periods[code] = period
        batch.new(period, code=code)
        batch.ops.append(Op("", batch.number, period, False, {}))
    return period


def plan_village(batch: Batch, typed: Mapping[str, Any]) -> None:
    """A village under its district and regency, each created when missing: admins only."""
    batch.admin_only()
    regency = batch.one(m.Regency, name=typed["regency"])
    if regency is None:
        regency = m.Regency(
            name=typed["regency"],
            kind=typed["regency_kind"] or m.RegencyKind.KABUPATEN,
            province=typed["province"] or "Kalimantan Timur",
        )
        batch.new(regency, name=typed["regency"])
        batch.ops.append(Op("", batch.number, regency, False, {}))
    district = batch.one(m.District, regency_id=regency, name=typed["district"])
    if district is None:
        district = batch.new(
            m.District(regency_id=0, name=typed["district"]), regency_id=regency, name=typed["district"]
        )
        batch.ops.append(Op("", batch.number, district, False, {"regency_id": regency}))
    village = batch.one(m.Village, district_id=district, name=typed["village"])
    existed = village is not None
    values: dict[str, Any] = {"kind": typed["village_kind"] or m.VillageKind.DESA}
    if village is None:
        village = batch.new(
            m.Village(district_id=0, name=typed["village"]), district_id=district, name=typed["village"]
        )
        batch.new_villages.append((village, district))
        values["district_id"] = district
    batch.save("villages", village, existed, values)


def plan_company(batch: Batch, typed: Mapping[str, Any], regencies: list[m.Regency]) -> None:
    """A company by name, and the regencies it works in (added to those it has): admins only."""
    batch.admin_only()
    company = batch.one(m.Company, name=typed["company"])
    existed = company is not None
    if company is None:
        company = batch.new(
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

    batch.save("companies", company, existed, values, then=link_regencies)


def plan_organisation(batch: Batch, typed: Mapping[str, Any], regency: m.Regency | None) -> None:
    """An organisation by name: admins only."""
    batch.admin_only()
    found = batch.one(m.Organisation, name=typed["organisation"])
    existed = found is not None
    if found is None:
        found = batch.new(
            m.Organisation(name=typed["organisation"], org_type=typed["org_type"]),
            name=typed["organisation"],
        )
    batch.save("organisations", found, existed, {"org_type": typed["org_type"], "regency_id": regency})


def _program_links(batch: Batch, program: m.Program | None) -> dict[str, list[Any]]:
    """A program's links as the write will find them: read, or set by an earlier change."""
    if program is None:
        return {"villages": [], "sdgs": []}
    if id(program) in batch.links:
        return batch.links[id(program)]
    if program.id is None:
        return {"villages": [], "sdgs": []}
    return entry.current_links(batch.session, entry.PROGRAM, program.id)


def _partners(batch: Batch, program: m.Program | None) -> dict[Any, str]:
    key = ("partners", id(program))
    if key not in batch.found:
        batch.found[key] = (
            {}
            if program is None or program.id is None
            else {
                link.organisation_id: link.role
                for link in batch.session.exec(
                    select(m.ProgramPartner).where(m.ProgramPartner.program_id == program.id)
                )
            }
        )
    partners: dict[Any, str] = batch.found[key]
    return partners


def check_program(typed: Mapping[str, Any]) -> dict[str, Any]:
    """What a program's typed values must be, before anything they name is looked up."""
    if typed["end_date"] is not None and typed["end_date"] < typed["start_date"]:
        raise refused("end_date", "transfer.err.end_before_start")
    if any(not 1 <= sdg <= 17 for sdg in typed["sdgs"]):
        raise refused("sdgs", "transfer.err.sdg")
    return checked(entry.PROGRAM, typed, ("description", *BENEFICIARY_COLUMNS))


def check_meeting(typed: Mapping[str, Any]) -> dict[str, Any]:
    """What a meeting's typed values must be, before anything they name is looked up."""
    return checked(entry.MEETING, typed, ("attendee_count",))


@dataclass(frozen=True)
class ProgramLinks:
    """What an import row links a program to: its villages, SDGs and partners (organisation id or
    record → role), whether that changes what it has, and its links as the plan read them (None: not
    read from the database), which the write compares with what it finds."""

    villages: list[m.Village]
    sdgs: list[int]
    partners: dict[Any, tuple[m.Organisation, str]]
    changed: bool
    opened: dict[str, list[Any]] | None


def program_values(
    batch: Batch, company: m.Company, program: m.Program | None, typed: Mapping[str, Any]
) -> dict[str, Any]:
    """An import row's program, by the form's field names: the viewer may write the company's, its
    typed values fit, and what the row leaves empty keeps what the program holds (a new one: the
    default)."""
    batch.authorise_company(company)
    checked_values = check_program(typed)
    return {
        "name": typed["program"],
        "description": typed["description"] or "",
        "pillar": typed["pillar"],
        "stage": typed["stage"] or (program.stage if program is not None else m.Stage.PLANNING),
        "poverty_alleviation": bool(typed["poverty_alleviation"]),
        "start_date": typed["start_date"],
        "end_date": typed["end_date"],
        **{name: checked_values[name] for name in BENEFICIARY_COLUMNS},
    }


def program_links(
    batch: Batch,
    company: m.Company,
    program: m.Program | None,
    sdgs: list[int],
    villages: list[tuple[str, m.Village]],
    partners: list[tuple[m.Organisation, str]],
) -> ProgramLinks:
    """An import row's links of a program (each village with the text that named it), held to the
    form's rules: a village added must lie where the company works."""
    before = _program_links(batch, program)
    if villages and company.id is not None:
        allowed = entry.village_options(batch.session, company.id)
        for text, village in villages:
            if (
                village.id not in allowed
                and village not in before["villages"]
                and village.id not in before["villages"]
            ):
                raise refused("villages", "transfer.err.village_outside", value=text)
    picked: dict[str, list[Any]] = {"villages": [v.id for _, v in villages], "sdgs": list(sdgs)}
    if company.id is not None and all(v.id is not None for _, v in villages):
        # The form's command checks the same at write time: a village added must be offered.
        known = {name: [x for x in ids if x is not None] for name, ids in before.items()}
        entry.check_links(
            session=batch.session,
            viewer=batch.viewer,
            spec=entry.PROGRAM,
            parent_id=company.id,
            before=known,
            picked=picked,
        )
    wanted = {id(organisation): (organisation, role) for organisation, role in partners}
    current_partners = _partners(batch, program)
    changed = (
        set(map(record_id, before["villages"])) != {v.id for _, v in villages}
        or set(before["sdgs"]) != set(sdgs)
    ) or current_partners != {record_id(o): r for o, r in wanted.values()}
    opened = (
        before if program is not None and program.id is not None and id(program) not in batch.links else None
    )
    return ProgramLinks([v for _, v in villages], list(sdgs), wanted, changed, opened)


def plan_program(
    batch: Batch,
    company: Any,
    program: m.Program | None,
    values: Mapping[str, Any],
    form: FormSave | None = None,
    links: ProgramLinks | None = None,
) -> m.Program:
    """A program: ``program`` as found (None: a new one) of ``company`` (its record, or its id), given
    the values of :data:`~sinergi.writes.entry.PROGRAM` 's fields; with ``links``, its villages, SDGs
    and partners too (written by the form's link command)."""
    changes = dict(values)
    existed = program is not None
    if program is None:
        program = batch.new(
            m.Program(
                company_id=record_id(company),
                name=values["name"],
                pillar=values["pillar"],
                start_date=values["start_date"],
            ),
            company_id=company,
            name=values["name"],
        )
        changes["company_id"] = company
    if links is None:
        _save(batch, entry.PROGRAM, "programs", program, existed, changes, form)
        return program
    batch.links[id(program)] = {"villages": list(links.villages), "sdgs": list(links.sdgs)}
    batch.found[("partners", id(program))] = {record_id(o): r for o, r in links.partners.values()}
    viewer = batch.viewer

    def write_links(session: Session, written: m.Program) -> None:
        assert written.id is not None
        # The form's command: a village added must lie in a regency the company works in.
        entry.set_links(
            session=session,
            viewer=viewer,
            spec=entry.PROGRAM,
            record_id=written.id,
            picked={"villages": [record_id(v) for v in links.villages], "sdgs": links.sdgs},
            opened=links.opened,
        )
        replace_partners(session, written.id, {record_id(o): role for o, role in links.partners.values()})

    batch.save("programs", program, existed, changes, links_changed=links.changed, then=write_links)
    return program


@dataclass(frozen=True)
class FormSave:
    """A change saved from a form: the record is read by id under the write's lock, every value is
    written (a new version even when nothing changed) with its audit row. ``opened``: the values the
    form was opened with, which the record must still hold (None: not compared)."""

    opened: Mapping[str, Any] | None = None


def _form_checks(
    batch: Batch, spec: entry.EntitySpec, record: Any, existed: bool, values: dict[str, Any], form: FormSave
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A form's change to ``record`` checked: nobody saved the record since the form was opened, the
    viewer may write it as it becomes, what it points to is offered, a name under its parent is not
    taken. Returns the values to write and what the record held before (None: it is new)."""
    session, viewer = batch.session, batch.viewer
    before = entry.snapshot(spec, record) if existed else None
    if before is not None and form.opened is not None:
        conflicts = entry.changes_since(form.opened, before, values)
        if conflicts:
            raise EditConflict(conflicts)
    if spec is entry.MEETING and record.organiser_company_id is None and viewer.role is m.Role.AGENCY:
        # An agency's meeting is in its own regency, whatever the form says.
        values = {**values, "regency_id": viewer.regency_id}
        record.regency_id = viewer.regency_id
    if before is None and not entry.may_write(session, viewer, spec, record):
        refuse(viewer=viewer, entity=spec.entity, entity_id=None, detail="create")
    entry.check_refs(session, viewer, spec, record, values)
    entry.check_unique(session, spec, record, values)
    for name, value in values.items():
        setattr(record, name, record_id(value))
    if not entry.may_write(session, viewer, spec, record):
        refuse(
            viewer=viewer,
            entity=spec.entity,
            entity_id=record.id,
            detail="create" if before is None else "edit",
        )
    if spec is entry.FEEDBACK_RESPONSE:
        closing = values["status"] in (m.FeedbackStatus.DONE, m.FeedbackStatus.DECLINED)
        values = {**values, "closed_at": (record.closed_at or m.utcnow()) if closing else None}
    if hasattr(record, "updated_at") and before is None:
        values = {**values, "updated_at": m.utcnow()}
    return values, before


def _save(
    batch: Batch,
    spec: entry.EntitySpec,
    part: str,
    record: Any,
    existed: bool,
    values: dict[str, Any],
    form: FormSave | None,
) -> None:
    """Plan the change: an import's as it is, a form's after the form's checks, with its audit row."""
    if form is None:
        batch.save(part, record, existed, values)
        return
    values, before = _form_checks(batch, spec, record, existed, values, form)
    fields = tuple(field_spec.name for field_spec in spec.fields)
    batch.save(part, record, existed, values, always=True, audited=Audited(spec.entity, fields, before))


def budget_values(batch: Batch, company: m.Company, typed: Mapping[str, Any]) -> dict[str, Any]:
    """An import row's budget: the viewer may write the company's, and its typed values fit."""
    batch.authorise_company(company)
    return checked(entry.BUDGET, typed, ("year", "planned", "spent"))


def plan_budget(
    batch: Batch,
    program: Any,
    budget: m.ProgramBudget | None,
    values: Mapping[str, Any],
    form: FormSave | None = None,
) -> m.ProgramBudget:
    """A program's budget of a year: ``budget`` as found (None: a new one) under ``program`` (its
    record, or its id), given the values of :data:`~sinergi.writes.entry.BUDGET` 's fields."""
    amounts = dict(values)
    existed = budget is not None
    if budget is None:
        budget = batch.new(
            m.ProgramBudget(program_id=record_id(program), year=values["year"]),
            program_id=program,
            year=values["year"],
        )
        amounts["program_id"] = program
    _save(batch, entry.BUDGET, "budgets", budget, existed, amounts, form)
    return budget


def indicator_values(batch: Batch, company: m.Company, typed: Mapping[str, Any]) -> dict[str, Any]:
    """An import row's indicator, by the form's field names: the viewer may write the company's, its
    typed values fit, and what the row leaves empty takes the default a new indicator has."""
    batch.authorise_company(company)
    baseline = checked(entry.INDICATOR, typed, ("baseline_value", "baseline_year"))
    return {
        "name": typed["indicator"],
        "unit": typed["unit"],
        "kind": typed["indicator_kind"] or m.IndicatorKind.OUTPUT,
        "baseline_value": baseline["baseline_value"],
        "baseline_year": baseline["baseline_year"],
        "direction": typed["direction"] or m.Direction.HIGHER_IS_BETTER,
        "accumulation": typed["accumulation"] or m.Accumulation.PERIODIC,
    }


def plan_indicator(
    batch: Batch,
    program: Any,
    indicator: m.Indicator | None,
    values: Mapping[str, Any],
    form: FormSave | None = None,
) -> m.Indicator:
    """A program's indicator: ``indicator`` as found (None: a new one) under ``program`` (its record,
    or its id), given the values of :data:`~sinergi.writes.entry.INDICATOR` 's fields."""
    changes = dict(values)
    existed = indicator is not None
    if indicator is None:
        indicator = batch.new(
            m.Indicator(program_id=record_id(program), name=values["name"], unit=values["unit"]),
            program_id=program,
            name=values["name"],
        )
        changes["program_id"] = program
    _save(batch, entry.INDICATOR, "indicators", indicator, existed, changes, form)
    return indicator


def action_values(
    batch: Batch,
    company: m.Company,
    indicator: m.Indicator | None,
    evaluation: m.Evaluation | None,
    typed: Mapping[str, Any],
) -> dict[str, Any]:
    """An import row's follow-up action, by the form's field names: the viewer may write the company's,
    one done says when, and what the row leaves empty takes the default."""
    batch.authorise_company(company)
    if typed["action_status"] == m.ActionStatus.DONE and not typed["completed_on"]:
        raise refused("completed_on", "entry.error.completed_on")
    return {
        "description": typed["description"],
        "indicator_id": indicator,
        "evaluation_id": evaluation,
        "owner": typed["owner"] or "",
        "due_date": typed["due_date"],
        "status": typed["action_status"] or m.ActionStatus.OPEN,
        "completed_on": typed["completed_on"],
    }


def plan_action(
    batch: Batch,
    program: Any,
    action: m.FollowUpAction | None,
    values: Mapping[str, Any],
    form: FormSave | None = None,
) -> m.FollowUpAction:
    """A program's follow-up action: ``action`` as found (None: a new one) under ``program`` (its
    record, or its id), given the values of :data:`~sinergi.writes.entry.ACTION` 's fields."""
    changes = dict(values)
    existed = action is not None
    if action is None:
        action = batch.new(
            m.FollowUpAction(program_id=record_id(program), description=values["description"]),
            program_id=program,
            description=values["description"],
        )
        changes["program_id"] = program
    _save(batch, entry.ACTION, "actions", action, existed, changes, form)
    return action


def meeting_values(
    batch: Batch,
    company: m.Company | None,
    organiser: m.Organisation | None,
    regency: m.Regency | None,
    typed: Mapping[str, Any],
) -> dict[str, Any]:
    """An import row's meeting organised by ``company`` (None: an admin's), by the form's field names
    and its organising organisation: the viewer may keep it, its typed values fit, its regency is
    one the form offers."""
    batch.authorise_meeting(company)
    counted = check_meeting(typed)
    if company is not None and company.id is not None and regency is not None and regency.id is not None:
        offered = entry.options(batch.session, batch.viewer, "regencies", parent_id=company.id)
        if regency.id not in offered:  # as the meeting form offers: the company's own regencies
            raise refused("regency", "transfer.err.regency_outside", value=typed["regency"])
    return {
        "title": typed["meeting"],
        "kind": typed["meeting_kind"],
        "held_on": typed["held_on"],
        "venue": typed["venue"] or "",
        "organiser_organisation_id": organiser,
        "regency_id": regency,
        "purpose": typed["purpose"] or "",
        "attendee_count": counted["attendee_count"],
    }


def plan_meeting(
    batch: Batch,
    company: Any,
    meeting: m.Meeting | None,
    values: Mapping[str, Any],
    form: FormSave | None = None,
) -> m.Meeting:
    """A meeting: ``meeting`` as found (None: a new one) organised by ``company`` (its record, its id,
    or None: an admin's or an agency's), given the values of :data:`~sinergi.writes.entry.MEETING` 's
    fields."""
    changes = dict(values)
    existed = meeting is not None
    if meeting is None:
        key = {"title": values["title"], "held_on": values["held_on"], "organiser_company_id": company}
        meeting = batch.new(
            m.Meeting(
                kind=values["kind"],
                title=values["title"],
                held_on=values["held_on"],
                organiser_company_id=record_id(company),
            ),
            **key,
        )
        changes["organiser_company_id"] = company
    _save(batch, entry.MEETING, "meetings", meeting, existed, changes, form)
    return cast(m.Meeting, meeting)


def plan_attendance(
    batch: Batch,
    company: m.Company | None,
    meeting: m.Meeting,
    organisation: m.Organisation,
    typed: Mapping[str, Any],
) -> None:
    """How many people of an organisation came to a meeting organised by ``company``."""
    batch.authorise_meeting(company)
    head_count = checked(entry.ATTENDANCE, typed, ("head_count",))["head_count"]
    found = batch.one(m.MeetingAttendance, meeting_id=meeting, organisation_id=organisation)
    existed = found is not None
    values: dict[str, Any] = {"head_count": head_count}
    if found is None:
        found = batch.new(
            m.MeetingAttendance(meeting_id=0, organisation_id=0),
            meeting_id=meeting,
            organisation_id=organisation,
        )
        values |= {"meeting_id": meeting, "organisation_id": organisation}
    batch.save("attendance", found, existed, values)


def feedback_values(
    batch: Batch,
    company: m.Company | None,
    meeting: m.Meeting,
    organisation: m.Organisation | None,
    program: m.Program | None,
    typed: Mapping[str, Any],
) -> tuple[m.FeedbackItem | None, dict[str, Any]]:
    """An import row's feedback at a meeting organised by ``company``, found by what its speaker said
    (None: new), and its values: the viewer may keep the meeting, a declined one says why, and what
    the row leaves empty keeps what the item holds."""
    batch.authorise_meeting(company)
    status = typed["feedback_status"] or m.FeedbackStatus.OPEN
    if status == m.FeedbackStatus.DECLINED and not typed["decline_reason"]:
        raise refused("decline_reason", "transfer.err.decline_reason")
    said = checked(FEEDBACK, {"text": typed["text"], "speaker": typed["speaker"] or ""})
    item: m.FeedbackItem | None = batch.one(
        m.FeedbackItem, meeting_id=meeting, speaker=said["speaker"], text=said["text"]
    )
    return item, {
        **said,
        "organisation_id": organisation,
        "source_type": typed["source_type"] or (organisation.org_type if organisation else None),
        "program_id": program,
        "kind": typed["feedback_kind"],
        "response": typed["response"] or "",
        "status": status,
        "decline_reason": typed["decline_reason"] or "",
        "moderation": typed["moderation"] or (item.moderation if item is not None else m.Moderation.PENDING),
    }


def plan_feedback(
    batch: Batch,
    meeting: Any,
    item: m.FeedbackItem | None,
    values: Mapping[str, Any],
    form: FormSave | None = None,
) -> m.FeedbackItem:
    """What a speaker said at ``meeting`` (its record, or its id), and how it was answered: ``item``
    as found (None: a new one, which only an import makes). A form gives the values of
    :data:`~sinergi.writes.entry.FEEDBACK_RESPONSE` 's fields."""
    changes = dict(values)
    existed = item is not None
    if item is None:
        key = {"meeting_id": meeting, "speaker": values["speaker"], "text": values["text"]}
        item = batch.new(
            m.FeedbackItem(
                meeting_id=record_id(meeting),
                kind=values["kind"],
                text=values["text"],
                speaker=values["speaker"],
            ),
            **key,
        )
        changes["meeting_id"] = meeting
    _save(batch, entry.FEEDBACK_RESPONSE, "feedback", item, existed, changes, form)
    return item


def evaluation_values(
    batch: Batch, company: m.Company, period: m.Period, meeting: m.Meeting | None, typed: Mapping[str, Any]
) -> dict[str, Any]:
    """An import row's evaluation, by the form's field names: the viewer may write the company's."""
    batch.authorise_company(company)
    return {
        "title": typed["evaluation"],
        "held_on": typed["evaluated_on"],
        "period_id": period,
        "meeting_id": meeting,
        "notes": typed["notes"] or "",
    }


def plan_evaluation(
    batch: Batch,
    company: Any,
    evaluation: m.Evaluation | None,
    values: Mapping[str, Any],
    form: FormSave | None = None,
    programs: list[m.Program] | None = None,
) -> m.Evaluation:
    """A company's evaluation: ``evaluation`` as found (None: a new one) of ``company`` (its record, or
    its id), given the values of :data:`~sinergi.writes.entry.EVALUATION` 's fields; with
    ``programs``, the programs it covers too (a form sets them with the link command)."""
    changes = dict(values)
    existed = evaluation is not None
    covered_key = ("covered", id(evaluation))
    read = evaluation is not None and evaluation.id is not None and covered_key not in batch.found
    if programs is not None and read:
        assert evaluation is not None
        batch.found[covered_key] = set(
            batch.session.exec(
                select(m.EvaluationProgram.program_id).where(
                    m.EvaluationProgram.evaluation_id == evaluation.id
                )
            )
        )
    if evaluation is None:
        key = {"company_id": company, "title": values["title"], "held_on": values["held_on"]}
        evaluation = batch.new(
            m.Evaluation(
                company_id=record_id(company),
                period_id=record_id(values["period_id"]),
                title=values["title"],
                held_on=values["held_on"],
            ),
            **key,
        )
        changes["company_id"] = company
    if programs is None:
        _save(batch, entry.EVALUATION, "evaluations", evaluation, existed, changes, form)
        return evaluation
    covered = {id(p): p for p in programs}
    links_changed = batch.found.get(covered_key, set()) != {p.id for p in covered.values()}
    batch.found[("covered", id(evaluation))] = {p.id for p in covered.values()}

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

    batch.save("evaluations", evaluation, existed, changes, links_changed=links_changed, then=cover)
    return evaluation


# The plan of each form's kind of record, by entity: called as plan(batch, parent, record, values, form).
PLANS: Mapping[str, Any] = {
    entry.PROGRAM.entity: plan_program,
    entry.INDICATOR.entity: plan_indicator,
    entry.BUDGET.entity: plan_budget,
    entry.ACTION.entity: plan_action,
    entry.EVALUATION.entity: plan_evaluation,
    entry.MEETING.entity: plan_meeting,
    entry.FEEDBACK_RESPONSE.entity: plan_feedback,
}


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

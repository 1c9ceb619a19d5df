"""The changes an import's rows make, one plan per kind of record: who may make it, what its typed
values must be (the forms' field specs), and which record it creates or changes. Each adds its change
to a :class:`~sinergi.writes.batch.Batch`, which writes them all at once.

The typed values come by the names of the import's columns; records named by a row come resolved.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, cast

from sqlmodel import Session, select

import models as m
from models.programs import BENEFICIARY_COLUMNS
from sinergi.core import db
from sinergi.writes import entry
from sinergi.writes.batch import Batch, Op, record_id, refused
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


# The form's checks, then the form's link command at write time: one rule for both, so long.
def plan_program(
    batch: Batch,
    company: m.Company,
    typed: Mapping[str, Any],
    villages: list[tuple[str, m.Village]],
    partners: list[tuple[m.Organisation, str]],
) -> None:
    """A program of ``company`` by name (``typed["program"]``), its villages (each with the text
    that named it), SDGs and partners (organisation and role)."""
    batch.authorise_company(company)
    program = batch.one(m.Program, company_id=company, name=typed["program"])
    existed = program is not None
    checked_values = check_program(typed)
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
    picked = {"villages": [v.id for _, v in villages], "sdgs": list(typed["sdgs"])}
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
    links_changed = (
        set(map(record_id, before["villages"])) != {v.id for _, v in villages}
        or set(before["sdgs"]) != set(typed["sdgs"])
    ) or current_partners != {record_id(o): r for o, r in wanted.values()}
    opened = (
        before
        if existed and program is not None and program.id is not None and id(program) not in batch.links
        else None
    )
    if program is None:
        program = batch.new(
            m.Program(
                company_id=0,
                name=typed["program"],
                pillar=typed["pillar"],
                start_date=typed["start_date"],
            ),
            company_id=company,
            name=typed["program"],
        )
    batch.links[id(program)] = {"villages": [v for _, v in villages], "sdgs": list(typed["sdgs"])}
    batch.found[("partners", id(program))] = {record_id(o): r for o, r in wanted.values()}
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
    viewer = batch.viewer
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

    batch.save("programs", program, existed, values, links_changed=links_changed, then=write_links)


def plan_budget(batch: Batch, company: m.Company, program: m.Program, typed: Mapping[str, Any]) -> None:
    """A program's budget of a year."""
    batch.authorise_company(company)
    amounts: dict[str, Any] = checked(entry.BUDGET, typed, ("year", "planned", "spent"))
    budget = batch.one(m.ProgramBudget, program_id=program, year=typed["year"])
    existed = budget is not None
    if budget is None:
        budget = batch.new(
            m.ProgramBudget(program_id=0, year=typed["year"]), program_id=program, year=typed["year"]
        )
        amounts["program_id"] = program
    batch.save("budgets", budget, existed, amounts)


def plan_indicator(batch: Batch, company: m.Company, program: m.Program, typed: Mapping[str, Any]) -> None:
    """A program's indicator by name (``typed["indicator"]``)."""
    batch.authorise_company(company)
    indicator = batch.one(m.Indicator, program_id=program, name=typed["indicator"])
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
        indicator = batch.new(
            m.Indicator(program_id=0, name=typed["indicator"], unit=typed["unit"]),
            program_id=program,
            name=typed["indicator"],
        )
        values["program_id"] = program
    batch.save("indicators", indicator, existed, values)


def plan_action(
    batch: Batch,
    company: m.Company,
    program: m.Program,
    indicator: m.Indicator | None,
    evaluation: m.Evaluation | None,
    typed: Mapping[str, Any],
) -> None:
    """A program's follow-up action by its description."""
    batch.authorise_company(company)
    if typed["action_status"] == m.ActionStatus.DONE and not typed["completed_on"]:
        raise refused("completed_on", "entry.error.completed_on")
    action = batch.one(m.FollowUpAction, program_id=program, description=typed["description"])
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
        action = batch.new(
            m.FollowUpAction(program_id=0, description=typed["description"]),
            program_id=program,
            description=typed["description"],
        )
        values["program_id"] = program
    batch.save("actions", action, existed, values)


def plan_meeting(
    batch: Batch,
    company: m.Company | None,
    organiser: m.Organisation | None,
    regency: m.Regency | None,
    typed: Mapping[str, Any],
) -> m.Meeting:
    """A meeting by title, day and organising company (None: an admin's)."""
    batch.authorise_meeting(company)
    counted = check_meeting(typed)
    if company is not None and company.id is not None and regency is not None and regency.id is not None:
        offered = entry.options(batch.session, batch.viewer, "regencies", parent_id=company.id)
        if regency.id not in offered:  # as the meeting form offers: the company's own regencies
            raise refused("regency", "transfer.err.regency_outside", value=typed["regency"])
    key = {"title": typed["meeting"], "held_on": typed["held_on"], "organiser_company_id": company}
    meeting = batch.one(m.Meeting, **key)
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
        meeting = batch.new(
            m.Meeting(kind=typed["meeting_kind"], title=typed["meeting"], held_on=typed["held_on"]), **key
        )
        values["organiser_company_id"] = company
    batch.save("meetings", meeting, existed, values)
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


def plan_feedback(
    batch: Batch,
    company: m.Company | None,
    meeting: m.Meeting,
    organisation: m.Organisation | None,
    program: m.Program | None,
    typed: Mapping[str, Any],
) -> None:
    """What a speaker said at a meeting organised by ``company``, and how it was answered."""
    batch.authorise_meeting(company)
    status = typed["feedback_status"] or m.FeedbackStatus.OPEN
    if status == m.FeedbackStatus.DECLINED and not typed["decline_reason"]:
        raise refused("decline_reason", "transfer.err.decline_reason")
    texts = checked(FEEDBACK, {"text": typed["text"], "speaker": typed["speaker"] or ""})
    speaker = texts["speaker"]
    key = {"meeting_id": meeting, "speaker": speaker, "text": texts["text"]}
    item = batch.one(m.FeedbackItem, **key)
    existed = item is not None
    values: dict[str, Any] = {
        "organisation_id": organisation,
        "source_type": typed["source_type"] or (organisation.org_type if organisation else None),
        "program_id": program,
        "kind": typed["feedback_kind"],
        "response": typed["response"] or "",
        "status": status,
        "decline_reason": typed["decline_reason"] or "",
        "moderation": typed["moderation"] or (item.moderation if item is not None else m.Moderation.PENDING),
    }
    if item is None:
        item = batch.new(
            m.FeedbackItem(meeting_id=0, kind=typed["feedback_kind"], text=texts["text"], speaker=speaker),
            **key,
        )
        values["meeting_id"] = meeting
    batch.save("feedback", item, existed, values)


def plan_evaluation(
    batch: Batch,
    company: m.Company,
    period: m.Period,
    meeting: m.Meeting | None,
    programs: list[m.Program],
    typed: Mapping[str, Any],
) -> None:
    """A company's evaluation by title and day (``typed["evaluation"]``, ``typed["evaluated_on"]``)
    and the programs it covers."""
    batch.authorise_company(company)
    covered = {id(p): p for p in programs}
    key = {"company_id": company, "title": typed["evaluation"], "held_on": typed["evaluated_on"]}
    evaluation = batch.one(m.Evaluation, **key)
    existed = evaluation is not None
    covered_key = ("covered", id(evaluation))
    if evaluation is not None and evaluation.id is not None and covered_key not in batch.found:
        batch.found[covered_key] = set(
            batch.session.exec(
                select(m.EvaluationProgram.program_id).where(
                    m.EvaluationProgram.evaluation_id == evaluation.id
                )
            )
        )
    links_changed = batch.found.get(covered_key, set()) != {p.id for p in covered.values()}
    values: dict[str, Any] = {"period_id": period, "meeting_id": meeting, "notes": typed["notes"] or ""}
    if evaluation is None:
        evaluation = batch.new(
            m.Evaluation(company_id=0, period_id=0, title=typed["evaluation"], held_on=typed["evaluated_on"]),
            **key,
        )
        values["company_id"] = company
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

    batch.save("evaluations", evaluation, existed, values, links_changed=links_changed, then=cover)


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

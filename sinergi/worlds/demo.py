"""The demo world of the five seed articles, loaded from the files in ``data/demo/``.

One CSV file per sheet of the import template goes through the import a user runs (``read_upload``,
``import_sheets``, as the system). What the template does not hold is written by the commands of the
writes layer. Everything is found by natural key, so loading twice changes nothing.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, func, select

import models as m
from sinergi.core.access import SYSTEM
from sinergi.core.db import read_session, reads, write_session
from sinergi.i18n.texts import translate
from sinergi.transfer.importing import Report, import_sheets
from sinergi.transfer.parsing import SheetRows, read_upload
from sinergi.transfer.sheets import SHEETS
from sinergi.writes import compliance, entry, history
from sinergi.writes import results as result_commands

DATA = Path(__file__).resolve().parents[2] / "data" / "demo"

# Names of the demo world that pages and tests refer to; the data files hold them.
KPI = "PT Kilang Pertamina Internasional Unit Balikpapan"
INDEXIM = "PT Indexim Coalindo"
LOA_KULU = "PT Loa Kulu Bara Sejahtera"
JANGGUT = "PT Janggut Sawit Nusantara"
KENOHAN = "PT Kenohan Agro Lestari"
SANGA = "PT Sanga Energi Batubara"
KUKAR = "Kabupaten Kutai Kartanegara"
FRAMEWORK_NAME = "Rakor TJSP Penanggulangan Kemiskinan 2023"

# Every table the demo fills.
DEMO_TABLES: tuple[type[SQLModel], ...] = (
    m.Regency,
    m.District,
    m.Village,
    m.Company,
    m.CompanyRegency,
    m.Organisation,
    m.Period,
    m.Program,
    m.ProgramSdg,
    m.ProgramVillage,
    m.ProgramPartner,
    m.ProgramBudget,
    m.Indicator,
    m.Result,
    m.Meeting,
    m.MeetingAttendance,
    m.MeetingProgram,
    m.Evaluation,
    m.EvaluationProgram,
    m.FollowUpAction,
    m.FeedbackItem,
    m.Framework,
    m.FrameworkPoint,
    m.FrameworkParticipation,
    m.ComplianceRecord,
)


class DemoDataError(Exception):
    """The data files do not import cleanly; the message lists each problem by sheet, row and column."""


def demo_sheets() -> list[SheetRows]:
    """The import sheets of the demo, read as an upload of each file would be."""
    return [
        sheet
        for spec in SHEETS
        for sheet in read_upload(f"{spec.key}.csv", (DATA / f"{spec.key}.csv").read_bytes(), entity=spec.key)
    ]


def _rows(name: str) -> Iterator[dict[str, str]]:
    """The rows of ``data/demo/<name>.csv``."""
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as file:
        yield from csv.DictReader(file)


def _toml(name: str) -> dict[str, Any]:
    """The contents of ``data/demo/<name>.toml``."""
    with (DATA / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _company_names() -> tuple[str, ...]:
    (companies,) = (sheet for sheet in demo_sheets() if sheet.spec.key == "companies")
    return tuple(str(cells["company"]) for _, cells in companies.rows)


DEMO_COMPANY_NAMES: tuple[str, ...] = _company_names()


@reads(m.Company)
def holds_demo_data(*, session: Session) -> bool:
    """Whether the demo companies are in the database, so the pages can say the figures are invented."""
    statement = select(func.count()).select_from(m.Company).where(col(m.Company.name).in_(DEMO_COMPANY_NAMES))
    return bool(session.exec(statement).one())


def _counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {
            str(model.__tablename__): session.exec(select(func.count()).select_from(model)).one()
            for model in DEMO_TABLES
        }


def load_demo(*, engine: Engine) -> dict[str, int]:
    """Insert what is missing of the demo world; return the rows added per table (all zero when present)."""
    before = _counts(engine)
    sheets = demo_sheets()
    with read_session(engine) as session:
        present = holds_demo_data(session=session)
        _returned_as_held(session, sheets)
    # Over a demo already loaded, a dry run first: an import that would change nothing is not run,
    # as a run writes its audit row (and re-records the results not yet verified) even then.
    if not present or _changes(import_sheets(engine=engine, viewer=SYSTEM, sheets=sheets, commit=False)):
        _check(import_sheets(engine=engine, viewer=SYSTEM, sheets=sheets, commit=True, file_name="data/demo"))
    with write_session(engine) as session:
        _organisation_villages(session)
        _meeting_programs(session)
        _feedback_follow_ups(session)
        _moments(session, sheets)
        _frameworks(session)
        _compliance(session)
    after = _counts(engine)
    return {table: after[table] - before[table] for table in before}


def _changes(report: Report) -> bool:
    _check(report)
    return bool(report.created or report.updated)


def _check(report: Report) -> None:
    if report.problems:
        raise DemoDataError(
            "; ".join(f"{p.sheet} row {p.row} {p.column}: {p.key} {dict(p.values)}" for p in report.problems)
        )


# --- what the import template does not hold ------------------------------------------------------------


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _one(session: Session, model: type[Any], **key: Any) -> Any:
    return session.exec(select(model).filter_by(**key)).one()


def _meeting(session: Session, company: str, title: str, held_on: str) -> m.Meeting:
    organiser = _one(session, m.Company, name=company).id if company else None
    meeting: m.Meeting = _one(
        session, m.Meeting, title=title, held_on=date.fromisoformat(held_on), organiser_company_id=organiser
    )
    return meeting


def _program(session: Session, company_id: int, name: str) -> m.Program:
    program: m.Program = _one(session, m.Program, company_id=company_id, name=name)
    return program


def _organisation_villages(session: Session) -> None:
    """An organisation's village, which no sheet holds."""
    for row in _rows("organisation_villages"):
        organisation = _one(session, m.Organisation, name=row["organisation"])
        village = session.exec(
            select(m.Village)
            .join(m.District, col(m.District.id) == col(m.Village.district_id))
            .where(col(m.Village.name) == row["village"], col(m.District.name) == row["district"])
        ).one()
        assert village.id is not None
        history.place_organisation(
            session=session, viewer=SYSTEM, organisation_id=organisation.id, village_id=village.id
        )


def _meeting_programs(session: Session) -> None:
    """The programs each meeting discussed, through the meeting form's links (those it holds stay)."""
    wanted: dict[int, set[int]] = {}
    for row in _rows("meeting_programs"):
        meeting = _meeting(session, row["company"], row["meeting"], row["held_on"])
        assert meeting.id is not None
        if meeting.organiser_company_id is not None:
            program = _program(session, meeting.organiser_company_id, row["program"])
        else:
            program = _one(session, m.Program, name=row["program"])
        assert program.id is not None
        wanted.setdefault(meeting.id, set()).add(program.id)
    for meeting_id, programs in wanted.items():
        current = set(entry.current_links(session, entry.MEETING, meeting_id)["programs"])
        if not programs <= current:
            entry.set_links(
                session=session,
                viewer=SYSTEM,
                spec=entry.MEETING,
                record_id=meeting_id,
                picked={"programs": sorted(current | programs)},
            )


def _feedback_item(session: Session, row: dict[str, str]) -> m.FeedbackItem:
    meeting = _meeting(session, row["company"], row["meeting"], row["held_on"])
    item: m.FeedbackItem = _one(
        session, m.FeedbackItem, meeting_id=meeting.id, speaker=row["speaker"], text=row["text"]
    )
    return item


def _feedback_follow_ups(session: Session) -> None:
    """The action that answers a feedback item, through the response form's command."""
    for row in _rows("feedback_followups"):
        if not row["follow_up"]:
            continue
        item = _feedback_item(session, row)
        assert item.program_id is not None
        action = _one(session, m.FollowUpAction, program_id=item.program_id, description=row["follow_up"])
        if item.follow_up_id != action.id:
            entry.save_record(
                session=session,
                viewer=SYSTEM,
                spec=entry.FEEDBACK_RESPONSE,
                record_id=item.id,
                typed={
                    "status": item.status,
                    "response": item.response,
                    "decline_reason": item.decline_reason,
                    "follow_up_id": action.id,
                },
            )


_RESULT_KEY = ("company", "program", "indicator", "period")


def _returned() -> dict[tuple[str, ...], dict[str, Any]]:
    """The results the demo's verifier sent back (moments.toml), by company, program, indicator, period."""
    return {
        tuple(str(entry[k]) for k in _RESULT_KEY): entry for entry in _toml("moments").get("returned", [])
    }


def _returned_as_held(session: Session, sheets: list[SheetRows]) -> None:
    """A result the verifier sent back is "submitted" in results.csv, as its company gave it; once it is
    sent back, its row says "returned", as an export would, so that loading the demo again leaves it."""
    returned = _returned()
    for sheet in sheets:
        if sheet.spec.key != "results":
            continue
        for _, cells in sheet.rows:
            key = tuple(str(cells[k]) for k in _RESULT_KEY)
            if key in returned and _result_state(session, key) == m.ResultState.RETURNED:
                cells["result_state"] = translate("result_state.returned", "id")


def _result_state(session: Session, key: tuple[str, ...]) -> str | None:
    company, program, indicator, period = key
    return session.exec(
        select(m.Result.state)
        .join(m.Indicator, col(m.Indicator.id) == col(m.Result.indicator_id))
        .join(m.Program, col(m.Program.id) == col(m.Indicator.program_id))
        .join(m.Company, col(m.Company.id) == col(m.Program.company_id))
        .join(m.Period, col(m.Period.id) == col(m.Result.period_id))
        .where(
            col(m.Company.name) == company,
            col(m.Program.name) == program,
            col(m.Indicator.name) == indicator,
            col(m.Period.code) == period,
        )
    ).first()


def _moments(session: Session, sheets: list[SheetRows]) -> None:
    """When results were submitted and verified, and feedback given and closed: the demo's history lies
    in the past, where a command stamps the moment it runs."""
    moments = _toml("moments")
    results, feedback = moments["results"], moments["feedback"]
    by_key = {sheet.spec.key: sheet for sheet in sheets}
    programs = {
        program.id: (company, program.name)
        for program, company in session.exec(
            select(m.Program, m.Company.name).join(m.Company, col(m.Company.id) == col(m.Program.company_id))
        )
    }
    by_names: dict[tuple[str, ...], tuple[m.Result, m.Period]] = {
        (*programs[indicator.program_id], indicator.name, period.code): (result, period)
        for result, period, indicator in session.exec(
            select(m.Result, m.Period, m.Indicator)
            .join(m.Period, col(m.Period.id) == col(m.Result.period_id))
            .join(m.Indicator, col(m.Indicator.id) == col(m.Result.indicator_id))
        )
    }
    returned = _returned()
    for _, cells in by_key["results"].rows:
        key = tuple(str(cells[k]) for k in _RESULT_KEY)
        result, period = by_names[key]
        if result.state == m.ResultState.DRAFT:
            continue
        ended = period.end_date
        submitted = _at(ended + timedelta(days=results["submitted_days_after_semester"]), results["hour"])
        verified = _at(ended + timedelta(days=results["verified_days_after_semester"]), results["hour"])
        assert result.id is not None
        sent_back = returned.get(key)
        if sent_back is not None and result.state == m.ResultState.SUBMITTED:
            result_commands.return_result(
                session=session, viewer=SYSTEM, result_id=result.id, note=str(sent_back["note"])
            )
        history.set_result_moments(
            session=session,
            viewer=SYSTEM,
            result_id=result.id,
            submitted_at=submitted,
            verified_at=verified if result.state == m.ResultState.VERIFIED else None,
            returned_at=submitted + timedelta(days=int(sent_back["days_after_submission"]))
            if sent_back is not None
            else None,
        )
    feedback_key = ("company", "meeting", "held_on", "speaker", "text")
    closed_on = {
        tuple(row[k] for k in feedback_key): _day(row["closed_on"]) for row in _rows("feedback_followups")
    }
    for _, cells in by_key["feedback"].rows:
        row = {k: str(cells[k] or "") for k in feedback_key}
        item = _feedback_item(session, row)
        meeting = session.get(m.Meeting, item.meeting_id)
        assert meeting is not None
        given = _at(meeting.held_on, feedback["given_hour"])
        day = closed_on.get(tuple(row.values()))
        closed = _at(day, feedback["closed_hour"]) if day else None
        assert item.id is not None
        history.set_feedback_moments(
            session=session, viewer=SYSTEM, item_id=item.id, given_at=given, closed_at=closed
        )


def _frameworks(session: Session) -> None:
    """Frameworks and their points through the admin's commands; the meeting that agreed each and the
    companies that take part through the commands of history that no form offers."""
    for spec in _toml("frameworks")["framework"]:
        regency = _one(session, m.Regency, name=spec["regency"])
        framework = session.exec(
            select(m.Framework).where(m.Framework.regency_id == regency.id, m.Framework.name == spec["name"])
        ).first()
        if framework is None:
            framework = compliance.create_framework(
                session=session,
                viewer=SYSTEM,
                regency_id=regency.id,
                name=spec["name"],
                plan_year=spec["plan_year"],
                issued_on=spec["issued_on"],
            )
        assert framework.id is not None
        meeting = _one(session, m.Meeting, title=spec["meeting"], held_on=spec["meeting_held_on"])
        history.set_framework_meeting(
            session=session, viewer=SYSTEM, framework_id=framework.id, meeting_id=meeting.id
        )
        numbers = set(
            session.exec(select(m.FrameworkPoint.number).where(m.FrameworkPoint.framework_id == framework.id))
        )
        for point in spec["point"]:
            if point["number"] not in numbers:
                compliance.add_point(
                    session=session,
                    viewer=SYSTEM,
                    framework_id=framework.id,
                    number=point["number"],
                    title=point["title"],
                    text=point["text"],
                    deadline=point.get("deadline"),
                    evidence_needed=point["evidence_needed"],
                    rule=point["rule"],
                    rule_min=point.get("rule_min"),
                )
        for taking_part in spec["participation"]:
            company = _one(session, m.Company, name=taking_part["company"])
            history.add_participation(
                session=session,
                viewer=SYSTEM,
                framework_id=framework.id,
                company_id=company.id,
                declined=taking_part["declined"],
                decline_reason=taking_part.get("decline_reason", ""),
                decline_letter_on=taking_part.get("decline_letter_on"),
            )


def _compliance(session: Session) -> None:
    """Each company's evidence for a point, then a verifier's status, through the compliance commands."""
    for row in _rows("compliance"):
        framework = _one(session, m.Framework, name=row["framework"])
        point = _one(session, m.FrameworkPoint, framework_id=framework.id, number=int(row["point"]))
        company = _one(session, m.Company, name=row["company"])
        record = compliance.record_for(session, company.id, point.id)
        compliance.record_compliance_evidence(
            session=session,
            viewer=SYSTEM,
            company_id=company.id,
            point_id=point.id,
            evidence=row["evidence"],
            document_date=_day(row["document_date"]),
            expected_version=record.version if record else None,
            now=_at(date.fromisoformat(row["recorded_on"]), 3),
        )
        if not row["status"]:
            continue
        record = compliance.record_for(session, company.id, point.id)
        assert record is not None
        verified = _at(date.fromisoformat(row["verified_on"]), 3)
        if (record.manual_status, record.note, record.verified_at) != (row["status"], row["note"], verified):
            compliance.verify_compliance(
                session=session,
                viewer=SYSTEM,
                company_id=company.id,
                point_id=point.id,
                status=row["status"],
                note=row["note"],
                expected_version=record.version,
                now=verified,
            )

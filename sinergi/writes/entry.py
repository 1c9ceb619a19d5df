"""Editing records by hand on /data: what each form holds, its checks, who may save, and edit conflicts.

A form is described once, as an :class:`EntitySpec` of :class:`FieldSpec` s. The page draws widgets
from it, :func:`validate` turns what was typed into values or per-field errors, and :func:`save_record`
writes them in the caller's transaction after checking the viewer may write the record's company and
that nobody else changed it since the form was opened (the form keeps the values it was opened with;
if the database no longer holds them, the save is refused with the list of what changed).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlmodel import Session, SQLModel, col, or_, select

import models as m
from sinergi.core import audit, db
from sinergi.core.access import Viewer, refuse
from sinergi.core.errors import DomainError
from sinergi.i18n import registry
from sinergi.i18n.formatting import long_date
from sinergi.writes import notices
from sinergi.writes.batch import Batch, Change, EditConflict
from sinergi.writes.fields import (
    EntitySpec,
    Error,
    F,
    FieldErrors,
    FieldSpec,
    check_fields,
    checked,
)
from sinergi.writes.results import RESULT, move_result, record_result, result_to_verify

PROGRAM = EntitySpec(
    "program",
    m.Program,
    (
        FieldSpec("name", F.TEXT, required=True, max_length=200),
        FieldSpec("description", F.LONG_TEXT),
        FieldSpec("pillar", F.CHOICE, required=True, enum=m.Pillar),
        FieldSpec("stage", F.CHOICE, required=True, enum=m.Stage),
        FieldSpec("poverty_alleviation", F.BOOL),
        FieldSpec("start_date", F.DATE, required=True),
        FieldSpec("end_date", F.DATE),
        *(
            FieldSpec(f"{who}_{what}", F.INT, minimum=0, empty=0)
            for who in ("families", "men", "women")
            for what in ("planned", "reached")
        ),
    ),
    parent="company_id",
    unique=("name",),
)
INDICATOR = EntitySpec(
    "indicator",
    m.Indicator,
    (
        FieldSpec("name", F.TEXT, required=True, max_length=200),
        FieldSpec("unit", F.TEXT, required=True, max_length=40),
        FieldSpec("kind", F.CHOICE, required=True, enum=m.IndicatorKind),
        FieldSpec("direction", F.CHOICE, required=True, enum=m.Direction),
        FieldSpec("accumulation", F.CHOICE, required=True, enum=m.Accumulation),
        FieldSpec("baseline_value", F.NUMBER),
        FieldSpec("baseline_year", F.INT, minimum=2000, maximum=2100),
    ),
    parent="program_id",
    unique=("name",),
)
BUDGET = EntitySpec(
    "program_budget",
    m.ProgramBudget,
    (
        FieldSpec("year", F.INT, required=True, minimum=2000, maximum=2100),
        FieldSpec("planned", F.INT, minimum=0, empty=0),
        FieldSpec("spent", F.INT, minimum=0, empty=0),
    ),
    parent="program_id",
    unique=("year",),
)
ACTION = EntitySpec(
    "follow_up_action",
    m.FollowUpAction,
    (
        FieldSpec("description", F.LONG_TEXT, required=True),
        FieldSpec("owner", F.TEXT, max_length=200),
        FieldSpec("due_date", F.DATE),
        FieldSpec("status", F.CHOICE, required=True, enum=m.ActionStatus),
        FieldSpec("completed_on", F.DATE),
        FieldSpec("indicator_id", F.REF, ref="indicators"),
        FieldSpec("evaluation_id", F.REF, ref="evaluations"),
    ),
    parent="program_id",
)
EVALUATION = EntitySpec(
    "evaluation",
    m.Evaluation,
    (
        FieldSpec("title", F.TEXT, required=True, max_length=300),
        FieldSpec("held_on", F.DATE, required=True),
        FieldSpec("period_id", F.REF, required=True, ref="periods"),
        FieldSpec("meeting_id", F.REF, ref="meetings"),
        FieldSpec("notes", F.LONG_TEXT),
    ),
    parent="company_id",
)
MEETING = EntitySpec(
    "meeting",
    m.Meeting,
    (
        FieldSpec("title", F.TEXT, required=True, max_length=300),
        FieldSpec("kind", F.CHOICE, required=True, enum=m.MeetingKind),
        FieldSpec("held_on", F.DATE, required=True),
        FieldSpec("venue", F.TEXT, max_length=200),
        FieldSpec("regency_id", F.REF, ref="regencies"),
        FieldSpec("purpose", F.LONG_TEXT),
        FieldSpec("attendee_count", F.INT, minimum=0, empty=0),
    ),
    parent="organiser_company_id",
)
# How many people of an organisation came to a meeting: the attendance grid and the import alike.
ATTENDANCE = EntitySpec(
    "meeting_attendance",
    m.MeetingAttendance,
    (FieldSpec("head_count", F.INT, minimum=0, empty=1),),
    creatable=False,
)
FEEDBACK_RESPONSE = EntitySpec(
    "feedback_item",
    m.FeedbackItem,
    (
        FieldSpec("status", F.CHOICE, required=True, enum=m.FeedbackStatus),
        FieldSpec("response", F.LONG_TEXT),
        FieldSpec("decline_reason", F.LONG_TEXT),
        FieldSpec("follow_up_id", F.REF, ref="actions"),
    ),
    parent="meeting_id",
    creatable=False,
)
SPECS: Mapping[str, EntitySpec] = {
    spec.entity: spec for spec in (PROGRAM, INDICATOR, BUDGET, ACTION, EVALUATION, MEETING, FEEDBACK_RESPONSE)
}


class UnknownRecord(DomainError):
    key = "entry.error.unknown_record"


class UnlockReasonMissing(DomainError):
    key = "entry.error.unlock_reason"


class NotVerified(DomainError):
    key = "entry.error.not_verified"


# --- checking what was typed -------------------------------------------------------------------------


def validate(spec: EntitySpec, typed: Mapping[str, Any]) -> dict[str, Any]:
    """The values to store; raises :class:`FieldErrors` naming every field that does not fit."""
    values, errors = check_fields(spec, typed)
    _cross_checks(spec, values, errors)
    if errors:
        raise FieldErrors(errors)
    return values


def _cross_checks(spec: EntitySpec, values: dict[str, Any], errors: dict[str, Any]) -> None:
    """Rules between fields of one form."""
    start, end = values.get("start_date"), values.get("end_date")
    if spec is PROGRAM and start and end and end < start:
        errors["end_date"] = ("entry.error.end_before_start", {})
    declined = values.get("status") == m.FeedbackStatus.DECLINED
    if spec is FEEDBACK_RESPONSE and declined and not values.get("decline_reason"):
        errors["decline_reason"] = ("entry.error.decline_reason", {})
    if spec is ACTION and values.get("status") == m.ActionStatus.DONE and not values.get("completed_on"):
        errors["completed_on"] = ("entry.error.completed_on", {})


# --- who may write what --------------------------------------------------------------------------------


def _program_company(session: Session, program_id: int | None) -> int | None:
    program = session.get(m.Program, program_id) if program_id is not None else None
    return program.company_id if program else None


def may_write(session: Session, viewer: Viewer, spec: EntitySpec, record: Any) -> bool:
    """Whether the viewer may save this record (as it is, or as it is about to be created)."""
    if spec is PROGRAM or spec is EVALUATION:
        return record.company_id is not None and viewer.may_write_company(record.company_id)
    if spec is MEETING:
        return viewer.may_write_meeting(record)
    if spec is FEEDBACK_RESPONSE:
        company = _program_company(session, record.program_id)
        if company is not None:
            return viewer.may_write_company(company)
        meeting = session.get(m.Meeting, record.meeting_id)
        return meeting is not None and viewer.may_write_meeting(meeting)
    company = _program_company(session, record.program_id)
    return company is not None and viewer.may_write_company(company)


# --- options for REF fields ----------------------------------------------------------------------------


def options(
    session: Session,
    viewer: Viewer,
    ref: str,
    *,
    parent_id: int | None,
    record_id: int | None = None,
    lang: str = "id",
) -> dict[int, str]:
    """The records a REF field may point to, as id → label (dates in ``lang``), limited to what the
    viewer may use.

    ``parent_id`` is the value of the form's parent field (the program of an action, the company of an
    evaluation or a meeting); ``record_id`` the record being edited, if any.
    """
    match ref:
        case "periods":
            periods = session.exec(select(m.Period).order_by(col(m.Period.start_date).desc())).all()
            return {p.id: p.code for p in periods if p.id is not None}
        case "regencies":
            statement = select(m.Regency).order_by(col(m.Regency.name))
            if parent_id is not None:  # a company's meeting: the regencies it operates in
                statement = statement.join(
                    m.CompanyRegency, col(m.CompanyRegency.regency_id) == col(m.Regency.id)
                ).where(m.CompanyRegency.company_id == parent_id)
            elif not viewer.is_admin:
                statement = statement.where(m.Regency.id == (viewer.regency_id or -1))
            return {r.id: r.name for r in session.exec(statement).all() if r.id is not None}
        case "indicators":
            indicators = session.exec(
                select(m.Indicator).where(m.Indicator.program_id == parent_id).order_by(col(m.Indicator.name))
            ).all()
            return {i.id: i.name for i in indicators if i.id is not None}
        case "evaluations":
            company = _program_company(session, parent_id)
            evaluations = session.exec(
                select(m.Evaluation)
                .where(m.Evaluation.company_id == company)
                .order_by(col(m.Evaluation.held_on).desc())
            ).all()
            return {e.id: record_label(EVALUATION, e, lang) for e in evaluations if e.id is not None}
        case "meetings":  # an evaluation's meeting: one the company organised
            meetings = session.exec(
                select(m.Meeting)
                .where(m.Meeting.organiser_company_id == parent_id)
                .order_by(col(m.Meeting.held_on).desc())
            ).all()
            return {mt.id: record_label(MEETING, mt, lang) for mt in meetings if mt.id is not None}
        case "actions":  # a feedback item's follow-up: an action of the program it is about
            item = session.get(m.FeedbackItem, record_id) if record_id is not None else None
            if item is None or item.program_id is None:
                return {}
            actions = session.exec(
                select(m.FollowUpAction)
                .where(m.FollowUpAction.program_id == item.program_id)
                .order_by(col(m.FollowUpAction.id))
            ).all()
            return {a.id: record_label(ACTION, a) for a in actions if a.id is not None}
    raise ValueError(ref)


_LABELS: Mapping[str, tuple[type[SQLModel], str]] = {
    "periods": (m.Period, "code"),
    "regencies": (m.Regency, "name"),
    "indicators": (m.Indicator, "name"),
    "evaluations": (m.Evaluation, "title"),
    "meetings": (m.Meeting, "title"),
    "actions": (m.FollowUpAction, "description"),
    "villages": (m.Village, "name"),
    "programs": (m.Program, "name"),
}


def labels_of(session: Session, ref: str, ids: list[int]) -> dict[int, str]:
    """Labels of records a form holds but no longer offers (kept as they were), as id → label."""
    if ref == "sdgs":
        return {goal: f"SDG {goal}" for goal in ids}
    model, column = _LABELS[ref]
    table: Any = model
    rows = session.exec(select(table.id, getattr(table, column)).where(col(table.id).in_(ids))).all()
    return {int(rid): str(text)[:80] for rid, text in rows}


def check_refs(
    session: Session, viewer: Viewer, spec: EntitySpec, record: Any, values: Mapping[str, Any]
) -> None:
    """A changed REF value must be one the form offers: a hand-made request cannot point elsewhere.

    A reference left as it was stays, even if the form would no longer offer it.
    """
    errors: dict[str, tuple[str, dict[str, Any]]] = {}
    parent_id = getattr(record, spec.parent) if spec.parent else None
    for field_spec in spec.fields:
        value = values.get(field_spec.name)
        if field_spec.kind is not F.REF or value is None or value == getattr(record, field_spec.name):
            continue
        offered = options(session, viewer, field_spec.ref, parent_id=parent_id, record_id=record.id)
        if value not in offered:
            errors[field_spec.name] = ("entry.error.choice", {})
    if errors:
        raise FieldErrors(errors)


def check_unique(session: Session, spec: EntitySpec, record: Any, values: Mapping[str, Any]) -> None:
    """A name (or year) already taken under the same parent is a field error, not a database error."""
    errors: dict[str, tuple[str, dict[str, Any]]] = {}
    model: Any = spec.model
    for name in spec.unique:
        taken = session.exec(
            select(model.id).where(
                getattr(model, spec.parent) == getattr(record, spec.parent),
                getattr(model, name) == values.get(name),
                model.id != (record.id or -1),
            )
        ).first()
        if taken is not None:
            errors[name] = ("entry.error.duplicate", {})
    if errors:
        raise FieldErrors(errors)


# --- saving ----------------------------------------------------------------------------------------------


def snapshot(spec: EntitySpec, record: Any) -> dict[str, Any]:
    """The values of the form's fields as the record holds them: what a form is opened with."""
    return {field_spec.name: getattr(record, field_spec.name) for field_spec in spec.fields}


def same_value(a: Any, b: Any) -> bool:
    """Whether two values of a field are the same: blanks (None, NaN, "") alike, numbers to 1e-9."""
    blank_a, blank_b = _blank(a), _blank(b)
    if blank_a or blank_b:
        return blank_a and blank_b
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) < 1e-9
    return bool(a == b)


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA or (isinstance(value, str) and not value):
        return True
    return isinstance(value, float) and math.isnan(value)


def changes_since(
    opened: Mapping[str, Any], current: Mapping[str, Any], yours: Mapping[str, Any]
) -> list[Change]:
    return [
        Change(name, opened[name], current[name], yours.get(name))
        for name in opened
        if name in current and not same_value(opened[name], current[name])
    ]


def save_record(
    *,
    session: Session,
    viewer: Viewer,
    spec: EntitySpec,
    record_id: int | None,
    typed: Mapping[str, Any],
    opened: Mapping[str, Any] | None = None,
    parent_id: int | None = None,
) -> Any:
    """Create (``record_id`` None, under ``parent_id``) or update one record from a form; returns it.

    Refused with :class:`FieldErrors` when a field does not fit, :class:`AccessDenied` when the viewer
    may not write the record (before or after the change), and :class:`EditConflict` when the record
    no longer holds the values the form was opened with.
    """
    from sinergi.writes import plans  # the plans build on this module's specs and checks

    values = validate(spec, typed)
    record: Any = None
    if record_id is None:
        if not spec.creatable:
            raise UnknownRecord()
    else:
        record = session.get(spec.model, record_id, with_for_update=True)
        if record is None:
            raise EditConflict([], deleted=True)
        if not may_write(session, viewer, spec, record):
            refuse(viewer=viewer, entity=spec.entity, entity_id=record_id, detail="edit")
    # Read under this transaction's lock and checked: written as a batch of one, with its audit row.
    batch = Batch(session, viewer)
    parent = parent_id if record is None or not spec.parent else getattr(record, spec.parent)
    record = plans.PLANS[spec.entity](batch, parent, record, values, plans.FormSave(opened))
    failures = batch.write(session, raising=True)
    assert not failures, failures  # nothing read from elsewhere to compare, no result to write
    return record


# --- links: a program's villages and SDGs, the programs an evaluation or a meeting covers ----------


@dataclass(frozen=True)
class LinkSpec:
    """A many-to-many field of a form, kept in its own table as (owner id, target id) rows."""

    name: str
    model: type[SQLModel]
    owner: str  # the link table's column holding the form's record
    target: str  # the column holding what is picked


LINKS: Mapping[str, tuple[LinkSpec, ...]] = {
    "program": (
        LinkSpec("villages", m.ProgramVillage, "program_id", "village_id"),
        LinkSpec("sdgs", m.ProgramSdg, "program_id", "sdg"),
    ),
    "evaluation": (LinkSpec("programs", m.EvaluationProgram, "evaluation_id", "program_id"),),
    "meeting": (LinkSpec("programs", m.MeetingProgram, "meeting_id", "program_id"),),
}

# The title of a form's field or link: the text "field.<name>".
FIELD_TITLE = registry.family(
    "field.{}",
    lambda: [
        *(field.name for spec in SPECS.values() for field in spec.fields),
        *(link.name for links in LINKS.values() for link in links),
    ],
)


def village_options(session: Session, company_id: int) -> dict[int, str]:
    """Villages in the regencies the company operates in, as id → "village, district, regency"."""
    rows = session.exec(
        select(m.Village.id, m.Village.name, m.District.name, m.Regency.name)
        .join(m.District, col(m.District.id) == col(m.Village.district_id))
        .join(m.Regency, col(m.Regency.id) == col(m.District.regency_id))
        .join(m.CompanyRegency, col(m.CompanyRegency.regency_id) == col(m.Regency.id))
        .where(m.CompanyRegency.company_id == company_id)
        .order_by(col(m.Regency.name), col(m.District.name), col(m.Village.name))
    ).all()
    return {int(vid): f"{village}, {district}, {regency}" for vid, village, district, regency in rows if vid}


def link_options(
    session: Session, viewer: Viewer, spec: EntitySpec, link: str, parent_id: int | None
) -> dict[int, str]:
    """What a link field offers, as id → label. ``parent_id`` is the record's company, if it has one."""
    if link == "sdgs":
        return {goal: f"SDG {goal}" for goal in range(1, 18)}
    if link == "villages":
        return village_options(session, parent_id) if parent_id is not None else {}
    statement = select(m.Program).order_by(col(m.Program.name))
    if spec is MEETING and parent_id is None:
        statement = statement.where(*viewer.program_conditions())
    else:
        statement = statement.where(m.Program.company_id == (parent_id or -1))
    return {p.id: p.name for p in session.exec(statement).all() if p.id is not None}


def current_links(session: Session, spec: EntitySpec, record_id: int) -> dict[str, list[int]]:
    links = {}
    for link in LINKS.get(spec.entity, ()):
        model: Any = link.model
        rows = session.exec(
            select(getattr(model, link.target)).where(getattr(model, link.owner) == record_id)
        ).all()
        links[link.name] = sorted(rows)
    return links


def check_links(
    *,
    session: Session,
    viewer: Viewer,
    spec: EntitySpec,
    parent_id: int | None,
    before: Mapping[str, list[int]],
    picked: Mapping[str, list[int]],
) -> None:
    """Refuse with :class:`FieldErrors` a link added that the form does not offer; one kept may stay
    even if no longer offered. ``before`` holds the record's links now (none for a new record)."""
    errors: dict[str, tuple[str, dict[str, Any]]] = {}
    for link in LINKS.get(spec.entity, ()):
        allowed = link_options(session, viewer, spec, link.name, parent_id)
        added = set(picked.get(link.name, [])) - set(before.get(link.name, []))
        if any(value not in allowed for value in added):
            errors[link.name] = ("entry.error.choice", {})
    if errors:
        raise FieldErrors(errors)


def set_links(
    *,
    session: Session,
    viewer: Viewer,
    spec: EntitySpec,
    record_id: int,
    picked: Mapping[str, list[int]],
    opened: Mapping[str, list[int]] | None = None,
) -> bool:
    """Replace a record's links with what was picked.

    A value added must be one the form offers; one kept may stay even if no longer offered. With
    ``opened`` (the links as the form showed them), links someone else changed meanwhile refuse the
    save with :class:`EditConflict`. Returns whether any link changed.
    """
    record: Any = session.get(spec.model, record_id)
    if record is None:
        raise UnknownRecord()
    if not may_write(session, viewer, spec, record):
        refuse(viewer=viewer, entity=spec.entity, entity_id=record_id, detail="edit links")
    parent_id = getattr(record, spec.parent) if spec.parent else None
    before = current_links(session, spec, record_id)
    if opened is not None:
        conflicts = changes_since(opened, before, picked)
        if conflicts:
            raise EditConflict(conflicts)
    check_links(session=session, viewer=viewer, spec=spec, parent_id=parent_id, before=before, picked=picked)
    changed = False
    for link in LINKS.get(spec.entity, ()):
        changed |= db.replace_links(
            session,
            link.model,
            owner=link.owner,
            owner_id=record_id,
            column=link.target,
            wanted=set(picked.get(link.name, [])),
        )
    after = {name: sorted(set(picked.get(name, []))) for name in before}
    if changed:
        audit.record(
            session=session,
            actor=viewer,
            action="update",
            entity=f"{spec.entity}_links",
            entity_id=record_id,
            before=before,
            after=after,
        )
    return changed


# --- the results grid: targets and actuals per period --------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    """One indicator × period as the grid shows it."""

    indicator_id: int
    period_id: int
    indicator: str
    unit: str
    period: str
    target: float | None
    actual: float | None
    narrative: str
    state: str
    # The actual recorded for the period before, which a typed actual is compared with.
    previous: float | None = None
    plausibility_note: str = ""
    # Why the agency sent the result back, while it is returned (empty otherwise).
    return_note: str = ""


def _ensure_results_writable(session: Session, viewer: Viewer, program_id: int, detail: str) -> None:
    """Refuse (and log) unless ``viewer`` may write the results of the program."""
    program = session.get(m.Program, program_id)
    if program is None or not viewer.may_write_company(program.company_id):
        refuse(viewer=viewer, entity="program", entity_id=program_id, detail=detail)


def result_rows(session: Session, viewer: Viewer, program_id: int, period_ids: list[int]) -> list[ResultRow]:
    """Every indicator of the program for each chosen period, with what is recorded so far."""
    _ensure_results_writable(session, viewer, program_id, "edit results")
    indicators = session.exec(
        select(m.Indicator).where(m.Indicator.program_id == program_id).order_by(col(m.Indicator.id))
    ).all()
    periods = session.exec(
        select(m.Period).where(col(m.Period.id).in_(period_ids)).order_by(col(m.Period.start_date))
    ).all()
    recorded = {
        (r.indicator_id, r.period_id): r
        for r in session.exec(
            select(m.Result).where(
                col(m.Result.indicator_id).in_([i.id for i in indicators]),
                col(m.Result.period_id).in_(period_ids),
            )
        )
    }
    before = _periods_before(session, list(periods))
    earlier = {
        (r.indicator_id, r.period_id): r.actual
        for r in session.exec(
            select(m.Result).where(
                col(m.Result.indicator_id).in_([i.id for i in indicators]),
                col(m.Result.period_id).in_(set(before.values())),
            )
        )
    }
    rows = []
    for period in periods:
        for indicator in indicators:
            assert indicator.id is not None and period.id is not None
            result = recorded.get((indicator.id, period.id))
            rows.append(
                ResultRow(
                    indicator_id=indicator.id,
                    period_id=period.id,
                    indicator=indicator.name,
                    unit=indicator.unit,
                    period=period.code,
                    target=result.target if result else None,
                    actual=result.actual if result else None,
                    narrative=result.narrative if result else "",
                    state=result.state if result else m.ResultState.DRAFT,
                    previous=earlier.get((indicator.id, before.get(period.id, 0))),
                    plausibility_note=result.plausibility_note if result else "",
                    return_note=(
                        result.return_note if result and result.state == m.ResultState.RETURNED else ""
                    ),
                )
            )
    return rows


def _periods_before(session: Session, periods: list[m.Period]) -> dict[int, int]:
    """The period just before each of ``periods`` (by start date), where there is one."""
    ordered = session.exec(select(m.Period).order_by(col(m.Period.start_date))).all()
    wanted = {period.id for period in periods}
    return {
        later.id: earlier.id
        for earlier, later in itertools.pairwise(ordered)
        if later.id in wanted and earlier.id is not None and later.id is not None
    }


@dataclass(frozen=True)
class RowEdit:
    """A changed row of the grid: what it showed when opened and what was typed. ``note`` is why an
    implausible actual is right (None keeps the note the result holds)."""

    opened: ResultRow
    target: Any
    actual: Any
    narrative: str
    note: str | None = None


class GridErrors(DomainError):
    """Cells of the grid that do not fit: (row label, column) → (message key, its values)."""

    key = "entry.error.fields"

    def __init__(self, errors: dict[tuple[str, str], Error]) -> None:
        super().__init__(count=len(errors))
        self.errors = errors


# The cells of a result row the grid edits, each titled by the text "entry.grid.<column>".
GRID_COLUMNS = ("target", "actual", "narrative")
GRID_COLUMN_TITLE = registry.family("entry.grid.{}", lambda: (*GRID_COLUMNS, "plausibility_note"))


class GridConflict(DomainError):
    """Rows someone else saved after the grid was opened: (row label, column, opened, saved)."""

    key = "entry.error.conflict"

    def __init__(self, changes: list[tuple[str, str, Any, Any]]) -> None:
        super().__init__(count=len(changes))
        self.changes = changes


def save_results(*, session: Session, viewer: Viewer, edits: list[RowEdit], withdraw: bool = False) -> int:
    """Write the changed rows of the grid in one transaction; returns how many rows were written.

    Every cell is checked first, then every row is compared with the database: a row someone else
    saved since the grid was opened refuses the whole save (:class:`GridConflict`), as does a
    verified (locked) row (:class:`~sinergi.core.errors.ResultLocked`) and, unless ``withdraw`` (the
    writer agreed to withdraw their submission), a submitted one
    (:class:`~sinergi.core.errors.ResultSubmitted`).
    """
    errors: dict[tuple[str, str], Error] = {}
    clean: list[tuple[RowEdit, float | None, float | None]] = []
    for edit in edits:
        label = f"{edit.opened.indicator} · {edit.opened.period}"
        typed = {"target": edit.target, "actual": edit.actual, "narrative": edit.narrative}
        if edit.note is not None:
            typed["plausibility_note"] = edit.note
        values, cell_errors = check_fields(RESULT, typed, typed)
        errors |= {(label, column): error for column, error in cell_errors.items()}
        clean.append((edit, values.get("target"), values.get("actual")))
    if errors:
        raise GridErrors(errors)
    conflicts: list[tuple[str, str, Any, Any]] = []
    # What is saved now, for every edited row in one query.
    saved_rows = {
        (result.indicator_id, result.period_id): result
        for result in session.exec(
            select(m.Result).where(
                col(m.Result.indicator_id).in_({edit.opened.indicator_id for edit in edits}),
                col(m.Result.period_id).in_({edit.opened.period_id for edit in edits}),
            )
        )
    }
    for edit, _, _ in clean:
        now = saved_rows.get((edit.opened.indicator_id, edit.opened.period_id))
        label = f"{edit.opened.indicator} · {edit.opened.period}"
        saved = (now.target, now.actual, now.narrative) if now else (None, None, "")
        opened = (edit.opened.target, edit.opened.actual, edit.opened.narrative)
        for column, was, is_now in zip(GRID_COLUMNS, opened, saved, strict=True):
            if not same_value(was, is_now):
                conflicts.append((label, column, was, is_now))
    if conflicts:
        raise GridConflict(conflicts)
    for edit, target, actual in clean:
        record_result(
            session=session,
            viewer=viewer,
            indicator_id=edit.opened.indicator_id,
            period_id=edit.opened.period_id,
            target=target,
            actual=actual,
            narrative=(edit.narrative or "").strip(),
            note=edit.note,
            withdraw=withdraw,
        )
    return len(clean)


def _program_results(session: Session, program_id: int, period_id: int, state: str) -> list[m.Result]:
    return list(
        session.exec(
            select(m.Result)
            .join(m.Indicator, col(m.Indicator.id) == col(m.Result.indicator_id))
            .where(
                m.Indicator.program_id == program_id, m.Result.period_id == period_id, m.Result.state == state
            )
        )
    )


def submit_results(*, session: Session, viewer: Viewer, program_id: int, period_id: int) -> int:
    """Send a program's draft and returned results of a period for verification; returns how many were
    sent. A returned result's note has been answered once it is submitted again: it leaves the result
    (the audit row of the return keeps it)."""
    _ensure_results_writable(session, viewer, program_id, "submit results")
    drafts = [
        *_program_results(session, program_id, period_id, m.ResultState.DRAFT),
        *_program_results(session, program_id, period_id, m.ResultState.RETURNED),
    ]
    for result in drafts:
        before = {"state": result.state}
        result.state = m.ResultState.SUBMITTED
        result.submitted_at = m.utcnow()
        result.return_note, result.returned_by_id, result.returned_at = "", None, None
        result.version += 1
        session.add(result)
        audit.record(
            session=session,
            actor=viewer,
            action="submit",
            entity="result",
            entity_id=result.id,
            before=before,
            after={"state": m.ResultState.SUBMITTED},
        )
    if drafts:
        notices.notify_submitted(session, program_id=program_id, period_id=period_id, count=len(drafts))
    return len(drafts)


def unlock_result(*, session: Session, viewer: Viewer, result_id: int, reason: str) -> m.Result:
    """Open a verified result for correction again: only those who may verify it, with a reason.

    The result goes back to submitted, so it needs verifying again; the unlock is in the audit log.
    """
    result = result_to_verify(session, viewer, result_id, "unlock")
    if result is None:
        raise UnknownRecord()
    if not reason.strip():
        raise UnlockReasonMissing()
    if result.state != m.ResultState.VERIFIED:
        raise NotVerified()
    return move_result(
        session=session,
        viewer=viewer,
        result=result,
        state=m.ResultState.SUBMITTED,
        action="unlock",
        changes={"verified_by_id": None, "verified_at": None},
        detail=reason.strip(),
    )


# --- attendance ------------------------------------------------------------------------------------------


def set_attendance(
    *,
    session: Session,
    viewer: Viewer,
    meeting_id: int,
    opened: Mapping[int, int],
    head_counts: Mapping[int, int],
) -> dict[int, int]:
    """Apply what the user changed in the attendance grid to what the meeting holds now.

    ``opened`` is organisation id → head count as the grid was opened, ``head_counts`` as it was saved.
    Only the differences between the two are applied: a row added, a count changed, a row removed.
    Whatever else changed meanwhile stays, above all the phones' check-ins of live mode, which add to
    the rows and to the meeting's head count while the grid is open. Returns the attendance as saved.

    When the user changed a count that check-ins raised meanwhile, the result is the count now plus
    the user's change: a facilitator who types 8 where the grid showed 5 means "3 more came than I
    saw", and the phones that checked in meanwhile are people in the room too. Refusing instead would
    make the facilitator retype the grid while check-ins keep coming, only to be refused again. A row
    the user removed takes away what the grid showed, so people who checked in since stay listed.

    The meeting's head count never drops below the sum of its attendance rows.
    """
    meeting = session.get(m.Meeting, meeting_id, with_for_update=True)
    if meeting is None:
        raise UnknownRecord()
    if not viewer.may_write_meeting(meeting):
        refuse(viewer=viewer, entity="meeting", entity_id=meeting_id, detail="attendance")
    for count in head_counts.values():
        checked(ATTENDANCE, {"head_count": count})
    most = int(m.bounds_of(m.MeetingAttendance)["head_count"].high)
    known = set(session.exec(select(m.Organisation.id).where(col(m.Organisation.id).in_(list(head_counts)))))
    if known != set(head_counts):
        raise FieldErrors({"organisation": ("entry.error.choice", {})})
    rows = {
        a.organisation_id: a
        for a in session.exec(select(m.MeetingAttendance).where(m.MeetingAttendance.meeting_id == meeting_id))
    }
    before = {org: row.head_count for org, row in rows.items()}
    for org in set(opened) | set(head_counts):
        was, typed = opened.get(org, 0), head_counts.get(org)
        if typed == was and org in opened:
            continue  # a row the user left alone: whatever it holds now stays
        row = rows.get(org)
        now = row.head_count if row is not None else 0
        if typed is None:  # removed by the user
            remaining = now - was
            if row is not None and remaining > 0:
                row.head_count = remaining
                session.add(row)
            elif row is not None:
                session.delete(row)
                del rows[org]
            continue
        if row is None:
            row = rows[org] = m.MeetingAttendance(meeting_id=meeting_id, organisation_id=org)
        row.head_count = min(most, max(0, now + typed - was))
        session.add(row)
    after = {org: row.head_count for org, row in rows.items()}
    if after == before:
        return after
    listed = sum(after.values())
    if meeting.attendee_count < listed:
        meeting.attendee_count = listed
        session.add(meeting)
    session.flush()
    audit.record(
        session=session,
        actor=viewer,
        action="update",
        entity="meeting_attendance",
        entity_id=meeting_id,
        before={str(k): v for k, v in sorted(before.items())},
        after={str(k): v for k, v in sorted(after.items())},
    )
    return after


# --- what each form offers to pick from -----------------------------------------------------------------


def writable_companies(session: Session, viewer: Viewer) -> dict[int, str]:
    """Companies whose data the viewer may write: its own, or every one for an admin."""
    companies = session.exec(select(m.Company).order_by(col(m.Company.name))).all()
    return {c.id: c.name for c in companies if c.id is not None and viewer.may_write_company(c.id)}


def records_of(
    session: Session, viewer: Viewer, spec: EntitySpec, parent_id: int | None, *, lang: str = "id"
) -> dict[int, str]:
    """The records of one kind the viewer may edit under a parent, as id → label (dates in ``lang``)."""
    model: Any = spec.model
    statement = select(model)
    if spec is MEETING:
        # A company's meetings, or (no company) the meetings an agency organised in its regency.
        statement = statement.where(
            *viewer.meeting_conditions(),
            col(model.organiser_company_id) == parent_id
            if parent_id is not None
            else col(model.organiser_company_id).is_(None),
        ).order_by(col(model.held_on).desc())
    else:
        statement = statement.where(getattr(model, spec.parent) == parent_id).order_by(col(model.id).desc())
    records = [r for r in session.exec(statement).all() if may_write(session, viewer, spec, r)]
    return {r.id: record_label(spec, r, lang) for r in records}


def feedback_meetings(session: Session, viewer: Viewer, *, lang: str = "id") -> dict[int, str]:
    """Meetings with feedback the viewer may respond to: those it keeps, and for a company also the
    meetings where something was said about one of its programs."""
    statement = select(m.Meeting).order_by(col(m.Meeting.held_on).desc())
    if viewer.shared_link_id is not None or viewer.role is m.Role.VIEWER:
        return {}
    if viewer.role is m.Role.COMPANY:
        about_ours = (
            select(m.FeedbackItem.meeting_id)
            .join(m.Program, col(m.Program.id) == col(m.FeedbackItem.program_id))
            .where(m.Program.company_id == (viewer.company_id or -1))
        )
        statement = statement.where(
            or_(
                m.Meeting.organiser_company_id == (viewer.company_id or -1), col(m.Meeting.id).in_(about_ours)
            )
        )
    elif viewer.role is m.Role.AGENCY:
        statement = statement.where(
            m.Meeting.regency_id == (viewer.regency_id or -1), col(m.Meeting.organiser_company_id).is_(None)
        )
    return {
        mt.id: record_label(MEETING, mt, lang) for mt in session.exec(statement).all() if mt.id is not None
    }


def record_label(spec: EntitySpec, record: Any, lang: str = "id") -> str:
    """How a picker names a record: a meeting or an evaluation by its day and title ("12 Mei 2023 ·
    FGD …"), an item of feedback by what was said, others by their name."""
    if spec is BUDGET:
        return str(record.year)
    if spec is ACTION:
        return _shortened(record.description)
    if spec is FEEDBACK_RESPONSE:
        return _shortened(record.text)
    if spec in (MEETING, EVALUATION):
        return f"{long_date(record.held_on, lang)} · {record.title}"
    return str(record.name)


def _shortened(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def verification_rows(session: Session, viewer: Viewer, state: str) -> list[dict[str, Any]]:
    """Results in a state (submitted or verified) that the viewer may verify or unlock.

    An agency's program conditions are the programs working in its regency: exactly those whose
    results it verifies (``verify_result`` checks each one again when it writes).
    """
    if viewer.role not in (m.Role.ADMIN, m.Role.AGENCY) or viewer.shared_link_id is not None:
        return []
    rows = session.exec(
        select(m.Result, m.Indicator, m.Program, m.Period)
        .join(m.Indicator, col(m.Indicator.id) == col(m.Result.indicator_id))
        .join(m.Program, col(m.Program.id) == col(m.Indicator.program_id))
        .join(m.Period, col(m.Period.id) == col(m.Result.period_id))
        .where(m.Result.state == state, *viewer.program_conditions())
        .order_by(col(m.Period.start_date).desc(), col(m.Program.name), col(m.Indicator.name))
        .limit(500)
    ).all()
    return [
        {
            "result_id": result.id,
            "program": program.name,
            "indicator": indicator.name,
            "unit": indicator.unit,
            "period": period.code,
            "target": result.target,
            "actual": result.actual,
            "narrative": result.narrative,
            "version": result.version,
        }
        for result, indicator, program, period in rows
    ]


def compliance_points(session: Session, viewer: Viewer) -> dict[int, str]:
    """Coordination points of the frameworks the viewer may read, as id → "framework · n. title"."""
    rows = session.exec(
        select(m.FrameworkPoint, m.Framework)
        .join(m.Framework, col(m.Framework.id) == col(m.FrameworkPoint.framework_id))
        .where(*viewer.framework_conditions())
        .order_by(col(m.Framework.plan_year).desc(), col(m.Framework.id), col(m.FrameworkPoint.number))
    ).all()
    return {p.id: f"{f.name} · {p.number}. {p.title}" for p, f in rows if p.id is not None}


def compliance_companies(session: Session, viewer: Viewer, point_id: int) -> dict[int, str]:
    """Companies operating in the point's regency that the viewer may see."""
    point = session.get(m.FrameworkPoint, point_id)
    framework = session.get(m.Framework, point.framework_id) if point else None
    if framework is None:
        return {}
    companies = session.exec(
        select(m.Company)
        .join(m.CompanyRegency, col(m.CompanyRegency.company_id) == col(m.Company.id))
        .where(m.CompanyRegency.regency_id == framework.regency_id, *viewer.company_conditions())
        .order_by(col(m.Company.name))
    ).all()
    return {c.id: c.name for c in companies if c.id is not None}


def attendance_of(session: Session, viewer: Viewer, meeting_id: int) -> dict[int, int]:
    """Organisation id → head count of a meeting the viewer keeps."""
    meeting = session.get(m.Meeting, meeting_id)
    if meeting is None or not viewer.may_write_meeting(meeting):
        refuse(viewer=viewer, entity="meeting", entity_id=meeting_id, detail="attendance")
    rows = session.exec(select(m.MeetingAttendance).where(m.MeetingAttendance.meeting_id == meeting_id))
    return {row.organisation_id: row.head_count for row in rows}


def organisations(session: Session) -> dict[int, str]:
    rows = session.exec(select(m.Organisation).order_by(col(m.Organisation.name))).all()
    return {o.id: o.name for o in rows if o.id is not None}

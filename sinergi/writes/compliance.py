"""Commands on coordination frameworks and compliance: verifying a company's status on a point,
recording the evidence for it, and (for admins) setting up frameworks and their points.

Who may do what:

- a status is verified by an admin or by the agency of the framework's regency;
- evidence is recorded by the company's own staff or by an admin;
- frameworks and points are created by admins only.

Anyone else is refused, and the refusal is logged by the session it happens in. Every write adds
an audit row with the values before and after.

Evidence and verification take the version of the record the writer saw (None: there was none). A
record that moved on since is not overwritten: the save is refused with :class:`ComplianceChanged`,
which says what the record holds now, so the form can show each field that changed. Verifying binds to
the evidence the verifier saw: evidence the company changed since refuses the verification.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

import models as m
from sinergi.core import audit
from sinergi.core.access import Viewer, refuse
from sinergi.core.errors import DomainError
from sinergi.i18n import registry
from sinergi.writes.entry import FIELD_TITLE, EditConflict, changes_since, same_value

MAX_NAME = 200
MAX_TITLE = 200
MIN_PLAN_YEAR, MAX_PLAN_YEAR = 2000, 2100


class UnknownPoint(DomainError):
    key = "compliance_cmd.error.point_unknown"


class UnknownFramework(DomainError):
    key = "compliance_cmd.error.framework_unknown"


class UnknownCompany(DomainError):
    key = "compliance_cmd.error.company_unknown"


class CompanyOutsideRegency(DomainError):
    """The company does not operate in the framework's regency, so the point does not concern it."""

    key = "compliance_cmd.error.company_outside"


class UnknownStatus(DomainError):
    key = "compliance_cmd.error.status_unknown"


class UnknownRegency(DomainError):
    key = "compliance_cmd.error.regency_unknown"


class NameRequired(DomainError):
    key = "compliance_cmd.error.name_required"


class NameTooLong(DomainError):
    key = "compliance_cmd.error.name_too_long"


class InvalidPlanYear(DomainError):
    key = "compliance_cmd.error.plan_year"


class DuplicateFramework(DomainError):
    key = "compliance_cmd.error.framework_duplicate"


class InvalidNumber(DomainError):
    key = "compliance_cmd.error.number"


class DuplicatePoint(DomainError):
    key = "compliance_cmd.error.point_duplicate"


class TitleRequired(DomainError):
    key = "compliance_cmd.error.title_required"


class TitleTooLong(DomainError):
    key = "compliance_cmd.error.title_too_long"


class TextRequired(DomainError):
    key = "compliance_cmd.error.text_required"


class UnknownRule(DomainError):
    key = "compliance_cmd.error.rule_unknown"


class RuleMinRequired(DomainError):
    """The min_poverty_programs rule needs how many programs, at least one."""

    key = "compliance_cmd.error.rule_min_required"


class RuleMinNotAllowed(DomainError):
    """Only the min_poverty_programs rule takes a minimum."""

    key = "compliance_cmd.error.rule_min_not_allowed"


class DeadlineRequired(DomainError):
    """The document_by_deadline rule judges against the deadline, so the point needs one."""

    key = "compliance_cmd.error.deadline_required"


# What the evidence and verification forms show of a record, and so what a writer may have seen.
FIELDS = ("evidence", "document_date", "manual_status", "note", "verified_at")
# A conflict names them by the titles of form fields.
registry.family(FIELD_TITLE.pattern, lambda: FIELDS)


def snapshot(record: m.ComplianceRecord | None) -> dict[str, Any]:
    """The record's fields as a form opens them; blank when the company has no record for the point."""
    if record is None:
        return {"evidence": "", "document_date": None, "manual_status": None, "note": "", "verified_at": None}
    return {name: getattr(record, name) for name in FIELDS}


class ComplianceChanged(EditConflict):
    """Someone saved the record after the writer saw it (its version moved on); nothing was written.

    ``current`` holds the record's fields now and ``version`` its version (None: there is no record);
    ``changes`` lists each field that differs from ``opened``, what the writer saw, when it was given,
    with what this save would have written to it (None for a field the writer's form does not hold).
    """

    key = "entry.error.conflict"

    def __init__(
        self,
        *,
        current: dict[str, Any],
        version: int | None,
        yours: Mapping[str, Any],
        opened: Mapping[str, Any] | None,
    ) -> None:
        super().__init__(changes_since(opened, current, yours) if opened is not None else [])
        self.current, self.version = current, version


def _check_version(
    record: m.ComplianceRecord | None,
    expected_version: int | None,
    yours: Mapping[str, Any],
    opened: Mapping[str, Any] | None,
) -> None:
    """Refuse unless the record is still at the version the writer saw (None: still no record)."""
    version = record.version if record is not None else None
    if version != expected_version:
        raise ComplianceChanged(current=snapshot(record), version=version, yours=yours, opened=opened)


def _record_values(record: m.ComplianceRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "company_id": record.company_id,
        "point_id": record.point_id,
        "evidence": record.evidence,
        "document_date": record.document_date,
        "manual_status": record.manual_status,
        "note": record.note,
        "verified_by_id": record.verified_by_id,
        "verified_at": record.verified_at,
        "version": record.version,
    }


def _point_and_framework(session: Session, point_id: int) -> tuple[m.FrameworkPoint, m.Framework]:
    point = session.get(m.FrameworkPoint, point_id)
    if point is None:
        raise UnknownPoint(point_id=point_id)
    framework = session.get(m.Framework, point.framework_id)
    if framework is None:  # pragma: no cover - the foreign key keeps it
        raise UnknownFramework(framework_id=point.framework_id)
    return point, framework


def _check_company(session: Session, company_id: int, framework: m.Framework) -> None:
    company = session.get(m.Company, company_id)
    if company is None:
        raise UnknownCompany(company_id=company_id)
    operates = session.exec(
        select(func.count()).where(
            col(m.CompanyRegency.company_id) == company_id,
            col(m.CompanyRegency.regency_id) == framework.regency_id,
        )
    ).one()
    if not operates:
        raise CompanyOutsideRegency(company=company.name)


def record_for(
    session: Session, company_id: int, point_id: int, *, lock: bool = False
) -> m.ComplianceRecord | None:
    """The company's record for a coordination point, if one was kept; ``lock`` holds it until the
    transaction ends (PostgreSQL; a SQLite write transaction holds the whole database already)."""
    statement = select(m.ComplianceRecord).where(
        m.ComplianceRecord.company_id == company_id, m.ComplianceRecord.point_id == point_id
    )
    return session.exec(statement.with_for_update() if lock else statement).first()


def locked_record(session: Session, company_id: int, point_id: int) -> m.ComplianceRecord | None:
    """The company's record for the point, to change: the company's row is locked first (PostgreSQL),
    so two first saves of one point wait for each other and the second is refused as stale instead of
    failing on the unique key."""
    session.get(m.Company, company_id, with_for_update=True)
    return record_for(session, company_id, point_id, lock=True)


def _save(
    session: Session,
    *,
    viewer: Viewer,
    action: str,
    record: m.ComplianceRecord,
    before: dict[str, Any] | None,
    now: datetime,
) -> m.ComplianceRecord:
    if before is not None:
        record.version += 1
    record.updated_at = now
    session.add(record)
    session.flush()
    audit.record(
        session=session,
        actor=viewer,
        action=action,
        entity="compliance_record",
        entity_id=record.id,
        before=before,
        after=_record_values(record),
    )
    return record


def verify_compliance(
    *,
    session: Session,
    viewer: Viewer,
    company_id: int,
    point_id: int,
    status: str,
    note: str,
    expected_version: int | None,
    now: datetime,
    opened: Mapping[str, Any] | None = None,
) -> m.ComplianceRecord:
    """Set a company's status on a point by hand (it overrides what the rule derives), with a note.

    Only an admin or the agency of the framework's regency may; the verifier and time are kept.
    ``expected_version`` is the version of the record the verifier saw (None: there was none): if the
    company changed its evidence since, or someone else verified, :class:`ComplianceChanged` refuses it
    and says what the record holds now. ``opened`` (the fields as the form showed them) lets that
    refusal list each field that changed.
    """
    point, framework = _point_and_framework(session, point_id)
    if not viewer.may_verify_in(framework.regency_id):
        refuse(
            viewer=viewer, entity="framework_point", entity_id=point_id, detail=f"verify company {company_id}"
        )
    try:
        chosen = m.ComplianceStatus(status)
    except ValueError:
        raise UnknownStatus(status=status) from None
    _check_company(session, company_id, framework)
    record = locked_record(session, company_id, point_id)
    note = note.strip()
    _check_version(
        record,
        expected_version,
        {"manual_status": chosen.value, "note": note, "verified_at": now},
        opened,
    )
    before = _record_values(record)
    if record is None:
        record = m.ComplianceRecord(company_id=company_id, point_id=point.id or point_id)
    # Verifying is an act of its own even when status and note stay: who verified and when change.
    record.manual_status = chosen.value
    record.note = note
    record.verified_by_id = viewer.user_id
    record.verified_at = now
    return _save(session, viewer=viewer, action="verify_compliance", record=record, before=before, now=now)


def record_compliance_evidence(
    *,
    session: Session,
    viewer: Viewer,
    company_id: int,
    point_id: int,
    evidence: str,
    document_date: date | None,
    expected_version: int | None,
    now: datetime,
    opened: Mapping[str, Any] | None = None,
) -> m.ComplianceRecord:
    """Record a company's evidence for a point and the date of its document.

    Only the company's own staff or an admin may; the status stays as it was. ``expected_version`` is
    the version of the record the writer saw (None: there was none); a record saved by someone else
    since is refused with :class:`ComplianceChanged` and nothing is written. ``opened`` (the fields as
    the form showed them) lets that refusal list each field that changed. Saving what the record
    holds already writes nothing.
    """
    point, framework = _point_and_framework(session, point_id)
    if not viewer.may_write_company(company_id):
        refuse(
            viewer=viewer,
            entity="framework_point",
            entity_id=point_id,
            detail=f"evidence company {company_id}",
        )
    _check_company(session, company_id, framework)
    record = locked_record(session, company_id, point_id)
    evidence = evidence.strip()
    _check_version(
        record,
        expected_version,
        {"evidence": evidence, "document_date": document_date},
        opened,
    )
    if (
        record is not None
        and same_value(record.evidence, evidence)
        and same_value(record.document_date, document_date)
    ):
        return record
    before = _record_values(record)
    if record is None:
        record = m.ComplianceRecord(company_id=company_id, point_id=point.id or point_id)
    record.evidence = evidence
    record.document_date = document_date
    return _save(session, viewer=viewer, action="record_evidence", record=record, before=before, now=now)


def _framework_values(framework: m.Framework) -> dict[str, Any]:
    return {
        "regency_id": framework.regency_id,
        "name": framework.name,
        "plan_year": framework.plan_year,
        "issued_on": framework.issued_on,
    }


def create_framework(
    *,
    session: Session,
    viewer: Viewer,
    regency_id: int,
    name: str,
    plan_year: int,
    issued_on: date,
) -> m.Framework:
    """A new coordination framework of a regency; its name is unique within the regency."""
    if not viewer.is_admin:
        refuse(viewer=viewer, entity="framework", entity_id=None, detail="create")
    regency = session.get(m.Regency, regency_id)
    if regency is None:
        raise UnknownRegency(regency_id=regency_id)
    name = " ".join(name.split())
    if not name:
        raise NameRequired()
    if len(name) > MAX_NAME:
        raise NameTooLong(max=MAX_NAME)
    if not MIN_PLAN_YEAR <= plan_year <= MAX_PLAN_YEAR:
        raise InvalidPlanYear(min=MIN_PLAN_YEAR, max=MAX_PLAN_YEAR)
    taken = session.exec(
        select(func.count()).where(
            col(m.Framework.regency_id) == regency_id,
            func.lower(col(m.Framework.name)) == name.lower(),
        )
    ).one()
    if taken:
        raise DuplicateFramework(name=name, regency=regency.name)
    framework = m.Framework(regency_id=regency_id, name=name, plan_year=plan_year, issued_on=issued_on)
    session.add(framework)
    session.flush()
    audit.record(
        session=session,
        actor=viewer,
        action="create_framework",
        entity="framework",
        entity_id=framework.id,
        after=_framework_values(framework),
    )
    return framework


def add_point(
    *,
    session: Session,
    viewer: Viewer,
    framework_id: int,
    number: int,
    title: str,
    text: str,
    deadline: date | None,
    evidence_needed: str,
    rule: str,
    rule_min: int | None,
) -> m.FrameworkPoint:
    """A numbered point of a framework and how it is judged; its number is unique within the framework."""
    if not viewer.is_admin:
        refuse(
            viewer=viewer, entity="framework_point", entity_id=None, detail=f"add to framework {framework_id}"
        )
    framework = session.get(m.Framework, framework_id)
    if framework is None:
        raise UnknownFramework(framework_id=framework_id)
    if number < 1:
        raise InvalidNumber()
    title = " ".join(title.split())
    if not title:
        raise TitleRequired()
    if len(title) > MAX_TITLE:
        raise TitleTooLong(max=MAX_TITLE)
    text = text.strip()
    if not text:
        raise TextRequired()
    try:
        chosen = m.PointRule(rule)
    except ValueError:
        raise UnknownRule(rule=rule) from None
    if chosen is m.PointRule.MIN_POVERTY_PROGRAMS:
        if rule_min is None or rule_min < 1:
            raise RuleMinRequired()
    elif rule_min is not None:
        raise RuleMinNotAllowed()
    if chosen is m.PointRule.DOCUMENT_BY_DEADLINE and deadline is None:
        raise DeadlineRequired()
    taken = session.exec(
        select(func.count()).where(
            col(m.FrameworkPoint.framework_id) == framework_id, col(m.FrameworkPoint.number) == number
        )
    ).one()
    if taken:
        raise DuplicatePoint(number=number, framework=framework.name)
    point = m.FrameworkPoint(
        framework_id=framework_id,
        number=number,
        title=title,
        text=text,
        deadline=deadline,
        evidence_needed=evidence_needed.strip(),
        rule=chosen.value,
        rule_min=rule_min,
    )
    session.add(point)
    session.flush()
    audit.record(
        session=session,
        actor=viewer,
        action="add_point",
        entity="framework_point",
        entity_id=point.id,
        after={
            "framework_id": framework_id,
            "number": number,
            "title": title,
            "deadline": deadline,
            "evidence_needed": point.evidence_needed,
            "rule": point.rule,
            "rule_min": rule_min,
        },
    )
    return point

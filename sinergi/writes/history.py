"""What happened before Sinergi held it, recorded by an admin: when results were submitted and verified
and feedback given and closed (a command stamps the moment it runs; a history loaded from elsewhere
lies in the past), where an organisation sits, which meeting agreed a framework and which companies
take part in it. No form sets these; the demo world loads them through these commands.

Each writes only what differs from what the record holds, with its audit row, and says whether it
wrote anything.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

import models as m
from sinergi.core import audit
from sinergi.core.access import Viewer, refuse
from sinergi.writes.entry import UnknownRecord


def _set(
    session: Session, viewer: Viewer, entity: str, record: Any, detail: str, values: dict[str, Any]
) -> bool:
    """Write ``values`` into ``record`` where they differ, with the audit row of the change."""
    if not viewer.is_admin:
        refuse(viewer=viewer, entity=entity, entity_id=getattr(record, "id", None), detail=detail)
    before = {name: getattr(record, name) for name in values}
    if before == values:
        return False
    for name, value in values.items():
        setattr(record, name, value)
    session.add(record)
    session.flush()
    audit.record(
        session=session,
        actor=viewer,
        action="update",
        entity=entity,
        entity_id=getattr(record, "id", None),
        before=before,
        after=values,
        detail=detail,
    )
    return True


def _get(session: Session, model: Any, key: Any) -> Any:
    record = session.get(model, key)
    if record is None:
        raise UnknownRecord()
    return record


def set_result_moments(
    *,
    session: Session,
    viewer: Viewer,
    result_id: int,
    submitted_at: datetime,
    verified_at: datetime | None = None,
    returned_at: datetime | None = None,
) -> bool:
    """When a result was submitted (and verified, or sent back); it was last changed then."""
    result = _get(session, m.Result, result_id)
    values: dict[str, Any] = {
        "submitted_at": submitted_at,
        "updated_at": verified_at or returned_at or submitted_at,
    }
    if verified_at is not None:
        values["verified_at"] = verified_at
    if returned_at is not None:
        values["returned_at"] = returned_at
    return _set(session, viewer, "result", result, "moments", values)


def set_feedback_moments(
    *, session: Session, viewer: Viewer, item_id: int, given_at: datetime, closed_at: datetime | None
) -> bool:
    """When a feedback item was given and closed (None: it is not); it was last changed then."""
    item = _get(session, m.FeedbackItem, item_id)
    values = {"created_at": given_at, "closed_at": closed_at, "updated_at": closed_at or given_at}
    return _set(session, viewer, "feedback_item", item, "moments", values)


def place_organisation(*, session: Session, viewer: Viewer, organisation_id: int, village_id: int) -> bool:
    """The village an organisation sits in."""
    organisation = _get(session, m.Organisation, organisation_id)
    _get(session, m.Village, village_id)
    return _set(session, viewer, "organisation", organisation, "village", {"village_id": village_id})


def set_framework_meeting(*, session: Session, viewer: Viewer, framework_id: int, meeting_id: int) -> bool:
    """The meeting that agreed a framework."""
    framework = _get(session, m.Framework, framework_id)
    _get(session, m.Meeting, meeting_id)
    return _set(session, viewer, "framework", framework, "meeting", {"meeting_id": meeting_id})


def add_participation(
    *,
    session: Session,
    viewer: Viewer,
    framework_id: int,
    company_id: int,
    declined: bool,
    decline_reason: str = "",
    decline_letter_on: date | None = None,
) -> bool:
    """That a company takes part in a framework, or declined it (with its reason and letter's date);
    a company already listed stays as it is."""
    if not viewer.is_admin:
        refuse(viewer=viewer, entity="framework_participation", entity_id=framework_id, detail="add")
    _get(session, m.Framework, framework_id)
    _get(session, m.Company, company_id)
    if session.get(m.FrameworkParticipation, (framework_id, company_id)) is not None:
        return False
    taking_part = m.FrameworkParticipation(
        framework_id=framework_id,
        company_id=company_id,
        declined=declined,
        decline_reason=decline_reason,
        decline_letter_on=decline_letter_on,
    )
    session.add(taking_part)
    session.flush()
    audit.record(
        session=session,
        actor=viewer,
        action="create",
        entity="framework_participation",
        entity_id=framework_id,
        after=taking_part.model_dump(),
    )
    return True

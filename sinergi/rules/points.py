"""Coordination points judged from the data: how a point's rule decides a company's status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models import ComplianceStatus, PointRule


@dataclass(frozen=True)
class PointFacts:
    """What the data says about one company for one coordination point."""

    rule: str
    rule_min: int | None
    deadline: date | None
    manual_status: str | None
    document_date: date | None
    poverty_programs: int
    declined: bool
    decline_letter_on: date | None


def judge_point(facts: PointFacts, *, today: date) -> ComplianceStatus:
    """The status of one company against one point; a status set by hand always wins."""
    if facts.manual_status is not None:
        return ComplianceStatus(facts.manual_status)
    if facts.rule == PointRule.DECLINED_ONLY:
        if not facts.declined:
            return ComplianceStatus.NOT_APPLICABLE
        return ComplianceStatus.MET if facts.decline_letter_on is not None else ComplianceStatus.NOT_MET
    if facts.declined:
        # A company that declined in writing is judged on that point alone.
        return ComplianceStatus.NOT_APPLICABLE
    if facts.rule == PointRule.MIN_POVERTY_PROGRAMS:
        needed = facts.rule_min or 1
        if facts.poverty_programs >= needed:
            return ComplianceStatus.MET
        return ComplianceStatus.PARTLY_MET if facts.poverty_programs > 0 else ComplianceStatus.NOT_MET
    if facts.rule == PointRule.DOCUMENT_BY_DEADLINE:
        if facts.document_date is not None:
            on_time = facts.deadline is None or facts.document_date <= facts.deadline
            return ComplianceStatus.MET if on_time else ComplianceStatus.PARTLY_MET
        if facts.deadline is not None and today > facts.deadline:
            return ComplianceStatus.NOT_MET
        return ComplianceStatus.PENDING
    return ComplianceStatus.PENDING

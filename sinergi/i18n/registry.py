"""The translation keys the code makes at run time, in one registry.

A key written out in the code (``t("overview.title")``) is found by reading the code. A key built from a
value (``pillar.economy`` from ``m.Pillar.ECONOMY``) is not: each such family of keys is declared once,
with :func:`family` (or :func:`enumeration` for the words of an enumeration) beside the values it is
built from, and its keys are made with the family's ``key``. :func:`keys` lists every key of every family
declared so far: a module declares its families when it is imported (the enumerations of ``models``
here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import models as m


@dataclass(frozen=True)
class Family:
    """Keys made from values: ``pattern`` with ``{}`` where the value goes, and every value it takes."""

    pattern: str
    values: Callable[[], Iterable[object]]

    def key(self, value: object) -> str:
        return self.pattern.format(value)

    def keys(self) -> frozenset[str]:
        return frozenset(self.key(value) for value in self.values())


_FAMILIES: list[Family] = []

# The enumerations whose values readers see, by kind: the word for a value is the text "<kind>.<value>".
ENUMERATIONS: dict[str, type[StrEnum]] = {}


def family(pattern: str, values: Callable[[], Iterable[object]]) -> Family:
    """Declare the keys ``pattern`` makes of ``values`` (called when the keys are listed)."""
    made = Family(pattern, values)
    _FAMILIES.append(made)
    return made


def enum_key(kind: str, value: str) -> str:
    """The key of the word for ``value`` of the enumeration ``kind``, e.g. ``pillar.economy``."""
    return f"{kind}.{value}"


def enumeration(kind: str, enum: type[StrEnum]) -> Family:
    """Declare that readers see the values of ``enum``, each as the text ``enum_key(kind, value)``."""
    ENUMERATIONS[kind] = enum
    return family(enum_key(kind, "{}"), lambda: [member.value for member in enum])


def keys() -> frozenset[str]:
    """Every key of every family declared so far."""
    return frozenset().union(*(made.keys() for made in _FAMILIES))


MODEL_ENUMERATIONS: Final[Mapping[str, type[StrEnum]]] = {
    "pillar": m.Pillar,
    "stage": m.Stage,
    "sector": m.Sector,
    "org_type": m.OrgType,
    "partner_role": m.PartnerRole,
    "indicator_kind": m.IndicatorKind,
    "direction": m.Direction,
    "accumulation": m.Accumulation,
    "result_state": m.ResultState,
    "action_status": m.ActionStatus,
    "meeting_kind": m.MeetingKind,
    "feedback_kind": m.FeedbackKind,
    "feedback_status": m.FeedbackStatus,
    "moderation": m.Moderation,
    "compliance": m.ComplianceStatus,
    "point_rule": m.PointRule,
    "role": m.Role,
}
for _kind, _enum in MODEL_ENUMERATIONS.items():
    enumeration(_kind, _enum)

# The kinds of share link, as the admin page offers them.
SHARE_KIND: Final = family("admin.share_kind_{}", lambda: [kind.value for kind in m.ShareKind])

# What the audit log records, each shown to the reader in words: the actions ("audit_action.<action>")
# and what a row is about ("audit_entity.<entity>": a table, an import's file, or a record's links).
AUDIT_ACTIONS: Final = (
    "add_evidence_file",
    "add_point",
    "change_role",
    "close_input",
    "close_vote",
    "correct",
    "create",
    "create_framework",
    "disable",
    "enable",
    "import",
    "login",
    "login_failed",
    "login_locked",
    "logout",
    "match_organisation",
    "merge",
    "moderate",
    "open_input",
    "open_vote",
    "password_change",
    "password_change_failed",
    "password_reset",
    "read",
    "record_evidence",
    "refused",
    "remove_evidence_file",
    "restore",
    "return",
    "share",
    "share_open",
    "share_refused",
    "share_revoke",
    "show_slide",
    "submit",
    "unlock",
    "update",
    "verify",
    "verify_compliance",
    "withdraw",
)
AUDIT_ACTION: Final = family("audit_action.{}", lambda: AUDIT_ACTIONS)
AUDIT_ENTITIES: Final = (
    "app_user",
    "audit_log",
    "company",
    "company_regency",
    "compliance_record",
    "database",
    "district",
    "evaluation",
    "evaluation_links",
    "evaluation_program",
    "evidence_file",
    "feedback_item",
    "file",
    "follow_up_action",
    "framework",
    "framework_participation",
    "framework_point",
    "import",
    "indicator",
    "meeting",
    "meeting_attendance",
    "meeting_links",
    "meeting_participant",
    "meeting_program",
    "notice",
    "organisation",
    "period",
    "program",
    "program_budget",
    "program_links",
    "program_partner",
    "program_sdg",
    "program_village",
    "regency",
    "result",
    "setting",
    "share_link",
    "village",
    "vote",
)
AUDIT_ENTITY: Final = family("audit_entity.{}", lambda: AUDIT_ENTITIES)

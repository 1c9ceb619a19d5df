"""What an import or export file holds: its sheets, their columns, and their names in either language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import models as m
from models.programs import BENEFICIARY_COLUMNS
from sinergi.i18n import registry
from sinergi.i18n.texts import TEXTS, translate


@dataclass(frozen=True)
class Column:
    """A column of a sheet. ``kind`` is text, int, number, date, bool, list, intlist or enum:<kind>."""

    key: str
    kind: str = "text"
    required: bool = False
    # Written by the export and never read by the import (a count of what the file does not hold);
    # the template leaves it out.
    exported_only: bool = False


# The longest text each name column may hold, as its table declares it.
TEXT_LIMITS = {
    "regency": 120,
    "province": 120,
    "district": 120,
    "village": 120,
    "company": 200,
    "short_name": 60,
    "organisation": 200,
    "organiser_organisation": 200,
    "program": 200,
    "feedback_program": 200,
    "indicator": 200,
    "unit": 40,
    "period": 10,
    "owner": 200,
    "meeting": 300,
    "evaluation": 300,
    "venue": 200,
    "speaker": 200,
}


@dataclass(frozen=True)
class SheetSpec:
    """One entity as a sheet. Reference sheets hold places and names only admins may add."""

    key: str
    columns: tuple[Column, ...]
    reference: bool = False

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


C = Column
COMPANY = C("company")
PROGRAM = C("program", required=True)
MEETING_KEY = (C("company"), C("meeting", required=True), C("held_on", "date", required=True))

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "villages",
        (
            C("regency", required=True),
            C("regency_kind", "enum:regency_kind"),
            C("province"),
            C("district", required=True),
            C("village", required=True),
            C("village_kind", "enum:village_kind"),
        ),
        reference=True,
    ),
    SheetSpec(
        "companies",
        (
            C("company", required=True),
            C("short_name"),
            C("sector", "enum:sector", required=True),
            C("regencies", "list"),
        ),
        reference=True,
    ),
    SheetSpec(
        "organisations",
        (C("organisation", required=True), C("org_type", "enum:org_type", required=True), C("regency")),
        reference=True,
    ),
    SheetSpec(
        "programs",
        (
            COMPANY,
            PROGRAM,
            C("description"),
            C("pillar", "enum:pillar", required=True),
            C("stage", "enum:stage"),
            C("poverty_alleviation", "bool"),
            C("start_date", "date", required=True),
            C("end_date", "date"),
            *(C(name, "int") for name in BENEFICIARY_COLUMNS),
            C("villages", "list"),
            C("sdgs", "intlist"),
            C("beneficiary_groups", "list"),
            C("implementing_partners", "list"),
        ),
    ),
    SheetSpec(
        "budgets",
        (COMPANY, PROGRAM, C("year", "int", required=True), C("planned", "int"), C("spent", "int")),
    ),
    SheetSpec(
        "indicators",
        (
            COMPANY,
            PROGRAM,
            C("indicator", required=True),
            C("unit", required=True),
            C("indicator_kind", "enum:indicator_kind"),
            C("baseline_value", "number"),
            C("baseline_year", "int"),
            C("direction", "enum:direction"),
            C("accumulation", "enum:accumulation"),
        ),
    ),
    SheetSpec(
        "results",
        (
            COMPANY,
            PROGRAM,
            C("indicator", required=True),
            C("period", required=True),
            C("target", "number"),
            C("actual", "number"),
            C("narrative"),
            C("evidence"),
            C("result_state", "enum:result_state"),
            # How many evidence documents the result has; the documents stay in the app.
            C("evidence_files", "int", exported_only=True),
        ),
    ),
    SheetSpec(
        "meetings",
        (
            *MEETING_KEY,
            C("meeting_kind", "enum:meeting_kind", required=True),
            C("venue"),
            C("organiser_organisation"),
            C("regency"),
            C("purpose"),
            C("attendee_count", "int"),
        ),
    ),
    SheetSpec(
        "attendance",
        (*MEETING_KEY, C("organisation", required=True), C("head_count", "int")),
    ),
    SheetSpec(
        "feedback",
        (
            *MEETING_KEY,
            C("organisation"),
            C("source_type", "enum:org_type"),
            C("speaker"),
            C("feedback_program"),
            C("feedback_kind", "enum:feedback_kind", required=True),
            C("text", required=True),
            C("response"),
            C("feedback_status", "enum:feedback_status"),
            C("decline_reason"),
            C("moderation", "enum:moderation"),
        ),
    ),
    # After the meetings an evaluation may name, before the actions that may name it.
    SheetSpec(
        "evaluations",
        (
            COMPANY,
            C("evaluation", required=True),
            C("evaluated_on", "date", required=True),
            C("period", required=True),
            C("meeting"),
            C("held_on", "date"),
            C("evaluated_programs", "list"),
            C("notes"),
        ),
    ),
    SheetSpec(
        "actions",
        (
            COMPANY,
            PROGRAM,
            C("indicator"),
            C("description", required=True),
            C("owner"),
            C("due_date", "date"),
            C("action_status", "enum:action_status"),
            C("completed_on", "date"),
            C("evaluation"),
            C("evaluated_on", "date"),
        ),
    ),
)
SHEETS_BY_KEY = {spec.key: spec for spec in SHEETS}


# Headers and values in either language


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("*", "")).strip().casefold()


# The texts made of the sheets' and columns' keys.
COLUMN_TITLE = registry.family("transfer.col.{}", lambda: [c.key for spec in SHEETS for c in spec.columns])
SHEET_TITLE = registry.family("transfer.sheet.{}", lambda: [spec.key for spec in SHEETS])
SHEET_ABOUT = registry.family("transfer.about.{}", lambda: [spec.key for spec in SHEETS])
TEMPLATE_RULE = registry.family("transfer.tpl.rule{}", lambda: range(1, 7))
TEMPLATE_KIND = registry.family("transfer.tpl.kind_{}", lambda: plain_kinds())
# A value that does not read as its column's kind (text is read as it is).
PARSE_ERROR = registry.family("transfer.err.{}", lambda: plain_kinds() - {"text"})


def plain_kinds() -> set[str]:
    return {c.kind for spec in SHEETS for c in spec.columns if not c.kind.startswith("enum:")}


def header(column: str, lang: str) -> str:
    return translate(COLUMN_TITLE.key(column), lang)


def sheet_name(sheet: str, lang: str) -> str:
    return translate(SHEET_TITLE.key(sheet), lang)


def names(text_key: str, key: str) -> set[str]:
    """``key`` and the text of ``text_key`` in both languages (or ``key`` again), compared loosely."""
    pair = TEXTS.get(text_key, (key, key))
    return {norm(key), norm(pair[0]), norm(pair[1])}


def spec_for_sheet(title: str) -> SheetSpec | None:
    wanted = norm(title)
    return next((s for s in SHEETS if wanted in names(SHEET_TITLE.key(s.key), s.key)), None)


# Each enumeration a column can hold, by its translation kind: the registry's, whose members' words are
# the texts ``kind.value``, and the kinds of places, which have no texts and are read by their values.
ENUMS: dict[str, type[Any]] = {
    **registry.MODEL_ENUMERATIONS,
    "regency_kind": m.RegencyKind,
    "village_kind": m.VillageKind,
}


def enum_label(kind: str, value: str | None, lang: str) -> str | None:
    if value is None:
        return None
    key = registry.enum_key(kind, value)
    return translate(key, lang) if key in TEXTS else value


def enum_value(kind: str, text: str) -> str | None:
    wanted = norm(text)
    for member in ENUMS[kind]:
        if wanted in names(registry.enum_key(kind, member.value), member.value):
            return str(member.value)
    return None


def enum_choices(kind: str, lang: str) -> list[str]:
    return [enum_label(kind, member.value, lang) or member.value for member in ENUMS[kind]]

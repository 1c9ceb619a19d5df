"""What a typed value must be to be stored: each entity's fields declared once, checked the same way
by every entry point (form, grid, import, command line).

An :class:`EntitySpec` lists a record's :class:`FieldSpec` s; :func:`check_fields` turns what was typed
into values to store or a message per field. Numbers are also held to the bounds their table declares
(``__bounds__`` in ``models``), which a CHECK constraint enforces in the database too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlmodel import SQLModel

import models as m
from sinergi.core.errors import DomainError


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    INT = "int"
    NUMBER = "number"
    DATE = "date"
    BOOL = "bool"
    CHOICE = "choice"  # one value of an enumeration
    REF = "ref"  # the id of another record, chosen from what the viewer may use


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: FieldKind
    required: bool = False
    enum: type[StrEnum] | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    # For REF fields: which list of options (see :func:`options`) the id must come from.
    ref: str = ""
    # What an optional field left empty stores (a count left empty is zero).
    empty: Any = None


@dataclass(frozen=True)
class EntitySpec:
    entity: str  # the audit log's entity name and the prefix of the field labels
    model: type[SQLModel]
    fields: tuple[FieldSpec, ...]
    # The field that ties a record to the record it belongs to (a program's indicators), if any.
    parent: str = ""
    creatable: bool = True
    # Fields whose value must not repeat under one parent (a program's name within its company).
    unique: tuple[str, ...] = ()

    def field(self, name: str) -> FieldSpec:
        return next(spec for spec in self.fields if spec.name == name)


F = FieldKind


class FieldErrors(DomainError):
    """What was typed does not fit; ``errors`` maps a field to (message key, values)."""

    key = "entry.error.fields"

    def __init__(self, errors: Mapping[str, tuple[str, dict[str, Any]]]) -> None:
        super().__init__(count=len(errors))
        self.errors = dict(errors)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


Error = tuple[str, dict[str, Any]]


def check_value(spec: FieldSpec, value: Any, bounds: m.Bounds | None = None) -> tuple[Any, Error | None]:
    """The value to store, or the error to show next to the field (a message key and its values)."""
    if _empty(value):
        if spec.required:
            return None, ("entry.error.required", {})
        if spec.kind in (F.TEXT, F.LONG_TEXT):
            return "", None
        return (False if spec.kind is F.BOOL else spec.empty), None
    match spec.kind:
        case F.TEXT | F.LONG_TEXT:
            text = str(value).strip()
            if spec.max_length is not None and len(text) > spec.max_length:
                return None, ("entry.error.too_long", {"max": spec.max_length})
            return text, None
        case F.INT | F.NUMBER:
            try:
                number: float = (
                    float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
                )
            except (TypeError, ValueError):
                return None, ("entry.error.number", {})
            if not math.isfinite(number):
                return None, ("entry.error.number", {})
            if spec.kind is F.INT and number != int(number):
                return None, ("entry.error.whole_number", {})
            if spec.minimum is not None and number < spec.minimum:
                return None, ("entry.error.minimum", {"min": spec.minimum})
            if spec.maximum is not None and number > spec.maximum:
                return None, ("entry.error.maximum", {"max": spec.maximum})
            if bounds is not None and number < bounds.low:
                return None, ("entry.error.minimum", {"min": bounds.low})
            if bounds is not None and number > bounds.high:
                return None, ("entry.error.maximum", {"max": bounds.high})
            return (int(number) if spec.kind is F.INT else number), None
        case F.DATE:
            return (value, None) if isinstance(value, date) else (None, ("entry.error.date", {}))
        case F.BOOL:
            return bool(value), None
        case F.CHOICE:
            assert spec.enum is not None
            allowed = {member.value for member in spec.enum}
            return (str(value), None) if str(value) in allowed else (None, ("entry.error.choice", {}))
        case F.REF:
            return (value, None) if isinstance(value, int) else (None, ("entry.error.choice", {}))
    raise AssertionError(spec.kind)


def check_fields(
    spec: EntitySpec, typed: Mapping[str, Any], names: Iterable[str] | None = None
) -> tuple[dict[str, Any], dict[str, Error]]:
    """The values to store and the errors of every field that does not fit, for all of ``spec``'s
    fields or only ``names`` (what an import sheet or a grid holds of the record)."""
    bounds = m.bounds_of(spec.model)
    wanted = None if names is None else set(names)
    values: dict[str, Any] = {}
    errors: dict[str, Error] = {}
    for field_spec in spec.fields:
        if wanted is not None and field_spec.name not in wanted:
            continue
        value, error = check_value(field_spec, typed.get(field_spec.name), bounds.get(field_spec.name))
        if error:
            errors[field_spec.name] = error
        else:
            values[field_spec.name] = value
    return values, errors


def checked(spec: EntitySpec, typed: Mapping[str, Any], names: Iterable[str] | None = None) -> dict[str, Any]:
    """The values to store; raises :class:`FieldErrors` naming every field that does not fit."""
    values, errors = check_fields(spec, typed, names)
    if errors:
        raise FieldErrors(errors)
    return values

"""What a typed value must be to be stored: each entity's fields declared once, checked the same way
by every entry point (form, grid, import, command line).

An :class:`EntitySpec` lists a record's :class:`FieldSpec` s: what the forms draw and what a value must
be. From it :meth:`EntitySpec.input_model` builds the pydantic model of the record's typed input, and
:func:`check_fields` validates through it, turning pydantic's errors into a translated message per
field. Numbers are also held to the bounds their table declares (``__bounds__`` in ``models``), which a
CHECK constraint enforces in the database too.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
)
from pydantic_core import PydanticCustomError
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

    def input_model(self, names: Iterable[str] | None = None) -> type[BaseModel]:
        """The pydantic model of what may be typed into the record: all its fields, or only ``names``."""
        return _input_model(self, None if names is None else frozenset(names))


F = FieldKind


class FieldErrors(DomainError):
    """What was typed does not fit; ``errors`` maps a field to (message key, values)."""

    key = "entry.error.fields"

    def __init__(self, errors: Mapping[str, tuple[str, dict[str, Any]]]) -> None:
        super().__init__(count=len(errors))
        self.errors = dict(errors)


Error = tuple[str, dict[str, Any]]

# --- the pydantic model of an entity's typed input ---------------------------------------------------

# A value that is not a number (text, infinity, NaN) is refused with pydantic's own error; numbers are
# read as people type them at the entry points, so only numbers and canonical text ("13.5") come here.
_CONFIG = ConfigDict(allow_inf_nan=False, use_enum_values=True, extra="ignore")


def _whole(number: float) -> int:
    if not number.is_integer():
        raise PydanticCustomError("int_from_float", "Input should be a whole number")
    return int(number)


def _text(value: Any) -> Any:
    """Whatever sits in a text field is kept as its text, as a spreadsheet cell shows a number."""
    return value if isinstance(value, str) else str(value)


def _limits(field: FieldSpec, bounds: m.Bounds | None) -> tuple[float | None, float | None]:
    """The lowest and highest number the field takes: the tighter of its own limits and its column's
    bounds (a head count is at least 0 by the form and at most 1e8 by the table)."""
    lows = [x for x in (field.minimum, bounds.low if bounds else None) if x is not None]
    highs = [x for x in (field.maximum, bounds.high if bounds else None) if x is not None]
    return (max(lows) if lows else None, min(highs) if highs else None)


def _annotation(field: FieldSpec, bounds: m.Bounds | None) -> Any:
    """The type a field's value must have once stored, with its constraints."""
    match field.kind:
        case F.TEXT | F.LONG_TEXT:
            constraints = StringConstraints(strip_whitespace=True, max_length=field.max_length)
            return Annotated[str, constraints, BeforeValidator(_text)]
        case F.NUMBER:
            low, high = _limits(field, bounds)
            return Annotated[float, Field(ge=low, le=high)]
        case F.INT:  # read as a number first, so 13.5 and "13.5" are both "not whole", 1e20 "too large"
            low, high = _limits(field, bounds)
            return Annotated[float, Field(ge=low, le=high), AfterValidator(_whole)]
        case F.DATE:
            return Annotated[date, Field(strict=True)]
        case F.BOOL:
            return bool
        case F.CHOICE:
            assert field.enum is not None
            return field.enum
        case F.REF:
            return Annotated[int, Field(strict=True)]
    raise AssertionError(field.kind)


def _empty_value(field: FieldSpec) -> Any:
    """What an optional field left empty stores."""
    if field.kind in (F.TEXT, F.LONG_TEXT):
        return ""
    return False if field.kind is F.BOOL else field.empty


@functools.cache
def _input_model(spec: EntitySpec, names: frozenset[str] | None) -> type[BaseModel]:
    bounds = m.bounds_of(spec.model)
    fields: dict[str, Any] = {
        field.name: (
            _annotation(field, bounds.get(field.name)),
            ... if field.required else _empty_value(field),
        )
        for field in spec.fields
        if names is None or field.name in names
    }
    return create_model(f"{spec.entity.title().replace('_', '')}Input", __config__=_CONFIG, **fields)


# --- pydantic's errors as the messages every entry point shows -----------------------------------------

# Errors that say what is wrong whatever the field's kind, with the limit each message names.
_LIMIT_ERRORS: dict[str, tuple[str, dict[str, str]]] = {
    "missing": ("entry.error.required", {}),
    "string_too_long": ("entry.error.too_long", {"max": "max_length"}),
    "greater_than_equal": ("entry.error.minimum", {"min": "ge"}),
    "less_than_equal": ("entry.error.maximum", {"max": "le"}),
    "int_from_float": ("entry.error.whole_number", {}),
}
# Any other error says the value is not of the field's kind: text that is not a number
# (float_parsing), infinity or NaN (finite_number), not a date (date_type), not one of an
# enumeration's values (enum), not a boolean (bool_parsing), a reference that is not an id (int_type).
_KIND_ERRORS = {
    F.INT: "entry.error.number",
    F.NUMBER: "entry.error.number",
    F.DATE: "entry.error.date",
    F.BOOL: "entry.error.choice",
    F.CHOICE: "entry.error.choice",
    F.REF: "entry.error.choice",
}


def _message(spec: EntitySpec, name: str, error_type: str) -> Error:
    """The message key and values shown for one of pydantic's errors on the field ``name``.

    A limit is named as declared (a year's 2000 stays a whole number, shown without a separator),
    not as pydantic holds it after turning it into the field's type.
    """
    field = spec.field(name)
    if error_type in _LIMIT_ERRORS:
        key, names = _LIMIT_ERRORS[error_type]
        low, high = _limits(field, m.bounds_of(spec.model).get(name))
        declared = {"max_length": field.max_length, "ge": low, "le": high}
        return key, {value: declared[source] for value, source in names.items()}
    return _KIND_ERRORS[field.kind], {}


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_fields(
    spec: EntitySpec, typed: Mapping[str, Any], names: Iterable[str] | None = None
) -> tuple[dict[str, Any], dict[str, Error]]:
    """The values to store and the errors of every field that does not fit, for all of ``spec``'s
    fields or only ``names`` (what an import sheet or a grid holds of the record).

    A field left empty is left out of what pydantic sees: a required one is then missing, an optional
    one takes its empty value (a count left empty is zero).
    """
    model = spec.input_model(names)
    given = {name: value for name in model.model_fields if not _empty(value := typed.get(name))}
    try:
        return model.model_validate(given).model_dump(), {}
    except ValidationError as invalid:
        errors: dict[str, Error] = {}
        for error in invalid.errors():  # every field's error, not only the first
            name = str(error["loc"][0])
            errors.setdefault(name, _message(spec, name, error["type"]))
    # The fields that fit still count: rules between fields (an end before the start) ask for them.
    fitting = [name for name in model.model_fields if name not in errors]
    return spec.input_model(fitting).model_validate(given).model_dump(), errors


def checked(spec: EntitySpec, typed: Mapping[str, Any], names: Iterable[str] | None = None) -> dict[str, Any]:
    """The values to store; raises :class:`FieldErrors` naming every field that does not fit."""
    values, errors = check_fields(spec, typed, names)
    if errors:
        raise FieldErrors(errors)
    return values

"""What a typed value must be: each entity's pydantic model, and pydantic's errors turned into the one
translated message per field that every entry point shows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

import models as m
from sinergi.i18n.texts import translate
from sinergi.writes import entry
from sinergi.writes.feedback import FEEDBACK
from sinergi.writes.fields import EntitySpec, FieldErrors, check_fields, checked
from sinergi.writes.results import RESULT

# (entity, field, what was typed, pydantic's error type, the message key and its values)
REFUSED = [
    pytest.param(entry.PROGRAM, "name", "   ", "missing", "entry.error.required", {}, id="blank-required"),
    pytest.param(
        entry.PROGRAM, "start_date", None, "missing", "entry.error.required", {}, id="none-required"
    ),
    pytest.param(
        entry.PROGRAM,
        "name",
        "x" * 201,
        "string_too_long",
        "entry.error.too_long",
        {"max": 200},
        id="too-long",
    ),
    pytest.param(
        FEEDBACK,
        "text",
        " " + "x" * 2001,
        "string_too_long",
        "entry.error.too_long",
        {"max": 2000},
        id="long-text",
    ),
    pytest.param(RESULT, "target", "sepuluh", "float_parsing", "entry.error.number", {}, id="not-a-number"),
    pytest.param(RESULT, "target", "13,5", "float_parsing", "entry.error.number", {}, id="decimal-comma"),
    pytest.param(RESULT, "target", "inf", "finite_number", "entry.error.number", {}, id="inf-text"),
    pytest.param(RESULT, "actual", float("-inf"), "finite_number", "entry.error.number", {}, id="-inf"),
    pytest.param(RESULT, "target", float("nan"), "finite_number", "entry.error.number", {}, id="nan"),
    pytest.param(RESULT, "target", "nan", "finite_number", "entry.error.number", {}, id="nan-text"),
    pytest.param(
        RESULT, "target", 1e308, "less_than_equal", "entry.error.maximum", {"max": 1e12}, id="1e308"
    ),
    pytest.param(
        RESULT, "actual", "-1e308", "greater_than_equal", "entry.error.minimum", {"min": -1e12}, id="-1e308"
    ),
    pytest.param(
        entry.BUDGET, "planned", 1e16, "less_than_equal", "entry.error.maximum", {"max": 1e15}, id="rupiah"
    ),
    pytest.param(
        entry.PROGRAM,
        "families_planned",
        -3,
        "greater_than_equal",
        "entry.error.minimum",
        {"min": 0},
        id="neg",
    ),
    pytest.param(
        entry.BUDGET, "year", 1900, "greater_than_equal", "entry.error.minimum", {"min": 2000}, id="year-low"
    ),
    pytest.param(
        entry.INDICATOR,
        "baseline_year",
        2101,
        "less_than_equal",
        "entry.error.maximum",
        {"max": 2100},
        id="year",
    ),
    pytest.param(
        entry.MEETING,
        "attendee_count",
        10**9,
        "less_than_equal",
        "entry.error.maximum",
        {"max": 1e8},
        id="crowd",
    ),
    pytest.param(
        entry.ATTENDANCE,
        "head_count",
        1e20,
        "less_than_equal",
        "entry.error.maximum",
        {"max": 1e8},
        id="1e20",
    ),
    pytest.param(
        entry.BUDGET, "year", 2024.5, "int_from_float", "entry.error.whole_number", {}, id="fraction"
    ),
    pytest.param(
        entry.MEETING,
        "attendee_count",
        "12.5",
        "int_from_float",
        "entry.error.whole_number",
        {},
        id="frac-text",
    ),
    pytest.param(entry.BUDGET, "spent", "banyak", "float_parsing", "entry.error.number", {}, id="int-text"),
    pytest.param(
        entry.PROGRAM, "start_date", "17/01/2024", "date_type", "entry.error.date", {}, id="date-text"
    ),
    pytest.param(entry.ACTION, "due_date", 45000, "date_type", "entry.error.date", {}, id="date-number"),
    pytest.param(entry.PROGRAM, "pillar", "tourism", "enum", "entry.error.choice", {}, id="enum"),
    pytest.param(
        entry.PROGRAM, "poverty_alleviation", "x", "bool_parsing", "entry.error.choice", {}, id="bool"
    ),
    pytest.param(entry.ACTION, "indicator_id", "3", "int_type", "entry.error.choice", {}, id="ref-text"),
    pytest.param(entry.ACTION, "indicator_id", True, "int_type", "entry.error.choice", {}, id="ref-bool"),
]


@pytest.mark.parametrize(("spec", "name", "typed", "error_type", "key", "values"), REFUSED)
def test_each_pydantic_error_is_shown_as_its_message_naming_the_field(
    spec: EntitySpec, name: str, typed: Any, error_type: str, key: str, values: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as invalid:
        spec.input_model([name]).model_validate({} if typed is None or typed == "   " else {name: typed})
    assert [error["type"] for error in invalid.value.errors()] == [error_type]
    assert check_fields(spec, {name: typed}, [name]) == ({}, {name: (key, values)})


def test_a_limit_is_shown_as_declared_in_the_reader_language() -> None:
    _, errors = check_fields(entry.BUDGET, {"year": 1900, "planned": 1e16}, ["year", "planned"])
    assert [translate(key, "id", **values) for key, values in errors.values()] == [
        "Tidak boleh kurang dari 2000.",
        "Tidak boleh lebih dari 1.000.000.000.000.000.",
    ]
    assert translate(*errors["planned"][:1], "en", **errors["planned"][1]) == (
        "Must not be more than 1,000,000,000,000,000."
    )


def test_every_error_of_a_record_is_reported_and_the_fitting_fields_still_count() -> None:
    typed = {
        "name": "",
        "pillar": "tourism",
        "stage": m.Stage.PLANNING,
        "start_date": "kemarin",
        "end_date": date(2024, 6, 30),
        "families_planned": -1,
        "men_planned": 2.5,
        "women_planned": "inf",
        "description": "  Bank sampah desa  ",
    }
    values, errors = check_fields(entry.PROGRAM, typed)
    assert errors == {
        "name": ("entry.error.required", {}),
        "pillar": ("entry.error.choice", {}),
        "start_date": ("entry.error.date", {}),
        "families_planned": ("entry.error.minimum", {"min": 0}),
        "men_planned": ("entry.error.whole_number", {}),
        "women_planned": ("entry.error.number", {}),
    }
    # What fits is there for the rules between fields (an end date before the start).
    assert values["end_date"] == date(2024, 6, 30)
    assert values["description"] == "Bank sampah desa"
    assert values["stage"] == "planning"
    with pytest.raises(FieldErrors) as refused:
        checked(entry.PROGRAM, typed)
    assert refused.value.errors == errors
    assert refused.value.values == {"count": 6}


def test_what_fits_is_stored_as_its_column_holds_it() -> None:
    values = checked(
        entry.PROGRAM,
        {
            "name": "  Bank Sampah ",
            "pillar": m.Pillar.ECONOMY,
            "stage": "planning",
            "start_date": date(2024, 1, 1),
            "families_planned": 12.0,
            "men_planned": "30",
            "women_planned": "",
        },
    )
    assert values == {
        "name": "Bank Sampah",
        "description": "",
        "pillar": "economy",
        "stage": "planning",
        "poverty_alleviation": False,
        "start_date": date(2024, 1, 1),
        "end_date": None,
        "families_planned": 12,
        "families_reached": 0,
        "men_planned": 30,
        "men_reached": 0,
        "women_planned": 0,
        "women_reached": 0,
    }
    assert type(values["families_planned"]) is int and type(values["pillar"]) is str
    assert checked(
        RESULT, {"target": "13.5", "actual": 1e12, "narrative": 2024}, ["target", "actual", "narrative"]
    ) == {
        "target": 13.5,
        "actual": 1e12,
        "narrative": "2024",
    }
    # An organisation whose head count is left empty came with one person.
    assert checked(entry.ATTENDANCE, {"head_count": None}) == {"head_count": 1}


@pytest.mark.parametrize(
    ("spec", "name", "low", "high"),
    [
        (RESULT, "target", -1e12, 1e12),
        (entry.BUDGET, "planned", 0, 1e15),
        (entry.MEETING, "attendee_count", 0, 1e8),
        (entry.BUDGET, "year", 2000, 2100),
    ],
)
def test_the_model_holds_numbers_to_the_bounds_their_table_declares(
    spec: EntitySpec, name: str, low: float, high: float
) -> None:
    schema = spec.input_model().model_json_schema()["properties"][name]
    assert (schema["minimum"], schema["maximum"]) == (low, high)
    assert spec.input_model() is spec.input_model()  # built once per entity

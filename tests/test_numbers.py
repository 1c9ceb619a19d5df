"""Numbers typed in the reader's language: read by its conventions, refused rather than guessed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sinergi.i18n.formatting import (
    NumberRefused,
    convention,
    input_number,
    other_reading,
    parse_number,
    refusal,
)
from sinergi.i18n.texts import translate


@pytest.mark.parametrize(
    ("lang", "typed", "number"),
    [
        ("id", "13,5", Decimal("13.5")),
        ("id", "1.250,5", Decimal("1250.5")),
        ("id", "1.250.000", Decimal("1250000")),
        ("id", "1.250", Decimal("1250")),
        ("id", "Rp 1.250.000", Decimal("1250000")),
        ("id", "0,125", Decimal("0.125")),
        ("id", "-2,5", Decimal("-2.5")),
        ("id", "1250", Decimal("1250")),
        ("en", "13.5", Decimal("13.5")),
        ("en", "1,250.5", Decimal("1250.5")),
        ("en", "1,250,000", Decimal("1250000")),
        ("en", "1,250", Decimal("1250")),
        ("en", " 42 ", Decimal("42")),
        ("id", "", None),
        ("en", "   ", None),
    ],
)
def test_a_number_is_read_the_way_its_language_writes_it(lang: str, typed: str, number: Decimal) -> None:
    assert parse_number(typed, lang) == number


@pytest.mark.parametrize(
    ("lang", "typed", "problem", "readings"),
    [
        # Written the other language's way: refused with what it would mean there.
        ("en", "13,5", "convention", (Decimal("13.5"),)),
        ("en", "1,5", "convention", (Decimal("1.5"),)),
        ("en", "1.250.000", "convention", (Decimal("1250000"),)),
        ("en", "1.250,5", "convention", (Decimal("1250.5"),)),
        ("id", "13.5", "convention", (Decimal("13.5"),)),
        ("id", "1,250.5", "convention", (Decimal("1250.5"),)),
        # Three decimals after a short whole part: thousands to a reader of the other language.
        ("en", "12.345", "ambiguous", (Decimal("12.345"), Decimal("12345"))),
        ("en", "1.250", "ambiguous", (Decimal("1.250"), Decimal("1250"))),
        ("id", "12,345", "ambiguous", (Decimal("12.345"), Decimal("12345"))),
        ("id", "1,2,3", "malformed", ()),
        ("en", "1,2,3", "malformed", ()),
        ("en", "abc", "malformed", ()),
        ("en", "1e5", "malformed", ()),
        ("id", "NaN", "malformed", ()),
        ("id", "12 kg", "malformed", ()),
    ],
)
def test_what_is_not_one_number_in_the_language_is_refused(
    lang: str, typed: str, problem: str, readings: tuple[Decimal, ...]
) -> None:
    with pytest.raises(NumberRefused) as refused:
        parse_number(typed, lang)
    assert (refused.value.problem, refused.value.readings) == (problem, readings)


def test_a_refusal_says_how_to_type_the_number() -> None:
    def message(typed: str, lang: str) -> str:
        with pytest.raises(NumberRefused) as refused:
            parse_number(typed, lang)
        key, values = refusal(refused.value, lang)
        return translate(key, lang, **values)

    assert message("13,5", "en") == "“13,5” is not how numbers are written in English. Did you mean 13.5?"
    assert message("12.345", "en") == (
        "“12.345” can be read two ways. Type 12.3450 for the decimal number, or 12345 for the whole number."
    )
    assert message("13.5", "id") == "“13.5” bukan cara menulis angka dalam bahasa Indonesia. Maksudnya 13,5?"
    assert message("1,2,3", "id") == "“1,2,3” bukan angka. Tulis misalnya 1.250,5."
    # What the message suggests is read back as the number it names.
    assert parse_number("12.3450", "en") == Decimal("12.345")
    assert parse_number("12345", "en") == Decimal("12345")


@pytest.mark.parametrize(
    ("typed", "language"),
    [
        ("13,5", "id"),
        ("1.250.000", "id"),
        ("1.250,5", "id"),
        ("13.5", "en"),
        ("1,250,000", "en"),
        ("1,250.5", "en"),
        ("12.345", None),  # both read it, as different numbers
        ("1,250", None),
        ("1250", None),  # both read it alike
        ("1,2,3", None),
    ],
)
def test_only_what_one_language_alone_writes_tells_the_convention(typed: str, language: str | None) -> None:
    assert convention(typed) == language


def test_the_other_reading_is_the_number_a_reader_of_the_other_language_sees() -> None:
    assert other_reading("12.345", "id") == Decimal("12.345")
    assert other_reading("12.345", "en") == Decimal("12345")
    assert other_reading("1.250.000", "id") is None
    assert other_reading("13,5", "id") is None


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("value", [13.5, 1250.5, 1_250_000, 0.125, 12.345, -7.25])
def test_a_number_shown_for_typing_reads_back_as_itself(lang: str, value: float) -> None:
    shown = input_number(value, lang)
    assert float(parse_number(shown, lang) or 0) == value


def test_a_number_shown_for_typing_keeps_its_decimals_and_groups_thousands() -> None:
    assert input_number(1250.5, "id") == "1.250,5"
    assert input_number(1250.5, "en") == "1,250.5"
    assert input_number(12.345, "en") == "12.3450"
    assert input_number(None, "id") == ""

"""Rupiah, numbers, percentages and dates formatted for the reader's language (Babel)."""

from __future__ import annotations

import math
from datetime import date

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal, format_percent

# Parsed once: given a locale's name, Babel parses it again on every call, which costs more than the
# formatting itself (a page formats hundreds of figures).
_LOCALES = {"id": Locale.parse("id_ID"), "en": Locale.parse("en_US")}


def _locale(lang: str) -> Locale:
    return _LOCALES.get(lang, _LOCALES["id"])


def _nan(value: float | int) -> bool:
    """NaN: how pandas marks a missing number (a result not reported yet), written as a dash like None."""
    return isinstance(value, float) and math.isnan(value)


def rupiah(amount: float | int | None, lang: str = "id") -> str:
    """``Rp 1.250.000`` in Indonesian, ``Rp 1,250,000`` in English; whole rupiah."""
    if amount is None or _nan(amount):
        return "–"
    return "Rp " + format_decimal(round(amount), format="#,##0", locale=_locale(lang))


def number(value: float | int | None, lang: str = "id", *, decimals: int = 0) -> str:
    if value is None or _nan(value):
        return "–"
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def percent(fraction: float | None, lang: str = "id") -> str:
    if fraction is None or _nan(fraction):
        return "–"
    return format_percent(fraction, format="#,##0%", locale=_locale(lang))


def long_date(day: date | None, lang: str = "id") -> str:
    """``12 Mei 2023`` in Indonesian, ``12 May 2023`` in English."""
    if day is None:
        return "–"
    return format_date(day, format="d MMMM y", locale=_locale(lang))


def rupiah_short(amount: float | int | None, lang: str = "id") -> str:
    """``Rp 6,4 M`` (miliar) in Indonesian, ``Rp 6.4B`` in English: for tiles where space is short."""
    if amount is None or _nan(amount):
        return "–"
    return "Rp " + format_compact_decimal(
        amount, format_type="short", fraction_digits=1, locale=_locale(lang)
    )

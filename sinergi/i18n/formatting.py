"""Rupiah, numbers, percentages and dates formatted for the reader's language (Babel)."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import (
    NumberFormatError,
    format_compact_decimal,
    format_decimal,
    format_percent,
    parse_decimal,
)

# Parsed once: given a locale's name, Babel parses it again on every call, which costs more than the
# formatting itself (a page formats hundreds of figures).
_LOCALES = {"id": Locale.parse("id_ID"), "en": Locale.parse("en_US")}


def _locale(lang: str) -> Locale:
    return _LOCALES.get(lang, _LOCALES["id"])


def _nan(value: float | int | Decimal) -> bool:
    """NaN: how pandas marks a missing number (a result not reported yet), written as a dash like None."""
    return isinstance(value, float) and math.isnan(value)


def rupiah(amount: float | int | None, lang: str = "id") -> str:
    """``Rp 1.250.000`` in Indonesian, ``Rp 1,250,000`` in English; whole rupiah."""
    if amount is None or _nan(amount):
        return "–"
    return "Rp " + format_decimal(round(amount), format="#,##0", locale=_locale(lang))


def number(value: float | int | Decimal | None, lang: str = "id", *, decimals: int = 0) -> str:
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


# Indonesia's three zones by the names people use, whatever the reader's language (CLDR gives them only
# in Indonesian; English would get "GMT+8").
_INDONESIAN_ZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_name(zone: tzinfo, moment: datetime, lang: str = "id") -> str:
    """The name of ``zone`` at ``moment``: WIB, WITA or WIT for Indonesia's zones, else Babel's short
    name where the language has one (``CEST``), or its long one (not a bare offset)."""
    known = _INDONESIAN_ZONES.get(str(getattr(zone, "key", zone)))
    if known:
        return known
    short = format_datetime(moment, "z", tzinfo=zone, locale=_locale(lang))
    if short[:1] in "+-" or short.startswith("GMT"):
        return format_datetime(moment, "zzzz", tzinfo=zone, locale=_locale(lang))
    return short


def _aware(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite gives them back without their zone."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local_date(moment: datetime | None, zone: tzinfo, lang: str = "id") -> str:
    """The day ``moment`` (a stored UTC time) falls on in ``zone``, as :func:`long_date` writes it."""
    if moment is None:
        return "–"
    return long_date(_aware(moment).astimezone(zone).date(), lang)


def local_time(moment: datetime | None, zone: tzinfo, lang: str = "id", *, seconds: bool = False) -> str:
    """A stored UTC time in ``zone``: ``12 Mei 2023 14.05 WITA`` in Indonesian, ``12 May 2023 2:05 PM
    WITA`` in English (with ``seconds``, ``14.05.07``)."""
    if moment is None:
        return "–"
    local = _aware(moment).astimezone(zone)
    clock = format_time(local, "medium" if seconds else "short", tzinfo=zone, locale=_locale(lang))
    return f"{long_date(local.date(), lang)} {clock} {zone_name(zone, local, lang)}"


def rupiah_short(amount: float | int | None, lang: str = "id") -> str:
    """``Rp 6,4 M`` (miliar) in Indonesian, ``Rp 6.4B`` in English: for tiles where space is short."""
    if amount is None or _nan(amount):
        return "–"
    return "Rp " + format_compact_decimal(
        amount, format_type="short", fraction_digits=1, locale=_locale(lang)
    )


# --- reading numbers as people type them ---------------------------------------------------------------

# What a typed number may hold once a leading "Rp" and spaces are dropped: ASCII digits, an optional
# sign, and the two separators. Babel alone would also take "1e5", "NaN" and digits of other scripts.
_NUMBER_SHAPE = re.compile(r"[+-]?[0-9.,]*[0-9][0-9.,]*", re.ASCII)
_RUPIAH = re.compile(r"(?i)^rp\.?")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
# One separator between one to three leading digits (not starting with 0) and exactly three digits:
# a thousands group in one language and a decimal part in the other ("12.345", "1,250").
_THREE_AFTER_ONE = re.compile(r"[+-]?[1-9][0-9]{0,2}([.,])[0-9]{3}", re.ASCII)


class NumberRefused(ValueError):
    """Typed text that is not one number in the reader's language.

    ``problem`` is ``"malformed"`` (no number at all), ``"convention"`` (a number only the way the
    other language writes it, ``readings`` holding that value) or ``"ambiguous"`` (readers of the two
    languages would take it for two different numbers: ``readings`` holds this language's value first).
    """

    def __init__(self, text: str, problem: str, readings: tuple[Decimal, ...] = ()) -> None:
        super().__init__(f"{problem}: {text!r}")
        self.text, self.problem, self.readings = text, problem, readings


def _other(lang: str) -> str:
    return "en" if lang == "id" else "id"


def _strict(text: str, lang: str) -> Decimal | None:
    try:
        return parse_decimal(text, locale=_locale(lang), strict=True)
    except NumberFormatError:
        return None


def _cleaned(text: str) -> str:
    return _SPACES.sub("", _RUPIAH.sub("", text.strip()))


def read_number(text: str, lang: str = "id") -> Decimal | None:
    """``text`` read by the number conventions of ``lang`` (Babel, strict): ``13,5`` and ``1.250,5`` in
    Indonesian, ``13.5`` and ``1,250.5`` in English; a leading ``Rp`` and spaces are ignored; None when
    empty. Raises :class:`NumberRefused` (``"malformed"`` or ``"convention"``). Reads ``12.345`` by the
    language's rule without asking: see :func:`parse_number` for typed input."""
    cleaned = _cleaned(text)
    if not cleaned:
        return None
    if not _NUMBER_SHAPE.fullmatch(cleaned):
        raise NumberRefused(text, "malformed")
    value = _strict(cleaned, lang)
    if value is not None:
        return value
    other = _strict(cleaned, _other(lang))
    raise NumberRefused(text, "convention" if other is not None else "malformed", (other,) if other else ())


def other_reading(text: str, lang: str = "id") -> Decimal | None:
    """The different number a reader of the other language would take ``text`` for, if any: ``12.345``
    read as 12,345 (Indonesian) is 12.345 in English; ``1,250`` read as 1,250 (English) is 1,25 in
    Indonesian. None when both read it alike or the other cannot read it."""
    cleaned = _cleaned(text)
    if not _THREE_AFTER_ONE.fullmatch(cleaned):
        return None
    ours, theirs = _strict(cleaned, lang), _strict(cleaned, _other(lang))
    return theirs if ours is not None and theirs is not None and ours != theirs else None


def parse_number(text: str, lang: str = "id") -> Decimal | None:
    """A number typed by a reader of ``lang``, or None when nothing was typed.

    Refused (:class:`NumberRefused`) rather than guessed: text that is no number, a number written only
    the other language's way (``13,5`` in English, ``13.5`` in Indonesian), and a decimal part of exactly
    three digits after one to three digits (``12.345`` in English, ``12,345`` in Indonesian), which a
    reader of the other language takes for thousands. A thousands group (``1.250`` in Indonesian,
    ``1,250`` in English) is read as one: that is how the language writes thousands.
    """
    value = read_number(text, lang)
    if value is None:
        return None
    match = _THREE_AFTER_ONE.fullmatch(_cleaned(text))
    decimal_separator = "," if lang == "id" else "."
    if match and match.group(1) == decimal_separator and (theirs := other_reading(text, lang)) is not None:
        raise NumberRefused(text, "ambiguous", (value, theirs))
    return value


def convention(text: str) -> str | None:
    """The language whose conventions ``text`` can only be written in: ``"id"`` for ``13,5``,
    ``1.250.000`` or ``1.250,5``; ``"en"`` for ``13.5``, ``1,250,000`` or ``1,250.5``; None for what both
    read (``1250``) or read differently (``12.345``), and for what neither reads."""
    cleaned = _cleaned(text)
    if not _NUMBER_SHAPE.fullmatch(cleaned) or _THREE_AFTER_ONE.fullmatch(cleaned):
        return None
    readable = [lang for lang in ("id", "en") if _strict(cleaned, lang) is not None]
    if len(readable) != 1:
        return None
    return readable[0]


def input_number(value: float | Decimal | None, lang: str = "id") -> str:
    """A stored number as a reader of ``lang`` types it back: thousands grouped, every decimal kept
    (``1.250,5`` or ``1,250.5``); empty for none."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    shown = format_decimal(value, format="#,##0.##########", locale=_locale(lang))
    match = _THREE_AFTER_ONE.fullmatch(shown)
    if match and match.group(1) == ("," if lang == "id" else "."):
        return shown + "0"  # 12.345 in English: "12.3450", which nobody reads as thousands
    return shown


def refusal(error: NumberRefused, lang: str = "id") -> tuple[str, dict[str, str]]:
    """The message (a text key and its values, written for ``lang``) that says why typed text was not
    taken as a number, and how to type it so it is."""
    locale = _locale(lang)
    if error.problem == "convention":
        return "number.convention", {"text": error.text, "reading": input_number(error.readings[0], lang)}
    if error.problem == "ambiguous":
        decimal, thousands = error.readings
        return "number.ambiguous", {
            "text": error.text,
            # Written so that only one reading is left: four decimals, or no thousands separator.
            "decimal": format_decimal(decimal, format="0.0000######", locale=locale),
            "whole": format_decimal(thousands, format="0.##########", locale=locale),
        }
    return "number.malformed", {"text": error.text, "example": input_number(1250.5, lang)}

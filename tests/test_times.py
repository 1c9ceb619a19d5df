"""Times of day are stored in UTC and shown in the zone the setting names, in the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from sinergi.core.settings import time_zone
from sinergi.i18n.formatting import local_date, local_time

WITA = ZoneInfo("Asia/Makassar")


@pytest.mark.parametrize(
    ("lang", "seconds", "shown"),
    [
        ("id", False, "12 Mei 2023 14.05 WITA"),
        ("en", False, "12 May 2023 2:05 PM WITA"),
        ("id", True, "12 Mei 2023 14.05.07 WITA"),
        ("en", True, "12 May 2023 2:05:07 PM WITA"),
    ],
)
def test_a_stored_time_is_shown_in_wita_in_the_readers_language(lang: str, seconds: bool, shown: str) -> None:
    stored = datetime(2023, 5, 12, 6, 5, 7, tzinfo=UTC)
    assert local_time(stored, WITA, lang, seconds=seconds).replace("\u202f", " ") == shown


def test_a_time_sqlite_gives_back_without_its_zone_is_read_as_utc() -> None:
    assert local_time(datetime(2023, 5, 12, 6, 5), WITA, "id") == "12 Mei 2023 14.05 WITA"


def test_a_late_evening_in_utc_is_the_next_day_in_east_kalimantan() -> None:
    assert local_date(datetime(2023, 5, 12, 20, 0, tzinfo=UTC), WITA, "id") == "13 Mei 2023"
    assert local_date(None, WITA, "id") == "–"


@pytest.mark.parametrize(("zone", "name"), [("Asia/Jakarta", "WIB"), ("Asia/Jayapura", "WIT")])
def test_indonesias_other_zones_have_their_usual_names(zone: str, name: str) -> None:
    assert local_time(datetime(2023, 5, 12, 6, 5, tzinfo=UTC), ZoneInfo(zone), "en").endswith(f" {name}")


def test_a_zone_outside_indonesia_is_named_not_given_as_an_offset() -> None:
    shown = local_time(datetime(2023, 1, 12, 6, 5, tzinfo=UTC), ZoneInfo("Europe/Berlin"), "en")
    assert shown.startswith("12 January 2023 7:05") and "+01" not in shown and "GMT" not in shown


def test_the_zone_is_wita_unless_the_setting_names_another(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SINERGI_TIME_ZONE", raising=False)
    assert time_zone() == WITA
    monkeypatch.setenv("SINERGI_TIME_ZONE", "Asia/Jakarta")
    assert time_zone() == ZoneInfo("Asia/Jakarta")
    monkeypatch.setenv("SINERGI_TIME_ZONE", "Asia/Nowhere")
    with pytest.raises(ValueError, match="SINERGI_TIME_ZONE"):
        time_zone()

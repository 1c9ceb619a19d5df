"""Every user-facing string has both languages, and every key the code asks for exists."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest

import models as m
from sinergi.core.settings import PROJECT_ROOT
from sinergi.i18n.texts import TEXTS, translate

ENUM_KINDS: dict[str, type[StrEnum]] = {
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
}


def test_every_text_has_both_languages() -> None:
    for key, (indonesian, english) in TEXTS.items():
        assert indonesian.strip() and english.strip(), key
        assert set(re.findall(r"{(\w+)}", indonesian)) == set(re.findall(r"{(\w+)}", english)), key


@pytest.mark.parametrize("kind", ENUM_KINDS)
def test_every_enumeration_value_has_a_label(kind: str) -> None:
    for value in ENUM_KINDS[kind]:
        assert f"{kind}.{value.value}" in TEXTS


def test_every_key_the_code_uses_exists() -> None:
    used: set[str] = set()
    for path in [
        PROJECT_ROOT / "app.py",
        *(PROJECT_ROOT / "pages").glob("*.py"),
        *(PROJECT_ROOT / "sinergi").rglob("*.py"),
    ]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text()))
    assert used, "the scan finds the keys"
    missing = sorted(key for key in used if key not in TEXTS)
    assert not missing


def test_unknown_key_shows_itself_and_values_fill_in() -> None:
    assert translate("no.such.key", "id") == "no.such.key"
    assert translate("tile.of_whole", "en", whole="5") == "of 5"

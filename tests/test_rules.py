"""The achievement and compliance rules, case by case."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine, Float, literal, select, union_all

from models import ComplianceStatus, PointRule
from sinergi.rules.achievement import (
    AchievementStatus,
    Thresholds,
    achievement,
    achievement_sql,
    achievement_status,
    gap_sql,
    is_gap,
    status_sql,
    to_date,
)
from sinergi.rules.points import PointFacts, judge_point

DEFAULT = Thresholds()


@pytest.mark.parametrize(
    ("target", "actual", "direction", "expected"),
    [
        (100, 90, "higher", 0.9),
        (100, 120, "higher", 1.2),
        (10, 20, "lower", 0.5),  # twice the allowed tonnes of waste
        (10, 5, "lower", 2.0),
        (0, 3, "higher", 1.0),
        (5, 0, "lower", 1.0),
        (100, None, "higher", None),
        (None, 4, "higher", None),
    ],
)
def test_achievement_is_direction_aware(target, actual, direction, expected) -> None:
    result = achievement(target, actual, direction)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


@pytest.mark.parametrize(
    ("ratio", "status"),
    [
        (0.9, AchievementStatus.ON_TRACK),
        (1.5, AchievementStatus.ON_TRACK),
        (0.8999, AchievementStatus.NEEDS_ATTENTION),
        (0.6, AchievementStatus.NEEDS_ATTENTION),
        (0.5999, AchievementStatus.OFF_TRACK),
        (None, AchievementStatus.NO_DATA),
    ],
)
def test_status_uses_default_thresholds(ratio, status) -> None:
    assert achievement_status(ratio, DEFAULT) is status


def test_admin_thresholds_move_the_status() -> None:
    strict = Thresholds(on_track_min=1.0, needs_attention_min=0.8)
    assert achievement_status(0.95, strict) is AchievementStatus.NEEDS_ATTENTION
    assert achievement_status(0.7, strict) is AchievementStatus.OFF_TRACK
    with pytest.raises(ValueError):
        Thresholds(on_track_min=0.5, needs_attention_min=0.7)


def test_gap_is_a_result_worse_than_target() -> None:
    assert is_gap(10, 8, "higher")
    assert not is_gap(10, 10, "higher")
    assert is_gap(10, 12, "lower")
    assert not is_gap(10, 9, "lower")
    assert not is_gap(10, None, "higher")


def test_cumulative_adds_up_and_periodic_takes_the_latest() -> None:
    values = [(10.0, 8.0), (10.0, 12.0), (10.0, None)]
    assert to_date("cumulative", values) == (30.0, 20.0)
    assert to_date("periodic", values) == (10.0, None)
    assert to_date("periodic", []) == (None, None)


BASE = PointFacts(
    rule=PointRule.MANUAL,
    rule_min=None,
    deadline=None,
    manual_status=None,
    document_date=None,
    poverty_programs=0,
    declined=False,
    decline_letter_on=None,
)
TODAY = date(2023, 6, 1)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (BASE, ComplianceStatus.PENDING),
        (replace(BASE, manual_status="partly_met"), ComplianceStatus.PARTLY_MET),
        (replace(BASE, rule=PointRule.MIN_POVERTY_PROGRAMS, rule_min=1), ComplianceStatus.NOT_MET),
        (
            replace(BASE, rule=PointRule.MIN_POVERTY_PROGRAMS, rule_min=1, poverty_programs=1),
            ComplianceStatus.MET,
        ),
        (
            replace(BASE, rule=PointRule.MIN_POVERTY_PROGRAMS, rule_min=2, poverty_programs=1),
            ComplianceStatus.PARTLY_MET,
        ),
        (
            replace(
                BASE,
                rule=PointRule.DOCUMENT_BY_DEADLINE,
                deadline=date(2023, 1, 31),
                document_date=date(2023, 1, 31),
            ),
            ComplianceStatus.MET,
        ),
        (
            replace(
                BASE,
                rule=PointRule.DOCUMENT_BY_DEADLINE,
                deadline=date(2023, 1, 31),
                document_date=date(2023, 2, 1),
            ),
            ComplianceStatus.PARTLY_MET,
        ),
        (
            replace(BASE, rule=PointRule.DOCUMENT_BY_DEADLINE, deadline=date(2023, 1, 31)),
            ComplianceStatus.NOT_MET,
        ),
        (
            replace(BASE, rule=PointRule.DOCUMENT_BY_DEADLINE, deadline=date(2023, 12, 31)),
            ComplianceStatus.PENDING,
        ),
        (replace(BASE, rule=PointRule.DECLINED_ONLY), ComplianceStatus.NOT_APPLICABLE),
        (replace(BASE, rule=PointRule.DECLINED_ONLY, declined=True), ComplianceStatus.NOT_MET),
        (
            replace(BASE, rule=PointRule.DECLINED_ONLY, declined=True, decline_letter_on=date(2022, 11, 1)),
            ComplianceStatus.MET,
        ),
        (
            replace(BASE, rule=PointRule.MIN_POVERTY_PROGRAMS, rule_min=1, declined=True),
            ComplianceStatus.NOT_APPLICABLE,
        ),
        (
            replace(BASE, rule=PointRule.MIN_POVERTY_PROGRAMS, rule_min=1, manual_status="met"),
            ComplianceStatus.MET,
        ),
    ],
)
def test_points_are_judged_from_the_data(facts: PointFacts, expected: ComplianceStatus) -> None:
    assert judge_point(facts, today=TODAY) is expected


ACHIEVEMENT_CASES = [
    (100.0, 90.0, "higher"),
    (100.0, 120.0, "higher"),
    (10.0, 20.0, "lower"),
    (10.0, 5.0, "lower"),
    (0.0, 3.0, "higher"),
    (0.0, -1.0, "higher"),
    (5.0, 0.0, "lower"),
    (-2.0, 0.0, "lower"),
    (100.0, None, "higher"),
    (None, 4.0, "lower"),
    (7.0, 7.0, "lower"),
]


def test_sql_rules_agree_with_python_rules(engine: Engine) -> None:
    """The database computes achievement, status and gaps exactly as the Python rules do."""
    statuses = Thresholds()
    values = union_all(
        *[
            select(
                literal(t, Float).label("target"),
                literal(a, Float).label("actual"),
                literal(d).label("direction"),
            )
            for t, a, d in ACHIEVEMENT_CASES
        ]
    ).subquery()
    ratio = achievement_sql(values.c.target, values.c.actual, values.c.direction)
    query = select(
        values.c.target,
        values.c.actual,
        values.c.direction,
        ratio,
        status_sql(ratio, statuses),
        gap_sql(values.c.target, values.c.actual, values.c.direction),
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    assert len(rows) == len(ACHIEVEMENT_CASES)
    for target, actual, direction, sql_ratio, sql_status, sql_gap in rows:
        expected = achievement(target, actual, direction)
        assert sql_ratio == (pytest.approx(expected) if expected is not None else None), (target, actual)
        assert sql_status == achievement_status(expected, statuses)
        assert bool(sql_gap) is is_gap(target, actual, direction)

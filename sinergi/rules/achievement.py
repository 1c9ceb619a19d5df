"""Achievement of indicators: actual against target, direction-aware, in Python and as its SQL twin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Float, case, cast, false, literal, null

from models import Accumulation, Direction
from sinergi.i18n import registry

# Achievement above this is counted as this in averages, so one indicator at 900 % does not
# hide three that are off track.
AVERAGE_CAP = 1.5


@dataclass(frozen=True)
class Thresholds:
    """Achievement limits as fractions of the target; an admin can change them."""

    on_track_min: float = 0.9
    needs_attention_min: float = 0.6

    def __post_init__(self) -> None:
        if not 0 < self.needs_attention_min <= self.on_track_min:
            raise ValueError("needs_attention_min must be positive and not above on_track_min")


class AchievementStatus(StrEnum):
    ON_TRACK = "on_track"
    NEEDS_ATTENTION = "needs_attention"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    # Due in the period and no actual entered: counted wherever results are counted, never left out
    # (see sinergi.rules.reporting). The ratio alone cannot tell it, so achievement_status never gives it.
    NOT_REPORTED = "not_reported"


registry.enumeration("achievement", AchievementStatus)


def achievement(target: float | None, actual: float | None, direction: str) -> float | None:
    """Actual against target as a fraction (1.0 = target reached), whichever way is better.

    Higher is better: actual / target. Lower is better (e.g. tonnes of waste to landfill):
    target / actual, so ending at half the allowed amount counts as 200 %. A target of zero
    (higher) or an actual of zero (lower) is reached as soon as the other side allows it.
    None when there is nothing to compare yet.
    """
    if target is None or actual is None:
        return None
    if direction == Direction.LOWER_IS_BETTER:
        if actual <= 0:
            return 1.0 if target >= actual else 0.0
        return max(target, 0.0) / actual
    if target <= 0:
        return 1.0 if actual >= target else 0.0
    return actual / target


def achievement_status(ratio: float | None, thresholds: Thresholds) -> AchievementStatus:
    """On track, needs attention or off track, by the admin's thresholds."""
    if ratio is None:
        return AchievementStatus.NO_DATA
    if ratio >= thresholds.on_track_min:
        return AchievementStatus.ON_TRACK
    if ratio >= thresholds.needs_attention_min:
        return AchievementStatus.NEEDS_ATTENTION
    return AchievementStatus.OFF_TRACK


def period_status(actual: float | None, ratio: float | None, thresholds: Thresholds) -> AchievementStatus:
    """The status of an indicator counted in a period: not reported while it has no actual, else
    :func:`achievement_status` of its ratio."""
    if actual is None:
        return AchievementStatus.NOT_REPORTED
    return achievement_status(ratio, thresholds)


def is_gap(target: float | None, actual: float | None, direction: str) -> bool:
    """A result that fell short of its target, in the indicator's direction: a gap nobody has to type."""
    if target is None or actual is None:
        return False
    return actual > target if direction == Direction.LOWER_IS_BETTER else actual < target


def to_date(
    accumulation: str, values: Sequence[tuple[float | None, float | None]]
) -> tuple[float | None, float | None]:
    """Target and actual up to the last of ``values`` (ordered by period).

    A periodic indicator (e.g. members active this semester) stands on its latest period;
    a cumulative one (e.g. trees planted) adds up what each period contributed.
    """
    if not values:
        return None, None
    if accumulation == Accumulation.CUMULATIVE:
        targets = [t for t, _ in values if t is not None]
        actuals = [a for _, a in values if a is not None]
        return (sum(targets) if targets else None, sum(actuals) if actuals else None)
    return values[-1]


def achievement_sql(target: Any, actual: Any, direction: Any) -> ColumnElement[float]:
    """:func:`achievement` as an SQL expression, so aggregates run in the database.

    Kept beside the Python rule and tested against it on SQLite and PostgreSQL.
    """
    t = cast(target, Float)
    a = cast(actual, Float)
    lower = case(
        (a <= 0, case((t >= a, literal(1.0)), else_=literal(0.0))),
        else_=case((t > 0, t), else_=literal(0.0)) / a,
    )
    higher = case(
        (t <= 0, case((a >= t, literal(1.0)), else_=literal(0.0))),
        else_=a / t,
    )
    ratio = case((direction == Direction.LOWER_IS_BETTER.value, lower), else_=higher)
    return case((t.is_(None) | a.is_(None), null()), else_=ratio)


def status_sql(ratio: ColumnElement[float], thresholds: Thresholds) -> ColumnElement[str]:
    """:func:`achievement_status` as an SQL expression."""
    return case(
        (ratio.is_(None), literal(AchievementStatus.NO_DATA.value)),
        (ratio >= thresholds.on_track_min, literal(AchievementStatus.ON_TRACK.value)),
        (ratio >= thresholds.needs_attention_min, literal(AchievementStatus.NEEDS_ATTENTION.value)),
        else_=literal(AchievementStatus.OFF_TRACK.value),
    )


def period_status_sql(actual: Any, ratio: ColumnElement[float], thresholds: Thresholds) -> ColumnElement[str]:
    """:func:`period_status` as an SQL expression."""
    return case(
        (actual.is_(None), literal(AchievementStatus.NOT_REPORTED.value)),
        else_=status_sql(ratio, thresholds),
    )


def gap_sql(target: Any, actual: Any, direction: Any) -> ColumnElement[bool]:
    """:func:`is_gap` as an SQL expression."""
    return case(
        (target.is_(None) | actual.is_(None), false()),
        (direction == Direction.LOWER_IS_BETTER.value, actual > target),
        else_=actual < target,
    )

"""Plausibility of a typed actual: far from its target or from the period before, worth a second look."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sinergi.i18n import registry

# Far from the target: more than 150 % of it, or less than 10 %.
ABOVE_TARGET = 1.5
BELOW_TARGET = 0.1
# Far from the period before: ten times it or more, or a tenth of it or less.
JUMP = 10.0
DROP = 0.1


class Reason(StrEnum):
    ABOVE_TARGET = "above_target"
    BELOW_TARGET = "below_target"
    JUMP = "jump"
    DROP = "drop"


# What a reader is told of a reason: the text "plausibility.<reason>", with the figure as {reference}.
REASON_TEXT = registry.family("plausibility.{}", lambda: [reason.value for reason in Reason])


@dataclass(frozen=True)
class Implausible:
    """Why an actual asks for confirmation: the reason, and the figure it was measured against."""

    reason: Reason
    reference: float


def implausible(actual: float | None, *, target: float | None, previous: float | None) -> list[Implausible]:
    """Why ``actual`` is far from what is expected, or nothing when it is not.

    Against the target: above 150 % or below 10 % of it. Against ``previous``, the actual of the
    period before: ten times it or more, or a tenth of it or less. A target or previous actual that is
    missing, zero or negative says nothing (no ratio to it means anything), nor does a missing actual.
    """
    if actual is None:
        return []
    found = []
    if target is not None and target > 0:
        if actual > ABOVE_TARGET * target:
            found.append(Implausible(Reason.ABOVE_TARGET, target))
        elif actual < BELOW_TARGET * target:
            found.append(Implausible(Reason.BELOW_TARGET, target))
    if previous is not None and previous > 0:
        if actual >= JUMP * previous:
            found.append(Implausible(Reason.JUMP, previous))
        elif actual <= DROP * previous:
            found.append(Implausible(Reason.DROP, previous))
    return found

"""Which typed actuals ask for a second look before they are saved."""

from __future__ import annotations

import pytest

from sinergi.rules.plausibility import Implausible, Reason, implausible


@pytest.mark.parametrize(
    ("actual", "target", "previous", "reasons"),
    [
        (100, 100, 90, []),
        (150, 100, None, []),  # 150 % of the target is still expected
        (151, 100, None, [Reason.ABOVE_TARGET]),
        (10, 100, None, []),
        (9.9, 100, None, [Reason.BELOW_TARGET]),
        (135, 13.5, None, [Reason.ABOVE_TARGET]),  # "13,5" read as 135
        (0, 100, None, [Reason.BELOW_TARGET]),
        (90, None, 9, [Reason.JUMP]),  # ten times the period before
        (89, None, 9, []),
        (1, None, 10, [Reason.DROP]),  # a tenth of it
        (1.1, None, 10, []),
        (1350, 15, 12, [Reason.ABOVE_TARGET, Reason.JUMP]),
        (5, 0, 0, []),  # no ratio to zero means anything
        (5, -10, -3, []),
        (None, 100, 90, []),
    ],
)
def test_an_actual_far_from_its_target_or_the_period_before_asks_for_a_look(
    actual: float | None, target: float | None, previous: float | None, reasons: list[Reason]
) -> None:
    assert [found.reason for found in implausible(actual, target=target, previous=previous)] == reasons


def test_each_reason_names_the_figure_it_was_measured_against() -> None:
    assert implausible(1350, target=15, previous=12) == [
        Implausible(Reason.ABOVE_TARGET, 15),
        Implausible(Reason.JUMP, 12),
    ]

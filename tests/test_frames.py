"""Frames as plain rows."""

from __future__ import annotations

import math

import pandas as pd

from sinergi.core import frames


def test_records_give_each_row_as_plain_values_in_order() -> None:
    frame = pd.DataFrame(
        {"name": ["Bank Sampah", "Posyandu"], "actual": [12.5, float("nan")], "year": [2023, 2024]}
    )
    rows = frames.records(frame)
    assert [row["name"] for row in rows] == ["Bank Sampah", "Posyandu"]
    assert all(type(row["name"]) is str and type(row["year"]) is int for row in rows)
    assert rows[0]["actual"] == 12.5 and math.isnan(rows[1]["actual"])
    assert frames.records(frame, ["year", "unit"]) == [
        {"year": 2023, "unit": None},
        {"year": 2024, "unit": None},
    ], "only the fields asked for, a missing one as None"
    assert frames.records(frame.iloc[0:0]) == []

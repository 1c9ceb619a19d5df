"""Pandas frames turned into plain Python rows, for code that walks a few hundred rows by hand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd


def records(frame: pd.DataFrame, fields: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The ``fields`` (every column if None) of each row of ``frame``, as dictionaries; a field the
    frame lacks is None.

    The columns are read whole: ``to_dict(orient="records")`` walks text columns (Arrow-backed in
    pandas 3) one element at a time, which on a program page cost more than all else done with the rows.
    """
    names = [str(column) for column in frame.columns] if fields is None else list(fields)
    columns = [frame[name].tolist() if name in frame else [None] * len(frame) for name in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]

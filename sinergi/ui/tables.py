"""Tables on screen, each with the app's own formula-safe downloads beneath it.

Streamlit's own table toolbar would write the cells raw, so a text typed as ``=HYPERLINK(…)`` would
become a live formula in the reader's spreadsheet; it is turned off (``client.disableDataExport``)
and every table a reader may take away offers a .csv and an .xlsx where such a cell stays text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from sinergi.ui import rows_download

# Pixels of a column of typed text (feedback, a response, an action): a sentence at a glance, narrow
# enough that the columns acted on after it stay in view at 1366 px. The whole text is a click away.
TEXT_WIDTH = 260


def height(rows: int, *, most: int) -> int:
    """Pixels of a table tall enough for its header and ``rows`` rows (38 and 35 each), at most ``most``:
    a short table leaves no empty space below it, a long one scrolls."""
    return min(38 + 35 * rows, most)


def table(
    frame: pd.DataFrame,
    *,
    name: str,
    rows: Callable[[], pd.DataFrame] | None = None,
    total: int | None = None,
    **options: Any,
) -> Any:
    """``st.dataframe`` of ``frame`` (``options`` as it takes them) and, unless it is empty, the
    downloads of ``rows`` (by default the shown frame; ``total`` of them). Gives back what
    ``st.dataframe`` does: the selection, when it is selectable. A missing value is shown as a dash
    (Streamlit would write "None")."""
    shown = st.dataframe(frame, **{"placeholder": "–", **options})
    if not frame.empty:
        everything = rows or (lambda: as_shown(frame, options))
        rows_download(everything, name=name, shown=len(frame), total=total or len(frame))
    return shown


def as_shown(frame: pd.DataFrame, options: dict[str, Any]) -> pd.DataFrame:
    """The columns of ``frame`` the table shows, in its order, under the titles it gives them."""
    order = [column for column in options.get("column_order") or frame.columns if column in frame.columns]
    config = options.get("column_config") or {}

    def title(column: str) -> str:
        setting = config.get(column)
        if isinstance(setting, str):
            return setting
        if isinstance(setting, dict) and str(setting.get("label") or "").strip():
            return str(setting["label"])
        return str(column)

    return frame[order].rename(columns={column: title(column) for column in order})

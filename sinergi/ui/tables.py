"""Tables on screen, each with the app's own downloads beside it.

Streamlit's own table toolbar would write the cells raw, so a text typed as ``=HYPERLINK(…)`` would
become a live formula in the reader's spreadsheet; it is turned off (``client.disableDataExport``)
and every table a reader may take away offers a .csv and an .xlsx written by
:mod:`sinergi.core.spreadsheet`, where such a cell stays text. The files are made only when a
button is pressed.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from sinergi.core import spreadsheet
from sinergi.ui import t

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file_stem(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", name).strip("-").lower() or "tabel"


def table(frame: pd.DataFrame, *, name: str, key: str, downloads: bool = True, **options: Any) -> Any:
    """``st.dataframe`` of ``frame`` (``options`` as it takes them), with a .csv and an .xlsx of the
    same rows beside it unless ``downloads`` is false or there are none; gives back what
    ``st.dataframe`` does (the selection, when it is selectable)."""
    shown = st.dataframe(frame, key=key, **options)
    if downloads and not frame.empty:
        download_buttons(frame, name=name, key=key)
    return shown


def download_buttons(frame: pd.DataFrame, *, name: str, key: str) -> None:
    """The .csv and .xlsx of ``frame``, formula-safe, made when pressed."""
    stem = _file_stem(name)
    left, right, _ = st.columns([1, 1, 4], gap="small")
    left.download_button(
        t("table.download_csv"),
        data=lambda: spreadsheet.csv_bytes(frame),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        on_click="ignore",
        icon=":material/download:",
        type="tertiary",
    )
    right.download_button(
        t("table.download_xlsx"),
        data=lambda: spreadsheet.workbook_bytes({name: frame}),
        file_name=f"{stem}.xlsx",
        mime=_XLSX,
        key=f"{key}-xlsx",
        on_click="ignore",
        icon=":material/download:",
        type="tertiary",
    )

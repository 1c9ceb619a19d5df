"""Writing tables to .xlsx and .csv so that a spreadsheet opens them as data, never as formulas.

Numbers stay numbers and dates stay dates. A text cell that begins with one of the characters a
spreadsheet reads as the start of a formula (`=`, `+`, `-`, `@`, a tab or a carriage return) gets a
leading apostrophe, so Excel, LibreOffice and Google Sheets show it as the text it was.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel allows 31 characters in a sheet name, and none of these.
_SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

# The media type of an .xlsx file, as browsers and mail programs know it.
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(text: str) -> str:
    """The text as a spreadsheet will show it, without running it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell_value(value: Any) -> Any:
    """A value as it goes into a cell: text neutralised, missing values empty, numbers and dates kept."""
    if value is None:
        return None
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones; stored times are UTC
    if isinstance(value, bool | int | float | date):
        return None if isinstance(value, float) and pd.isna(value) else value
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return neutralise(str(value))


def sheet_title(name: str) -> str:
    """A name Excel accepts for a sheet."""
    return name.translate(_SHEET_NAME_FORBIDDEN).strip("'")[:31] or "Sheet"


def add_sheet(
    workbook: Workbook, name: str, frame: pd.DataFrame, formats: Mapping[str, str] | None = None
) -> Worksheet:
    """Append a sheet with a bold header row and one row per record of `frame`; ``formats`` gives
    the number format of some columns by their header. Returns the sheet."""
    sheet = workbook.create_sheet(sheet_title(name))
    sheet.append([neutralise(str(column)) for column in frame.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for record in frame.itertuples(index=False, name=None):
        sheet.append([cell_value(value) for value in record])
    for column_index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(column_index)
        width = max([len(str(column)), *(len(str(v)) for v in frame[column].head(200))], default=8)
        sheet.column_dimensions[letter].width = min(max(width + 2, 8), 60)
        number_format = (formats or {}).get(str(column))
        for cell in sheet[letter][1:]:
            if number_format:
                cell.number_format = number_format
            elif isinstance(cell.value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    return sheet


def workbook_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx file with one sheet per table, in the order given."""
    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    for name, frame in sheets.items():
        add_sheet(workbook, name, frame)
    if not sheets:
        workbook.create_sheet("Sheet")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A UTF-8 .csv (with a byte order mark, so Excel reads the accents) with text cells neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")

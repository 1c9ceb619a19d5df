"""Reading an upload: its sheets and rows, each cell converted to the value its column holds."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import openpyxl

from sinergi.core import spreadsheet
from sinergi.core.settings import env_setting
from sinergi.transfer.archive import FileRefused, check_xlsx_archive
from sinergi.transfer.sheets import (
    COLUMN_TITLE,
    PARSE_ERROR,
    SHEETS,
    SHEETS_BY_KEY,
    TEXT_LIMITS,
    Column,
    SheetSpec,
    enum_value,
    names,
    norm,
    spec_for_sheet,
)

# Bounds on an upload, checked before anything parses it.
MAX_ROWS = 50_000


def max_upload_bytes() -> int:
    return int(float(env_setting("SINERGI_IMPORT_MAX_MB")) * 1024 * 1024)


class RowError(Exception):
    def __init__(self, column: str, key: str, **values: object) -> None:
        super().__init__(key)
        self.column, self.key = column, key
        self.values = tuple((k, str(v)) for k, v in values.items())


@dataclass
class SheetRows:
    """A sheet as read from the file: its rows keyed by column, with their spreadsheet row numbers."""

    spec: SheetSpec
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # Text that looks like a number is read the Indonesian way ("1.250,5") unless the file says
    # otherwise (a CSV with "," between fields).
    decimal_comma: bool = True


_TRUE = {"ya", "y", "yes", "true", "1", "x", "benar"}
_FALSE = {"tidak", "t", "no", "n", "false", "0", "salah", ""}
_THOUSANDS = re.compile(r"^\d{1,3}([.,]\d{3})+$")


def parse_number(text: str, *, decimal_comma: bool) -> float:
    """A number as people type it: ``1.250,5`` or ``1,250.5`` or ``Rp 1.250.000``; ValueError if not."""
    cleaned = re.sub(r"(?i)^rp\.?|[\s\u00a0%]", "", text)
    if "," in cleaned and "." in cleaned:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        cleaned = cleaned.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif "," in cleaned:
        if cleaned.count(",") > 1 or (not decimal_comma and _THOUSANDS.match(cleaned)):
            cleaned = cleaned.replace(",", "")
        else:
            cleaned = cleaned.replace(",", ".")
    elif "." in cleaned and (cleaned.count(".") > 1 or (decimal_comma and _THOUSANDS.match(cleaned))):
        cleaned = cleaned.replace(".", "")
    return float(cleaned)


def parse_date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def cell_text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    value = str(raw).strip()
    # Undo the apostrophe an export puts before formula-like text.
    if value.startswith("'") and value[1:].startswith(spreadsheet.FORMULA_STARTS):
        value = value[1:]
    return value


def convert(column: Column, raw: Any, *, decimal_comma: bool) -> Any:
    """The value of a cell for ``column``; raises RowError naming the column when it does not fit."""
    if isinstance(raw, str):
        raw = raw.strip()
    blank = raw is None or raw == ""
    if blank:
        if column.required:
            raise RowError(column.key, "transfer.err.required")
        return [] if column.kind in ("list", "intlist") else None
    kind = column.kind
    try:
        if kind == "text":
            value = cell_text(raw)
            limit = TEXT_LIMITS.get(column.key)
            if limit is not None and len(value) > limit:
                raise RowError(column.key, "transfer.err.too_long", limit=limit)
            return value
        if kind in ("int", "number"):
            if isinstance(raw, bool):
                raise ValueError(raw)
            number = (
                float(raw)
                if isinstance(raw, int | float)
                else parse_number(str(raw), decimal_comma=decimal_comma)
            )
            if kind == "int":
                if not number.is_integer():
                    raise ValueError(raw)
                return int(number)
            return number
        if kind == "date":
            if isinstance(raw, datetime):
                return raw.date()
            if isinstance(raw, date):
                return raw
            return parse_date(str(raw))
        if kind == "bool":
            word = norm(cell_text(raw))
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
            raise ValueError(raw)
        if kind == "list":
            return [part.strip() for part in re.split(r"[;\n]", cell_text(raw)) if part.strip()]
        if kind == "intlist":
            return [int(part) for part in re.split(r"[;,\s]+", cell_text(raw)) if part]
        if kind.startswith("enum:"):
            member = enum_value(kind[5:], cell_text(raw))
            if member is None:
                raise RowError(column.key, "transfer.err.choice", value=cell_text(raw))
            return member
    except RowError:
        raise
    except (ValueError, TypeError):
        raise RowError(column.key, PARSE_ERROR.key(kind), value=cell_text(raw)) from None
    raise AssertionError(kind)


def read_upload(name: str, data: bytes, *, entity: str | None = None) -> list[SheetRows]:
    """The sheets of an uploaded .xlsx or .csv, checked for size, zip bombs and XML tricks."""
    sheets = _read_upload(name, data, entity=entity)
    if not any(sheet.rows or sheet.missing for sheet in sheets):
        raise FileRefused("transfer.err.empty")
    return sheets


def _read_upload(name: str, data: bytes, *, entity: str | None) -> list[SheetRows]:
    if len(data) > max_upload_bytes():
        raise FileRefused("transfer.err.too_large", limit=env_setting("SINERGI_IMPORT_MAX_MB"))
    if name.lower().endswith(".csv"):
        return [_read_csv(data, entity=entity)]
    if not name.lower().endswith(".xlsx"):
        raise FileRefused("transfer.err.file_type")
    check_xlsx_archive(data)
    if openpyxl.DEFUSEDXML is not True:  # set by openpyxl when defusedxml imports
        raise FileRefused("transfer.err.unsafe_parser")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise FileRefused("transfer.err.not_xlsx") from None
    try:
        sheets = []
        for worksheet in workbook.worksheets:
            spec = spec_for_sheet(worksheet.title)
            if spec is None:
                continue
            sheets.append(_sheet_rows(spec, worksheet.iter_rows(values_only=True)))
        return sheets
    except FileRefused:
        raise
    except Exception:  # a sheet's XML is read only now, row by row
        raise FileRefused("transfer.err.not_xlsx") from None
    finally:
        workbook.close()


def _sheet_rows(spec: SheetSpec, rows: Iterator[Sequence[Any]]) -> SheetRows:
    result = SheetRows(spec)
    header_row = next(rows, None) or ()
    positions: dict[str, int] = {}
    for index, cell in enumerate(header_row):
        wanted = norm(cell_text(cell))
        for column in spec.columns:
            if (
                wanted
                and wanted in names(COLUMN_TITLE.key(column.key), column.key)
                and column.key not in positions
            ):
                positions[column.key] = index
    result.missing = [c.key for c in spec.columns if c.required and c.key not in positions]
    if result.missing:
        return result  # the sheet is refused for its header: its rows are not worth reading
    for number, values in enumerate(rows, start=2):
        cells = {key: values[index] if index < len(values) else None for key, index in positions.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        if len(result.rows) >= MAX_ROWS:
            raise FileRefused("transfer.err.too_many_rows", limit=MAX_ROWS)
        result.rows.append((number, cells))
    return result


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # what Excel on Windows writes as "CSV"


def _read_csv(data: bytes, *, entity: str | None) -> SheetRows:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:  # a NUL byte, a field beyond csv's size limit
        raise FileRefused("transfer.err.not_csv") from None
    header_row = rows[0] if rows else []
    spec = SHEETS_BY_KEY.get(entity or "") or _guess_entity(header_row)
    if spec is None:
        raise FileRefused("transfer.err.csv_entity")
    sheet = _sheet_rows(spec, iter(rows))
    # A CSV with ";" between fields comes from a spreadsheet set to a comma for decimals.
    sheet.decimal_comma = delimiter == ";"
    return sheet


def _guess_entity(header_row: Sequence[str]) -> SheetSpec | None:
    """The sheet whose required columns all appear, preferring the one that matches most columns."""
    present = {norm(cell_text(h)) for h in header_row}
    best: tuple[int, SheetSpec] | None = None
    for spec in SHEETS:
        matched = [c for c in spec.columns if names(COLUMN_TITLE.key(c.key), c.key) & present]
        if all(c in matched for c in spec.columns if c.required):
            score = len(matched) * 100 - len(spec.columns)
            if best is None or score > best[0]:
                best = (score, spec)
    return best[1] if best else None

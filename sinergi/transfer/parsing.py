"""Reading an upload: its sheets and rows, each cell converted to the value its column holds."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import openpyxl

from sinergi.core import spreadsheet
from sinergi.core.settings import env_setting
from sinergi.i18n.formatting import NumberRefused, input_number, other_reading, read_number
from sinergi.i18n.formatting import convention as language_of
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
    # How the file writes numbers typed as text: "id" (1.250,5) or "en" (1,250.5); one per file.
    convention: str = "id"


@dataclass(frozen=True)
class Reading:
    """How a file's numbers typed as text were read: by which language's conventions, whether the
    file's own values decided it (else the interface language did), and the values a reader of the
    other language would take for a different number."""

    convention: str
    decided: bool
    texts: int = 0  # how many numbers the file holds as text
    flagged: tuple[Flagged, ...] = ()


@dataclass(frozen=True)
class Flagged:
    """A number read one way that a person might read another (``12.345``: twelve thousand, or twelve)."""

    sheet: str
    row: int
    column: str
    text: str
    read_as: Decimal
    other: Decimal


_EXPONENT = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+", re.ASCII)
_TRUE = {"ya", "y", "yes", "true", "1", "x", "benar"}
_FALSE = {"tidak", "t", "no", "n", "false", "0", "salah", ""}


def parse_number(text: str, *, convention: str) -> float:
    """A number as the file types it, by its ``convention`` (``1.250,5`` in "id", ``1,250.5`` in
    "en"; ``Rp`` and ``%`` ignored); ValueError if it is none, NumberRefused if it is written the other
    way (the problem "convention")."""
    if _EXPONENT.fullmatch(text.strip()):  # how a spreadsheet writes a huge number into a CSV
        return float(text)
    value = read_number(text.replace("%", ""), convention)
    if value is None:
        raise ValueError(text)
    return float(value)


def number_texts(sheets: Sequence[SheetRows]) -> Iterator[tuple[SheetRows, int, str, str]]:
    """Every cell of a number column that the file holds as text: (sheet, row, column, text)."""
    for sheet in sheets:
        columns = [c.key for c in sheet.spec.columns if c.kind in ("int", "number")]
        for number, cells in sheet.rows:
            for column in columns:
                raw = cells.get(column)
                if isinstance(raw, str) and raw.strip():
                    yield sheet, number, column, raw.strip().replace("%", "")


def read_numbers_by(sheets: Sequence[SheetRows], lang: str) -> Reading:
    """Decide how the file writes numbers, from the values only one language writes (``13,5``,
    ``1.250.000``; ``13.5``, ``1,250,000``), the more frequent winning; the interface language ``lang``
    when none decides. Every sheet is read that way; values a reader of the other language would take
    for a different number (``12.345``) are listed to be shown before anything is written."""
    votes, texts = {"id": 0, "en": 0}, 0
    for _, _, _, text in number_texts(sheets):
        texts += 1
        if (language := language_of(text)) is not None:
            votes[language] += 1
    decided = votes["id"] != votes["en"]
    chosen = max(votes, key=votes.__getitem__) if decided else lang
    flagged = []
    for sheet, number, column, text in number_texts(sheets):
        other = other_reading(text, chosen)
        if other is not None:
            read_as = read_number(text, chosen)
            assert read_as is not None
            flagged.append(Flagged(sheet.spec.key, number, column, text, read_as, other))
    for sheet in sheets:
        sheet.convention = chosen
    return Reading(chosen, decided, texts, tuple(flagged))


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


def convert(column: Column, raw: Any, *, convention: str) -> Any:
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
            if isinstance(raw, int | float):  # a number cell of a workbook is a number already
                number = float(raw)
            else:
                number = parse_number(str(raw), convention=convention)
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
    except NumberRefused as refused:
        if refused.problem != "convention":
            raise RowError(column.key, PARSE_ERROR.key(kind), value=cell_text(raw)) from None
        example = input_number(1250.5, convention)  # how the file's other numbers are written
        raise RowError(
            column.key, "transfer.err.number_convention", value=cell_text(raw), example=example
        ) from None
    except (ValueError, TypeError):
        raise RowError(column.key, PARSE_ERROR.key(kind), value=cell_text(raw)) from None
    raise AssertionError(kind)


def read_upload(name: str, data: bytes, *, entity: str | None = None, lang: str = "id") -> list[SheetRows]:
    """The sheets of an uploaded .xlsx or .csv, checked for size, zip bombs and XML tricks; numbers
    typed as text are read by one convention for the whole file (see :func:`read_numbers_by`; ``lang``,
    the interface language, when the file's values do not decide)."""
    sheets = _read_upload(name, data, entity=entity)
    if not any(sheet.rows or sheet.missing for sheet in sheets):
        raise FileRefused("transfer.err.empty")
    read_numbers_by(sheets, lang)
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
    return _sheet_rows(spec, iter(rows))


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

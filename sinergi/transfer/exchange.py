"""Import and export of programs, results and engagement data as .xlsx and .csv files.

An upload is read without trusting it: its size, its zip entries and its XML are checked before
openpyxl parses anything. Every row is then checked and written inside one transaction; one bad row
rolls the whole file back, so a preview is the same run rolled back on purpose. Rows are matched on
their natural keys (a program by company and name, a result by indicator and period…), so importing
a file twice updates what the first run created.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import openpyxl
import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

import models as m
from models.programs import BENEFICIARY_COLUMNS
from sinergi.core import audit, db, spreadsheet
from sinergi.core.access import Viewer, refuse
from sinergi.core.settings import env_setting
from sinergi.i18n import registry
from sinergi.i18n.texts import TEXTS, translate
from sinergi.reads.filters import Filters
from sinergi.writes import entry
from sinergi.writes.fields import FieldErrors, checked
from sinergi.writes.results import record_result

# ---------------------------------------------------------------------------------------------
# What a file may hold: sheets and their columns


@dataclass(frozen=True)
class Column:
    """A column of a sheet. ``kind`` is text, int, number, date, bool, list, intlist or enum:<kind>."""

    key: str
    kind: str = "text"
    required: bool = False


# The longest text each name column may hold, as its table declares it.
TEXT_LIMITS = {
    "regency": 120,
    "province": 120,
    "district": 120,
    "village": 120,
    "company": 200,
    "short_name": 60,
    "organisation": 200,
    "organiser_organisation": 200,
    "program": 200,
    "feedback_program": 200,
    "indicator": 200,
    "unit": 40,
    "period": 10,
    "owner": 200,
    "meeting": 300,
    "evaluation": 300,
    "venue": 200,
    "speaker": 200,
}


@dataclass(frozen=True)
class SheetSpec:
    """One entity as a sheet. Reference sheets hold places and names only admins may add."""

    key: str
    columns: tuple[Column, ...]
    reference: bool = False

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


C = Column
COMPANY = C("company")
PROGRAM = C("program", required=True)
MEETING_KEY = (C("company"), C("meeting", required=True), C("held_on", "date", required=True))

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "villages",
        (
            C("regency", required=True),
            C("regency_kind", "enum:regency_kind"),
            C("province"),
            C("district", required=True),
            C("village", required=True),
            C("village_kind", "enum:village_kind"),
        ),
        reference=True,
    ),
    SheetSpec(
        "companies",
        (
            C("company", required=True),
            C("short_name"),
            C("sector", "enum:sector", required=True),
            C("regencies", "list"),
        ),
        reference=True,
    ),
    SheetSpec(
        "organisations",
        (C("organisation", required=True), C("org_type", "enum:org_type", required=True), C("regency")),
        reference=True,
    ),
    SheetSpec(
        "programs",
        (
            COMPANY,
            PROGRAM,
            C("description"),
            C("pillar", "enum:pillar", required=True),
            C("stage", "enum:stage"),
            C("poverty_alleviation", "bool"),
            C("start_date", "date", required=True),
            C("end_date", "date"),
            *(C(name, "int") for name in BENEFICIARY_COLUMNS),
            C("villages", "list"),
            C("sdgs", "intlist"),
            C("beneficiary_groups", "list"),
            C("implementing_partners", "list"),
        ),
    ),
    SheetSpec(
        "budgets",
        (COMPANY, PROGRAM, C("year", "int", required=True), C("planned", "int"), C("spent", "int")),
    ),
    SheetSpec(
        "indicators",
        (
            COMPANY,
            PROGRAM,
            C("indicator", required=True),
            C("unit", required=True),
            C("indicator_kind", "enum:indicator_kind"),
            C("baseline_value", "number"),
            C("baseline_year", "int"),
            C("direction", "enum:direction"),
            C("accumulation", "enum:accumulation"),
        ),
    ),
    SheetSpec(
        "results",
        (
            COMPANY,
            PROGRAM,
            C("indicator", required=True),
            C("period", required=True),
            C("target", "number"),
            C("actual", "number"),
            C("narrative"),
            C("evidence"),
            C("result_state", "enum:result_state"),
        ),
    ),
    SheetSpec(
        "meetings",
        (
            *MEETING_KEY,
            C("meeting_kind", "enum:meeting_kind", required=True),
            C("venue"),
            C("organiser_organisation"),
            C("regency"),
            C("purpose"),
            C("attendee_count", "int"),
        ),
    ),
    SheetSpec(
        "attendance",
        (*MEETING_KEY, C("organisation", required=True), C("head_count", "int")),
    ),
    SheetSpec(
        "feedback",
        (
            *MEETING_KEY,
            C("organisation"),
            C("source_type", "enum:org_type"),
            C("speaker"),
            C("feedback_program"),
            C("feedback_kind", "enum:feedback_kind", required=True),
            C("text", required=True),
            C("response"),
            C("feedback_status", "enum:feedback_status"),
            C("decline_reason"),
            C("moderation", "enum:moderation"),
        ),
    ),
    # After the meetings an evaluation may name, before the actions that may name it.
    SheetSpec(
        "evaluations",
        (
            COMPANY,
            C("evaluation", required=True),
            C("evaluated_on", "date", required=True),
            C("period", required=True),
            C("meeting"),
            C("held_on", "date"),
            C("evaluated_programs", "list"),
            C("notes"),
        ),
    ),
    SheetSpec(
        "actions",
        (
            COMPANY,
            PROGRAM,
            C("indicator"),
            C("description", required=True),
            C("owner"),
            C("due_date", "date"),
            C("action_status", "enum:action_status"),
            C("completed_on", "date"),
            C("evaluation"),
            C("evaluated_on", "date"),
        ),
    ),
)
SHEETS_BY_KEY = {spec.key: spec for spec in SHEETS}

# Bounds on an upload, checked before anything parses it.
MAX_ZIP_ENTRIES = 200
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ROWS = 50_000
_XML_DANGER = (b"<!DOCTYPE", b"<!ENTITY")


def max_upload_bytes() -> int:
    return int(float(env_setting("SINERGI_IMPORT_MAX_MB")) * 1024 * 1024)


# ---------------------------------------------------------------------------------------------
# Problems, reported by sheet, row and column


@dataclass(frozen=True)
class Problem:
    """One error: the row number as the spreadsheet shows it (the header is row 1)."""

    sheet: str
    row: int
    column: str
    key: str
    values: tuple[tuple[str, object], ...] = ()


class FileRefused(Exception):
    """The file cannot be read at all: too large, a zip bomb, XML entities, not a spreadsheet."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key, values)
        self.key, self.values = key, values


class _RowError(Exception):
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


@dataclass
class Report:
    """What an import did (or, in a preview, would do)."""

    problems: list[Problem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, outcome: str, sheet: str) -> None:
        target = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}[outcome]
        target[sheet] = target.get(sheet, 0) + 1


# ---------------------------------------------------------------------------------------------
# Headers and values in either language


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("*", "")).strip().casefold()


# The texts made of the sheets' and columns' keys.
COLUMN_TITLE = registry.family("transfer.col.{}", lambda: [c.key for spec in SHEETS for c in spec.columns])
SHEET_TITLE = registry.family("transfer.sheet.{}", lambda: [spec.key for spec in SHEETS])
SHEET_ABOUT = registry.family("transfer.about.{}", lambda: [spec.key for spec in SHEETS])
TEMPLATE_RULE = registry.family("transfer.tpl.rule{}", lambda: range(1, 7))
TEMPLATE_KIND = registry.family("transfer.tpl.kind_{}", lambda: _plain_kinds())
# A value that does not read as its column's kind (text is read as it is).
PARSE_ERROR = registry.family("transfer.err.{}", lambda: _plain_kinds() - {"text"})


def _plain_kinds() -> set[str]:
    return {c.kind for spec in SHEETS for c in spec.columns if not c.kind.startswith("enum:")}


def header(column: str, lang: str) -> str:
    return translate(COLUMN_TITLE.key(column), lang)


def sheet_name(sheet: str, lang: str) -> str:
    return translate(SHEET_TITLE.key(sheet), lang)


def _names(text_key: str, key: str) -> set[str]:
    """``key`` and the text of ``text_key`` in both languages (or ``key`` again), compared loosely."""
    pair = TEXTS.get(text_key, (key, key))
    return {_norm(key), _norm(pair[0]), _norm(pair[1])}


def _spec_for_sheet(title: str) -> SheetSpec | None:
    wanted = _norm(title)
    return next((s for s in SHEETS if wanted in _names(SHEET_TITLE.key(s.key), s.key)), None)


# Each enumeration by its translation kind: its members' words are the texts ``kind.value``.
ENUMS: dict[str, type[Any]] = {
    "regency_kind": m.RegencyKind,
    "village_kind": m.VillageKind,
    "sector": m.Sector,
    "org_type": m.OrgType,
    "pillar": m.Pillar,
    "stage": m.Stage,
    "indicator_kind": m.IndicatorKind,
    "direction": m.Direction,
    "accumulation": m.Accumulation,
    "result_state": m.ResultState,
    "action_status": m.ActionStatus,
    "meeting_kind": m.MeetingKind,
    "feedback_kind": m.FeedbackKind,
    "feedback_status": m.FeedbackStatus,
    "moderation": m.Moderation,
}


def enum_label(kind: str, value: str | None, lang: str) -> str | None:
    if value is None:
        return None
    key = registry.enum_key(kind, value)
    return translate(key, lang) if key in TEXTS else value


def _enum_value(kind: str, text: str) -> str | None:
    wanted = _norm(text)
    for member in ENUMS[kind]:
        if wanted in _names(registry.enum_key(kind, member.value), member.value):
            return str(member.value)
    return None


def enum_choices(kind: str, lang: str) -> list[str]:
    return [enum_label(kind, member.value, lang) or member.value for member in ENUMS[kind]]


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


def _parse_date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _text(raw: Any) -> str:
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
    """The value of a cell for ``column``; raises _RowError naming the column when it does not fit."""
    if isinstance(raw, str):
        raw = raw.strip()
    blank = raw is None or raw == ""
    if blank:
        if column.required:
            raise _RowError(column.key, "transfer.err.required")
        return [] if column.kind in ("list", "intlist") else None
    kind = column.kind
    try:
        if kind == "text":
            value = _text(raw)
            limit = TEXT_LIMITS.get(column.key)
            if limit is not None and len(value) > limit:
                raise _RowError(column.key, "transfer.err.too_long", limit=limit)
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
            return _parse_date(str(raw))
        if kind == "bool":
            word = _norm(_text(raw))
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
            raise ValueError(raw)
        if kind == "list":
            return [part.strip() for part in re.split(r"[;\n]", _text(raw)) if part.strip()]
        if kind == "intlist":
            return [int(part) for part in re.split(r"[;,\s]+", _text(raw)) if part]
        if kind.startswith("enum:"):
            member = _enum_value(kind[5:], _text(raw))
            if member is None:
                raise _RowError(column.key, "transfer.err.choice", value=_text(raw))
            return member
    except _RowError:
        raise
    except (ValueError, TypeError):
        raise _RowError(column.key, PARSE_ERROR.key(kind), value=_text(raw)) from None
    raise AssertionError(kind)


# ---------------------------------------------------------------------------------------------
# Reading an upload safely


def check_xlsx_archive(data: bytes) -> None:
    """Refuse a workbook whose zip would expand beyond bounds or whose XML declares entities.

    Runs before openpyxl opens the file; the sizes come from the zip's directory, which zipfile then
    holds each entry to while it decompresses.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FileRefused("transfer.err.not_xlsx") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise FileRefused("transfer.err.zip_bomb")
        if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
            raise FileRefused("transfer.err.zip_bomb")
        for entry in entries:
            if entry.file_size > 1024 * 1024 and entry.file_size > MAX_COMPRESSION_RATIO * max(
                entry.compress_size, 1
            ):
                raise FileRefused("transfer.err.zip_bomb")
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels", ".vml")):
                _refuse_xml_entities(archive, entry)


def _refuse_xml_entities(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """A spreadsheet never needs a DTD; one is how entity expansion attacks start."""
    tail = b""
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(64 * 1024):
                window = (tail + chunk).upper()
                if any(marker in window for marker in _XML_DANGER):
                    raise FileRefused("transfer.err.xml_entities")
                tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, EOFError):
        raise FileRefused("transfer.err.not_xlsx") from None


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
            spec = _spec_for_sheet(worksheet.title)
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
        wanted = _norm(_text(cell))
        for column in spec.columns:
            if (
                wanted
                and wanted in _names(COLUMN_TITLE.key(column.key), column.key)
                and column.key not in positions
            ):
                positions[column.key] = index
    result.missing = [c.key for c in spec.columns if c.required and c.key not in positions]
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
    present = {_norm(_text(h)) for h in header_row}
    best: tuple[int, SheetSpec] | None = None
    for spec in SHEETS:
        matched = [c for c in spec.columns if _names(COLUMN_TITLE.key(c.key), c.key) & present]
        if all(c in matched for c in spec.columns if c.required):
            score = len(matched) * 100 - len(spec.columns)
            if best is None or score > best[0]:
                best = (score, spec)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------------
# Writing: one function per sheet, run row by row inside one transaction


class _Import:
    def __init__(self, session: Session, viewer: Viewer, report: Report) -> None:
        self.session, self.viewer, self.report = session, viewer, report
        # Records found by natural key, so a file of many results asks once per program and
        # indicator. Forgotten when a row fails: its savepoint may have taken a new record back.
        self.found: dict[tuple[Any, ...], Any] = {}

    def _cached(self, key: tuple[Any, ...], statement: Any) -> Any:
        if key not in self.found:
            record = self.session.exec(statement).first()
            if record is None:
                return None
            self.found[key] = record
        return self.found[key]

    # Lookups by natural key --------------------------------------------------------------
    def company(self, name: str | None, column: str = "company") -> m.Company:
        if not name:
            if self.viewer.company_id is not None:
                found = self.session.get(m.Company, self.viewer.company_id)
                assert found is not None
                return found
            raise _RowError(column, "transfer.err.required")
        company = self._cached(("company", name), select(m.Company).where(col(m.Company.name) == name))
        if company is None:
            company = self.session.exec(select(m.Company).where(col(m.Company.short_name) == name)).first()
        if company is None:
            raise _RowError(column, "transfer.err.unknown", value=name)
        assert company.id is not None
        if not self.viewer.may_write_company(company.id):
            raise _RowError(column, "transfer.err.other_company", value=name)
        return company

    def program(self, company: m.Company, name: str, column: str = "program") -> m.Program:
        program: m.Program | None = self._cached(
            ("program", company.id, name),
            select(m.Program).where(m.Program.company_id == company.id, m.Program.name == name),
        )
        if program is None:
            raise _RowError(column, "transfer.err.unknown", value=name)
        return program

    def indicator(self, program: m.Program, name: str) -> m.Indicator:
        indicator: m.Indicator | None = self._cached(
            ("indicator", program.id, name),
            select(m.Indicator).where(m.Indicator.program_id == program.id, m.Indicator.name == name),
        )
        if indicator is None:
            raise _RowError("indicator", "transfer.err.unknown", value=name)
        return indicator

    def regency(self, name: str | None, column: str = "regency") -> m.Regency | None:
        if not name:
            return None
        regency = self.session.exec(select(m.Regency).where(col(m.Regency.name) == name)).first()
        if regency is None:
            raise _RowError(column, "transfer.err.unknown", value=name)
        return regency

    def organisation(self, name: str | None, column: str) -> m.Organisation | None:
        if not name:
            return None
        found: m.Organisation | None = self._cached(
            ("organisation", name), select(m.Organisation).where(col(m.Organisation.name) == name)
        )
        if found is None:
            raise _RowError(column, "transfer.err.unknown", value=name)
        return found

    def village(self, text: str) -> m.Village:
        """A village by name, or ``Name (District)`` where the name alone is ambiguous."""
        match = re.fullmatch(r"(.+?)\s*\((.+)\)", text)
        name, district = (match.group(1), match.group(2)) if match else (text, None)
        statement = (
            select(m.Village)
            .join(m.District, col(m.District.id) == col(m.Village.district_id))
            .where(col(m.Village.name) == name)
        )
        if district:
            statement = statement.where(col(m.District.name) == district)
        found = list(self.session.exec(statement))
        if len(found) != 1:
            key = "transfer.err.ambiguous" if found else "transfer.err.unknown"
            raise _RowError("villages", key, value=text)
        return found[0]

    def period(self, code: str) -> m.Period:
        """A semester by code; created on first use, as its dates follow from the code."""
        match = re.fullmatch(r"(\d{4})-S([12])", code.upper())
        if not match:
            raise _RowError("period", "transfer.err.period", value=code)
        period = self.session.exec(select(m.Period).where(col(m.Period.code) == code.upper())).first()
        if period is None:
            year, semester = int(match.group(1)), int(match.group(2))
            start, end = (
                (date(year, 1, 1), date(year, 6, 30))
                if semester == 1
                else (date(year, 7, 1), date(year, 12, 31))
            )
            period = m.Period(code=code.upper(), year=year, semester=semester, start_date=start, end_date=end)
            self.session.add(period)
            self.session.flush()
        return period

    def meeting(self, row: dict[str, Any]) -> m.Meeting:
        company_id = self.meeting_company(row)
        meeting: m.Meeting | None = self._cached(
            ("meeting", company_id, row["meeting"], row["held_on"]),
            select(m.Meeting).where(
                col(m.Meeting.title) == row["meeting"],
                col(m.Meeting.held_on) == row["held_on"],
                col(m.Meeting.organiser_company_id) == company_id
                if company_id is not None
                else col(m.Meeting.organiser_company_id).is_(None),
            ),
        )
        if meeting is None:
            raise _RowError("meeting", "transfer.err.unknown", value=row["meeting"])
        return meeting

    def evaluation(self, company: m.Company, title: str, held_on: date | None) -> m.Evaluation:
        """One of ``company``'s evaluations by title and date, as an action names it."""
        if held_on is None:
            raise _RowError("evaluated_on", "transfer.err.required")
        evaluation: m.Evaluation | None = self._cached(
            ("evaluation", company.id, title, held_on),
            select(m.Evaluation).where(
                m.Evaluation.company_id == company.id,
                m.Evaluation.title == title,
                m.Evaluation.held_on == held_on,
            ),
        )
        if evaluation is None:
            raise _RowError("evaluation", "transfer.err.unknown", value=title)
        return evaluation

    def meeting_company(self, row: dict[str, Any]) -> int | None:
        """The organising company; a meeting without one is an admin's to write."""
        if not row.get("company") and self.viewer.is_admin:
            return None
        company = self.company(row.get("company"))
        return company.id

    def admin_only(self) -> None:
        if not self.viewer.is_admin:
            raise _RowError("", "transfer.err.admin_only")

    # Writing helpers ---------------------------------------------------------------------
    def save(
        self, sheet: str, entity: Any, existed: bool, values: dict[str, Any], *, links_changed: bool = False
    ) -> None:
        """Apply ``values`` to ``entity`` and count it as created, updated or unchanged."""
        changed = {k: v for k, v in values.items() if getattr(entity, k) != v}
        for key, value in changed.items():
            setattr(entity, key, value)
        if not existed:
            outcome = "created"
        elif changed or links_changed:
            outcome = "updated"
            if hasattr(entity, "version"):
                entity.version += 1
            if hasattr(entity, "updated_at"):
                entity.updated_at = m.utcnow()
        else:
            outcome = "unchanged"
        self.session.add(entity)
        self.session.flush()
        self.report.count(outcome, sheet)

    # One function per sheet --------------------------------------------------------------
    def villages(self, row: dict[str, Any]) -> None:
        self.admin_only()
        regency = self.session.exec(select(m.Regency).where(col(m.Regency.name) == row["regency"])).first()
        if regency is None:
            regency = m.Regency(
                name=row["regency"],
                kind=row["regency_kind"] or m.RegencyKind.KABUPATEN,
                province=row["province"] or "Kalimantan Timur",
            )
            self.session.add(regency)
            self.session.flush()
        district = self.session.exec(
            select(m.District).where(m.District.regency_id == regency.id, m.District.name == row["district"])
        ).first()
        if district is None:
            assert regency.id is not None
            district = m.District(regency_id=regency.id, name=row["district"])
            self.session.add(district)
            self.session.flush()
        village = self.session.exec(
            select(m.Village).where(m.Village.district_id == district.id, m.Village.name == row["village"])
        ).first()
        existed = village is not None
        if village is None:
            assert district.id is not None
            village = m.Village(district_id=district.id, name=row["village"])
        self.save("villages", village, existed, {"kind": row["village_kind"] or m.VillageKind.DESA})

    def companies(self, row: dict[str, Any]) -> None:
        self.admin_only()
        company = self.session.exec(select(m.Company).where(col(m.Company.name) == row["company"])).first()
        existed = company is not None
        if company is None:
            company = m.Company(name=row["company"], short_name="", sector=row["sector"])
        values = {
            "short_name": row["short_name"] or row["company"].removeprefix("PT ")[:60],
            "sector": row["sector"],
        }
        self.save("companies", company, existed, values)
        for name in row["regencies"]:
            regency = self.regency(name, "regencies")
            assert regency is not None and regency.id is not None and company.id is not None
            if self.session.get(m.CompanyRegency, (company.id, regency.id)) is None:
                self.session.add(m.CompanyRegency(company_id=company.id, regency_id=regency.id))
                self.session.flush()

    def organisations(self, row: dict[str, Any]) -> None:
        self.admin_only()
        found = self.session.exec(
            select(m.Organisation).where(col(m.Organisation.name) == row["organisation"])
        ).first()
        existed = found is not None
        if found is None:
            found = m.Organisation(name=row["organisation"], org_type=row["org_type"])
        regency = self.regency(row["regency"])
        self.save(
            "organisations",
            found,
            existed,
            {"org_type": row["org_type"], "regency_id": regency.id if regency else None},
        )

    def programs(self, row: dict[str, Any]) -> None:
        company = self.company(row["company"])
        assert company.id is not None
        program = self.session.exec(
            select(m.Program).where(m.Program.company_id == company.id, m.Program.name == row["program"])
        ).first()
        existed = program is not None
        if row["end_date"] is not None and row["end_date"] < row["start_date"]:
            raise _RowError("end_date", "transfer.err.end_before_start")
        if any(not 1 <= sdg <= 17 for sdg in row["sdgs"]):
            raise _RowError("sdgs", "transfer.err.sdg")
        checked_values = checked(entry.PROGRAM, row, ("description", *BENEFICIARY_COLUMNS))
        villages = [self.village(text) for text in row["villages"]]
        if villages and company.id is not None:
            allowed = entry.village_options(self.session, company.id)
            linked = (
                set()
                if program is None
                else entry.current_links(self.session, entry.PROGRAM, program.id or -1)["villages"]
            )
            for text, village in zip(row["villages"], villages, strict=True):
                if village.id not in allowed and village.id not in linked:
                    raise _RowError("villages", "transfer.err.village_outside", value=text)
        partners: dict[int, str] = {}
        for column, role in (
            ("beneficiary_groups", m.PartnerRole.BENEFICIARY_GROUP),
            ("implementing_partners", m.PartnerRole.IMPLEMENTING_PARTNER),
        ):
            for name in row[column]:
                organisation = self.organisation(name, column)
                assert organisation is not None and organisation.id is not None
                partners[organisation.id] = role
        if program is None:
            program = m.Program(
                company_id=company.id, name=row["program"], pillar=row["pillar"], start_date=row["start_date"]
            )
        values: dict[str, Any] = {
            "description": row["description"] or "",
            "pillar": row["pillar"],
            "stage": row["stage"] or (program.stage if existed else m.Stage.PLANNING),
            "poverty_alleviation": bool(row["poverty_alleviation"]),
            "start_date": row["start_date"],
            "end_date": row["end_date"],
            **{name: checked_values[name] for name in BENEFICIARY_COLUMNS},
        }
        if program.id is None:
            self.session.add(program)
            self.session.flush()
        assert program.id is not None
        # The form's command: a village added must lie in a regency the company works in.
        links_changed = entry.set_links(
            session=self.session,
            viewer=self.viewer,
            spec=entry.PROGRAM,
            record_id=program.id,
            picked={"villages": [v.id for v in villages if v.id is not None], "sdgs": row["sdgs"]},
        )
        links_changed |= self._replace_partners(program.id, partners)
        self.save("programs", program, existed, values, links_changed=links_changed)

    def _replace_partners(self, program_id: int, wanted: dict[int, str]) -> bool:
        current = {
            link.organisation_id: link
            for link in self.session.exec(
                select(m.ProgramPartner).where(m.ProgramPartner.program_id == program_id)
            )
        }
        changed = False
        for organisation_id, link in current.items():
            if organisation_id not in wanted:
                self.session.delete(link)
                changed = True
            elif link.role != wanted[organisation_id]:
                link.role = wanted[organisation_id]
                self.session.add(link)
                changed = True
        for organisation_id, role in wanted.items():
            if organisation_id not in current:
                self.session.add(
                    m.ProgramPartner(program_id=program_id, organisation_id=organisation_id, role=role)
                )
                changed = True
        self.session.flush()
        return changed

    def budgets(self, row: dict[str, Any]) -> None:
        program = self.program(self.company(row["company"]), row["program"])
        amounts = checked(entry.BUDGET, row, ("planned", "spent"))
        budget = self.session.exec(
            select(m.ProgramBudget).where(
                m.ProgramBudget.program_id == program.id, m.ProgramBudget.year == row["year"]
            )
        ).first()
        existed = budget is not None
        if budget is None:
            assert program.id is not None
            budget = m.ProgramBudget(program_id=program.id, year=row["year"])
        self.save("budgets", budget, existed, amounts)

    def indicators(self, row: dict[str, Any]) -> None:
        program = self.program(self.company(row["company"]), row["program"])
        indicator = self.session.exec(
            select(m.Indicator).where(
                m.Indicator.program_id == program.id, m.Indicator.name == row["indicator"]
            )
        ).first()
        existed = indicator is not None
        if indicator is None:
            assert program.id is not None
            indicator = m.Indicator(program_id=program.id, name=row["indicator"], unit=row["unit"])
        baseline = checked(entry.INDICATOR, row, ("baseline_value", "baseline_year"))
        values = {
            "unit": row["unit"],
            "kind": row["indicator_kind"] or m.IndicatorKind.OUTPUT,
            "baseline_value": baseline["baseline_value"],
            "baseline_year": baseline["baseline_year"],
            "direction": row["direction"] or m.Direction.HIGHER_IS_BETTER,
            "accumulation": row["accumulation"] or m.Accumulation.PERIODIC,
        }
        self.save("indicators", indicator, existed, values)

    def results(self, row: dict[str, Any]) -> None:
        """Figures through the grid's command (:func:`record_result`): the same checks, and a submitted
        result whose figures change goes back to draft unless the row submits it again."""
        program = self.program(self.company(row["company"]), row["program"])
        indicator = self.indicator(program, row["indicator"])
        period = self.period(row["period"])
        assert indicator.id is not None and period.id is not None
        result = self.session.exec(
            select(m.Result).where(m.Result.indicator_id == indicator.id, m.Result.period_id == period.id)
        ).first()
        typed = {
            "target": row["target"],
            "actual": row["actual"],
            "narrative": row["narrative"] or "",
            "evidence": row["evidence"] or "",
        }
        state = row["result_state"]
        if result is not None and result.state == m.ResultState.VERIFIED:
            changed = [k for k, v in typed.items() if getattr(result, k) != v]
            if changed or (state and state != result.state):
                raise _RowError(changed[0] if changed else "result_state", "transfer.err.result_locked")
            self.report.count("unchanged", "results")
            return
        if state == m.ResultState.VERIFIED and not self.viewer.is_admin:
            raise _RowError("result_state", "transfer.err.verify_not_allowed")
        before = None if result is None else (*(getattr(result, k) for k in typed), result.state)
        result = record_result(
            session=self.session,
            viewer=self.viewer,
            indicator_id=indicator.id,
            period_id=period.id,
            target=typed["target"],
            actual=typed["actual"],
            narrative=typed["narrative"],
            evidence=typed["evidence"],
        )
        if state and state != result.state:
            result.state = state
            result.submitted_at = m.utcnow() if state != m.ResultState.DRAFT else None
            if state == m.ResultState.VERIFIED:
                result.verified_by_id = self.viewer.user_id
                result.verified_at = m.utcnow()
            self.session.add(result)
            self.session.flush()
        after = (*(getattr(result, k) for k in typed), result.state)
        outcome = "created" if before is None else "updated" if after != before else "unchanged"
        self.report.count(outcome, "results")

    def actions(self, row: dict[str, Any]) -> None:
        company = self.company(row["company"])
        program = self.program(company, row["program"])
        indicator = self.indicator(program, row["indicator"]) if row["indicator"] else None
        evaluation = (
            self.evaluation(company, row["evaluation"], row["evaluated_on"]) if row["evaluation"] else None
        )
        action = self.session.exec(
            select(m.FollowUpAction).where(
                m.FollowUpAction.program_id == program.id, m.FollowUpAction.description == row["description"]
            )
        ).first()
        existed = action is not None
        if action is None:
            assert program.id is not None
            action = m.FollowUpAction(program_id=program.id, description=row["description"])
        values = {
            "indicator_id": indicator.id if indicator else None,
            "evaluation_id": evaluation.id if evaluation else None,
            "owner": row["owner"] or "",
            "due_date": row["due_date"],
            "status": row["action_status"] or m.ActionStatus.OPEN,
            "completed_on": row["completed_on"],
        }
        self.save("actions", action, existed, values)

    def meetings(self, row: dict[str, Any]) -> None:
        company_id = self.meeting_company(row)
        if (row["attendee_count"] or 0) < 0:
            raise _RowError("attendee_count", "transfer.err.negative")
        organiser = self.organisation(row["organiser_organisation"], "organiser_organisation")
        regency = self.regency(row["regency"])
        try:
            meeting: m.Meeting | None = self.meeting(row)
        except _RowError:
            meeting = None
        existed = meeting is not None
        if meeting is None:
            meeting = m.Meeting(
                kind=row["meeting_kind"],
                title=row["meeting"],
                held_on=row["held_on"],
                organiser_company_id=company_id,
            )
        values = {
            "kind": row["meeting_kind"],
            "venue": row["venue"] or "",
            "organiser_organisation_id": organiser.id if organiser else None,
            "regency_id": regency.id if regency else None,
            "purpose": row["purpose"] or "",
            "attendee_count": row["attendee_count"] or 0,
        }
        self.save("meetings", meeting, existed, values)

    def attendance(self, row: dict[str, Any]) -> None:
        meeting = self.meeting(row)
        organisation = self.organisation(row["organisation"], "organisation")
        assert organisation is not None and organisation.id is not None and meeting.id is not None
        if (row["head_count"] or 0) < 0:
            raise _RowError("head_count", "transfer.err.negative")
        found = self.session.get(m.MeetingAttendance, (meeting.id, organisation.id))
        existed = found is not None
        if found is None:
            found = m.MeetingAttendance(meeting_id=meeting.id, organisation_id=organisation.id)
        head_count = row["head_count"] if row["head_count"] is not None else 1
        self.save("attendance", found, existed, {"head_count": head_count})

    def feedback(self, row: dict[str, Any]) -> None:
        meeting = self.meeting(row)
        organisation = self.organisation(row["organisation"], "organisation")
        program_id = None
        if row["feedback_program"]:
            if meeting.organiser_company_id is None:
                found = self.session.exec(
                    select(m.Program).where(col(m.Program.name) == row["feedback_program"])
                ).first()
                if found is None:
                    raise _RowError("feedback_program", "transfer.err.unknown", value=row["feedback_program"])
                program_id = found.id
            else:
                company = self.session.get(m.Company, meeting.organiser_company_id)
                assert company is not None
                program_id = self.program(company, row["feedback_program"], "feedback_program").id
        status = row["feedback_status"] or m.FeedbackStatus.OPEN
        if status == m.FeedbackStatus.DECLINED and not row["decline_reason"]:
            raise _RowError("decline_reason", "transfer.err.decline_reason")
        speaker = row["speaker"] or ""
        item = self.session.exec(
            select(m.FeedbackItem).where(
                m.FeedbackItem.meeting_id == meeting.id,
                m.FeedbackItem.speaker == speaker,
                m.FeedbackItem.text == row["text"],
            )
        ).first()
        existed = item is not None
        if item is None:
            assert meeting.id is not None
            item = m.FeedbackItem(
                meeting_id=meeting.id, kind=row["feedback_kind"], text=row["text"], speaker=speaker
            )
        values = {
            "organisation_id": organisation.id if organisation else None,
            "source_type": row["source_type"] or (organisation.org_type if organisation else None),
            "program_id": program_id,
            "kind": row["feedback_kind"],
            "response": row["response"] or "",
            "status": status,
            "decline_reason": row["decline_reason"] or "",
            "moderation": row["moderation"] or (item.moderation if existed else m.Moderation.PENDING),
        }
        self.save("feedback", item, existed, values)

    def evaluations(self, row: dict[str, Any]) -> None:
        company = self.company(row["company"])
        assert company.id is not None
        period = self.period(row["period"])
        meeting = None
        if row["meeting"]:
            if row["held_on"] is None:
                raise _RowError("held_on", "transfer.err.required")
            meeting = self.meeting(row)  # one of the evaluation's company's own meetings
        elif row["held_on"] is not None:
            raise _RowError("meeting", "transfer.err.required")
        program_ids: set[int] = set()
        for name in row["evaluated_programs"]:
            program_id = self.program(company, name, "evaluated_programs").id
            assert program_id is not None
            program_ids.add(program_id)
        evaluation = self.session.exec(
            select(m.Evaluation).where(
                m.Evaluation.company_id == company.id,
                m.Evaluation.title == row["evaluation"],
                m.Evaluation.held_on == row["evaluated_on"],
            )
        ).first()
        existed = evaluation is not None
        if evaluation is None:
            assert period.id is not None
            evaluation = m.Evaluation(
                company_id=company.id,
                period_id=period.id,
                title=row["evaluation"],
                held_on=row["evaluated_on"],
            )
            self.session.add(evaluation)
            self.session.flush()
        assert evaluation.id is not None
        links_changed = db.replace_links(
            self.session,
            m.EvaluationProgram,
            owner="evaluation_id",
            owner_id=evaluation.id,
            column="program_id",
            wanted=program_ids,
        )
        values = {
            "period_id": period.id,
            "meeting_id": meeting.id if meeting else None,
            "notes": row["notes"] or "",
        }
        self.save("evaluations", evaluation, existed, values, links_changed=links_changed)


def _run(session: Session, viewer: Viewer, sheets: Sequence[SheetRows]) -> Report:
    """Check and write every row; the caller commits only when the report holds no problem."""
    if not viewer.may_import():
        refuse(viewer=viewer, entity="import", entity_id=None, detail="import")
    report = Report()
    work = _Import(session, viewer, report)
    order = [spec.key for spec in SHEETS]
    for sheet in sorted(sheets, key=lambda s: order.index(s.spec.key)):
        spec = sheet.spec
        for missing in sheet.missing:
            report.problems.append(Problem(spec.key, 1, missing, "transfer.err.missing_column"))
        if sheet.missing:
            continue
        decimal_comma = sheet.decimal_comma
        handler: Callable[[dict[str, Any]], None] = getattr(work, spec.key)
        for number, cells in sheet.rows:
            row: dict[str, Any] = {}
            for column in spec.columns:  # every bad cell of the row, not just the first
                try:
                    row[column.key] = convert(column, cells.get(column.key), decimal_comma=decimal_comma)
                except _RowError as error:
                    report.problems.append(Problem(spec.key, number, error.column, error.key, error.values))
            if len(row) < len(spec.columns):
                continue
            try:
                with session.begin_nested():
                    handler(row)
            except _RowError as error:
                work.found.clear()
                report.problems.append(Problem(spec.key, number, error.column, error.key, error.values))
            except FieldErrors as invalid:  # the checks the forms make, one problem per field
                work.found.clear()
                for field, (key, values) in invalid.errors.items():
                    report.problems.append(Problem(spec.key, number, field, key, tuple(values.items())))
            except SQLAlchemyError:  # a constraint or a length the checks above do not know
                work.found.clear()
                report.problems.append(Problem(spec.key, number, "", "transfer.err.database"))
    return report


class _Rollback(Exception):
    pass


def import_sheets(
    *, engine: Engine, viewer: Viewer, sheets: Sequence[SheetRows], commit: bool, file_name: str = ""
) -> Report:
    """Run an import: in one transaction, committed only when ``commit`` and no row has a problem."""
    report = Report()
    try:
        with db.write_session(engine) as session:
            report = _run(session, viewer, sheets)
            if not commit or report.problems:
                raise _Rollback
            audit.record(
                session=session,
                actor=viewer,
                action="import",
                entity="file",
                detail=file_name[:200],
                after={"created": report.created, "updated": report.updated},
            )
    except _Rollback:
        return report
    report.committed = True
    return report


# ---------------------------------------------------------------------------------------------
# Export: what a viewer may see with the current filters, as one frame per sheet


def _frame(spec: SheetSpec, records: list[dict[str, Any]], lang: str) -> pd.DataFrame:
    columns = [c.key for c in spec.columns]
    frame = pd.DataFrame(records, columns=columns)
    for column in spec.columns:
        if column.kind.startswith("enum:"):
            kind = column.kind[5:]
            frame[column.key] = [enum_label(kind, v, lang) if v else None for v in frame[column.key]]
        elif column.kind == "bool":
            frame[column.key] = [
                translate("transfer.yes" if v else "transfer.no", lang) for v in frame[column.key]
            ]
        elif column.kind in ("list", "intlist"):
            frame[column.key] = ["; ".join(str(x) for x in v) for v in frame[column.key]]
        elif column.kind in ("int", "number"):
            frame[column.key] = frame[column.key].astype(object).where(frame[column.key].notna(), None)
    frame.columns = [header(c, lang) for c in columns]
    return frame


def export_sheets(
    *, session: Session, viewer: Viewer, filters: Filters, lang: str, reference: bool | None = None
) -> dict[str, pd.DataFrame]:
    """Every sheet this viewer may read, narrowed by ``filters``, with headers in ``lang``.

    Admins also get the reference sheets (places, companies, organisations) so that the file can
    rebuild the records in an empty database.
    """
    with_reference = viewer.is_admin if reference is None else (reference and viewer.is_admin)
    records: dict[str, list[dict[str, Any]]] = {spec.key: [] for spec in SHEETS}
    companies = {c.id: c for c in session.exec(select(m.Company))}
    regencies = {r.id: r for r in session.exec(select(m.Regency))}
    districts = {d.id: d for d in session.exec(select(m.District))}
    villages = {v.id: v for v in session.exec(select(m.Village))}
    organisations = {o.id: o for o in session.exec(select(m.Organisation))}
    if with_reference:
        for village in sorted(villages.values(), key=lambda v: (v.district_id, v.name)):
            district = districts[village.district_id]
            regency = regencies[district.regency_id]
            records["villages"].append(
                {
                    "regency": regency.name,
                    "regency_kind": regency.kind,
                    "province": regency.province,
                    "district": district.name,
                    "village": village.name,
                    "village_kind": village.kind,
                }
            )
        links: dict[int, list[str]] = {}
        for link in session.exec(select(m.CompanyRegency)):
            links.setdefault(link.company_id, []).append(regencies[link.regency_id].name)
        for company in sorted(companies.values(), key=lambda c: c.name):
            assert company.id is not None
            records["companies"].append(
                {
                    "company": company.name,
                    "short_name": company.short_name,
                    "sector": company.sector,
                    "regencies": sorted(links.get(company.id, [])),
                }
            )
        for org in sorted(organisations.values(), key=lambda o: o.name):
            records["organisations"].append(
                {
                    "organisation": org.name,
                    "org_type": org.org_type,
                    "regency": regencies[org.regency_id].name if org.regency_id else None,
                }
            )

    def village_text(village_id: int) -> str:
        village = villages[village_id]
        return f"{village.name} ({districts[village.district_id].name})"

    programs = list(
        session.exec(
            select(m.Program)
            .where(*viewer.program_conditions(), *filters.program_conditions())
            .order_by(col(m.Program.company_id), col(m.Program.name))
        )
    )
    program_ids = [p.id for p in programs]
    by_program = {p.id: p for p in programs}
    program_villages: dict[int, list[str]] = {}
    for pv in session.exec(select(m.ProgramVillage).where(col(m.ProgramVillage.program_id).in_(program_ids))):
        program_villages.setdefault(pv.program_id, []).append(village_text(pv.village_id))
    partners: dict[tuple[int, str], list[str]] = {}
    for pp in session.exec(select(m.ProgramPartner).where(col(m.ProgramPartner.program_id).in_(program_ids))):
        partners.setdefault((pp.program_id, pp.role), []).append(organisations[pp.organisation_id].name)
    sdgs: dict[int, list[int]] = {}
    for ps in session.exec(select(m.ProgramSdg).where(col(m.ProgramSdg.program_id).in_(program_ids))):
        sdgs.setdefault(ps.program_id, []).append(ps.sdg)
    for program in programs:
        assert program.id is not None
        records["programs"].append(
            {
                "company": companies[program.company_id].name,
                "program": program.name,
                "description": program.description,
                "pillar": program.pillar,
                "stage": program.stage,
                "poverty_alleviation": program.poverty_alleviation,
                "start_date": program.start_date,
                "end_date": program.end_date,
                **{name: getattr(program, name) for name in BENEFICIARY_COLUMNS},
                "villages": sorted(program_villages.get(program.id, [])),
                "sdgs": sorted(sdgs.get(program.id, [])),
                "beneficiary_groups": sorted(partners.get((program.id, m.PartnerRole.BENEFICIARY_GROUP), [])),
                "implementing_partners": sorted(
                    partners.get((program.id, m.PartnerRole.IMPLEMENTING_PARTNER), [])
                ),
            }
        )

    def owner(program_id: int) -> dict[str, Any]:
        program = by_program[program_id]
        return {"company": companies[program.company_id].name, "program": program.name}

    year = filters.effective_year
    budgets = select(m.ProgramBudget).where(col(m.ProgramBudget.program_id).in_(program_ids))
    if year is not None:
        budgets = budgets.where(col(m.ProgramBudget.year) == year)
    for budget in session.exec(budgets.order_by(col(m.ProgramBudget.program_id), col(m.ProgramBudget.year))):
        records["budgets"].append(
            {
                **owner(budget.program_id),
                "year": budget.year,
                "planned": budget.planned,
                "spent": budget.spent,
            }
        )
    indicators = {
        i.id: i
        for i in session.exec(
            select(m.Indicator)
            .where(col(m.Indicator.program_id).in_(program_ids))
            .order_by(col(m.Indicator.id))
        )
    }
    for indicator in indicators.values():
        records["indicators"].append(
            {
                **owner(indicator.program_id),
                "indicator": indicator.name,
                "unit": indicator.unit,
                "indicator_kind": indicator.kind,
                "baseline_value": indicator.baseline_value,
                "baseline_year": indicator.baseline_year,
                "direction": indicator.direction,
                "accumulation": indicator.accumulation,
            }
        )
    periods = {p.id: p for p in session.exec(select(m.Period))}
    results = select(m.Result).where(col(m.Result.indicator_id).in_(list(indicators)))
    if filters.period:
        results = results.join(m.Period).where(col(m.Period.code) == filters.period)
    elif year is not None:
        results = results.join(m.Period).where(col(m.Period.year) == year)
    for result in session.exec(results.order_by(col(m.Result.indicator_id), col(m.Result.period_id))):
        indicator = indicators[result.indicator_id]
        records["results"].append(
            {
                **owner(indicator.program_id),
                "indicator": indicator.name,
                "period": periods[result.period_id].code,
                "target": result.target,
                "actual": result.actual,
                "narrative": result.narrative,
                "evidence": result.evidence,
                "result_state": result.state,
            }
        )
    # An evaluation is exported when it covers an exported program, or covers none and is the
    # viewer's own company's; it lists every program of it the viewer may read.
    readable = {p.id: p.name for p in session.exec(select(m.Program).where(*viewer.program_conditions()))}
    exported = set(program_ids)
    covered: dict[int, list[str]] = {}
    with_exported: set[int] = set()
    for covering in session.exec(select(m.EvaluationProgram)):
        if covering.program_id in readable:
            covered.setdefault(covering.evaluation_id, []).append(readable[covering.program_id])
        if covering.program_id in exported:
            with_exported.add(covering.evaluation_id)
    all_evaluations = {e.id: e for e in session.exec(select(m.Evaluation))}
    visible_meetings = {
        mt.id: mt for mt in session.exec(select(m.Meeting).where(*viewer.meeting_conditions()))
    }
    for evaluation in all_evaluations.values():
        assert evaluation.id is not None
        period = periods[evaluation.period_id]
        if evaluation.id in with_exported:
            wanted = True
        elif evaluation.id in covered or (filters.company_id not in (None, evaluation.company_id)):
            wanted = False
        else:
            wanted = viewer.is_admin or viewer.company_id == evaluation.company_id
        if filters.period:
            wanted = wanted and period.code == filters.period
        elif year is not None:
            wanted = wanted and period.year == year
        if not wanted:
            continue
        meeting = visible_meetings.get(evaluation.meeting_id) if evaluation.meeting_id else None
        records["evaluations"].append(
            {
                "company": companies[evaluation.company_id].name,
                "evaluation": evaluation.title,
                "evaluated_on": evaluation.held_on,
                "period": period.code,
                "meeting": meeting.title if meeting else None,
                "held_on": meeting.held_on if meeting else None,
                "evaluated_programs": sorted(covered.get(evaluation.id, [])),
                "notes": evaluation.notes,
            }
        )
    actions = select(m.FollowUpAction).where(col(m.FollowUpAction.program_id).in_(program_ids))
    for action in session.exec(actions.order_by(col(m.FollowUpAction.id))):
        source = all_evaluations.get(action.evaluation_id) if action.evaluation_id else None
        records["actions"].append(
            {
                **owner(action.program_id),
                "indicator": indicators[action.indicator_id].name
                if action.indicator_id in indicators
                else None,
                "description": action.description,
                "owner": action.owner,
                "due_date": action.due_date,
                "action_status": action.status,
                "completed_on": action.completed_on,
                "evaluation": source.title if source else None,
                "evaluated_on": source.held_on if source else None,
            }
        )

    meeting_filter = [*viewer.meeting_conditions()]
    if filters.company_id is not None:
        meeting_filter.append(col(m.Meeting.organiser_company_id) == filters.company_id)
    if filters.regency_id is not None:
        meeting_filter.append(col(m.Meeting.regency_id) == filters.regency_id)
    if year is not None:
        meeting_filter.append(col(m.Meeting.held_on).between(date(year, 1, 1), date(year, 12, 31)))
    meetings = {
        mt.id: mt
        for mt in session.exec(
            select(m.Meeting).where(*meeting_filter).order_by(col(m.Meeting.held_on), col(m.Meeting.id))
        )
    }

    def meeting_key(meeting_id: int) -> dict[str, Any]:
        meeting = meetings[meeting_id]
        company = companies.get(meeting.organiser_company_id) if meeting.organiser_company_id else None
        return {
            "company": company.name if company else None,
            "meeting": meeting.title,
            "held_on": meeting.held_on,
        }

    for meeting in meetings.values():
        assert meeting.id is not None
        records["meetings"].append(
            {
                **meeting_key(meeting.id),
                "meeting_kind": meeting.kind,
                "venue": meeting.venue,
                "organiser_organisation": organisations[meeting.organiser_organisation_id].name
                if meeting.organiser_organisation_id
                else None,
                "regency": regencies[meeting.regency_id].name if meeting.regency_id else None,
                "purpose": meeting.purpose,
                "attendee_count": meeting.attendee_count,
            }
        )
    meeting_ids = list(meetings)
    attendance = select(m.MeetingAttendance).where(col(m.MeetingAttendance.meeting_id).in_(meeting_ids))
    for row in session.exec(
        attendance.order_by(col(m.MeetingAttendance.meeting_id), col(m.MeetingAttendance.organisation_id))
    ):
        records["attendance"].append(
            {
                **meeting_key(row.meeting_id),
                "organisation": organisations[row.organisation_id].name,
                "head_count": row.head_count,
            }
        )
    feedback = select(m.FeedbackItem).where(col(m.FeedbackItem.meeting_id).in_(meeting_ids))
    for item in session.exec(feedback.order_by(col(m.FeedbackItem.meeting_id), col(m.FeedbackItem.id))):
        records["feedback"].append(
            {
                **meeting_key(item.meeting_id),
                "organisation": organisations[item.organisation_id].name if item.organisation_id else None,
                "source_type": item.source_type,
                "speaker": item.speaker,
                "feedback_program": readable.get(item.program_id) if item.program_id else None,
                "feedback_kind": item.kind,
                "text": item.text,
                "response": item.response,
                "feedback_status": item.status,
                "decline_reason": item.decline_reason,
                "moderation": item.moderation,
            }
        )
    # Sorted by names rather than ids, so the same records export the same in any database.
    for key, sort_by in _EXPORT_ORDER.items():
        records[key].sort(key=lambda r: tuple(_sortable(r[k]) for k in sort_by))
    return {
        sheet_name(spec.key, lang): _frame(spec, records[spec.key], lang)
        for spec in SHEETS
        if with_reference or not spec.reference
    }


_EXPORT_ORDER = {
    "programs": ("company", "program"),
    "budgets": ("company", "program", "year"),
    "indicators": ("company", "program"),
    "results": ("company", "program", "indicator", "period"),
    "actions": ("company", "program"),
    "meetings": ("held_on", "company", "meeting"),
    "attendance": ("held_on", "company", "meeting", "organisation"),
    "feedback": ("held_on", "company", "meeting"),
    "evaluations": ("company", "evaluation", "evaluated_on"),
}


def _sortable(value: Any) -> tuple[bool, Any]:
    return (value is None, value if value is not None else "")


def export_workbook(*, session: Session, viewer: Viewer, filters: Filters, lang: str) -> bytes:
    return spreadsheet.workbook_bytes(
        export_sheets(session=session, viewer=viewer, filters=filters, lang=lang)
    )


# ---------------------------------------------------------------------------------------------
# The template workbook


def template_sheets(*, viewer: Viewer, lang: str) -> dict[str, pd.DataFrame]:
    """An instructions sheet, then one empty sheet per entity this viewer may import."""
    specs = [s for s in SHEETS if viewer.is_admin or not s.reference]
    lines: list[dict[str, str]] = [
        {"a": translate("transfer.tpl.title", lang), "b": ""},
        *({"a": translate(TEMPLATE_RULE.key(n), lang), "b": ""} for n in range(1, 7)),
        {"a": "", "b": ""},
    ]
    for spec in specs:
        lines.append({"a": sheet_name(spec.key, lang), "b": translate(SHEET_ABOUT.key(spec.key), lang)})
        for column in spec.columns:
            lines.append({"a": "  " + header(column.key, lang), "b": _column_help(column, lang)})
    instructions = pd.DataFrame(lines)
    instructions.columns = [translate("transfer.tpl.col_what", lang), translate("transfer.tpl.col_how", lang)]
    sheets = {translate("transfer.sheet.instructions", lang): instructions}
    for spec in specs:
        # A star marks what must be filled; the import reads the header with or without it.
        headers = [header(c.key, lang) + (" *" if c.required else "") for c in spec.columns]
        sheets[sheet_name(spec.key, lang)] = pd.DataFrame(columns=headers)
    return sheets


def _column_help(column: Column, lang: str) -> str:
    parts = [translate("transfer.tpl.required" if column.required else "transfer.tpl.optional", lang)]
    if column.kind.startswith("enum:"):
        parts.append(
            translate("transfer.tpl.choices", lang, choices=", ".join(enum_choices(column.kind[5:], lang)))
        )
    else:
        parts.append(translate(TEMPLATE_KIND.key(column.kind), lang))
    return " · ".join(parts)


def template_workbook(*, viewer: Viewer, lang: str) -> bytes:
    return spreadsheet.workbook_bytes(template_sheets(viewer=viewer, lang=lang))

"""Hostile uploads are refused with a clear message, before parsing and within bounded memory."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator

import defusedxml  # type: ignore[import-untyped]
import openpyxl
import pandas as pd
import pytest

from sinergi.core import spreadsheet
from sinergi.i18n.texts import translate
from sinergi.transfer import archive, parsing

SHEET = "xl/worksheets/sheet1.xml"
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'.encode()
        for n in range(1, 10)
    )
    + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
    b"</worksheet>"
)


def valid_workbook() -> bytes:
    return spreadsheet.workbook_bytes({"Programs": pd.DataFrame({"Program": ["A"], "Pillar": ["Economy"]})})


def with_member(data: bytes, name: str, write: Callable[[zipfile.ZipFile], None]) -> bytes:
    """A copy of the workbook ``data`` in which ``write`` supplies the member ``name``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if entry.filename != name:
                target.writestr(entry, source.read(entry))
        write(target)
    return buffer.getvalue()


def billion_laughs() -> bytes:
    return with_member(valid_workbook(), SHEET, lambda z: z.writestr(SHEET, LAUGHS))


def zip_bomb(megabytes: int) -> bytes:
    """A workbook whose sheet expands from a few hundred kilobytes to ``megabytes`` of XML."""

    def write(target: zipfile.ZipFile) -> None:
        with target.open(SHEET, "w", force_zip64=True) as stream:
            stream.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            chunk = b" " * (1024 * 1024)
            for _ in range(megabytes):
                stream.write(chunk)
            stream.write(b"</worksheet>")

    return with_member(valid_workbook(), SHEET, write)


def refused_with(data: bytes, name: str = "bom.xlsx") -> tuple[str, int]:
    """The refusal's key and the peak of memory allocated while refusing it."""
    tracemalloc.start()
    try:
        with pytest.raises(archive.FileRefused) as refused:
            parsing.read_upload(name, data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return refused.value.key, peak


def test_openpyxl_parses_with_defusedxml() -> None:
    # openpyxl swaps in defusedxml's parsers when the package imports (openpyxl/xml/functions.py).
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")
    assert defusedxml.__name__ == "defusedxml"


def test_billion_laughs_workbook_is_refused_before_parsing_within_bounded_memory() -> None:
    data = billion_laughs()

    key, peak = refused_with(data)

    assert key == "transfer.err.xml_entities"
    assert peak < 5 * 1024 * 1024
    assert "DOCTYPE" in translate(key, "en")


def test_billion_laughs_is_refused_by_openpyxl_itself_too() -> None:
    # Past the pre-check, the parser openpyxl uses still refuses to expand the entities.
    with pytest.raises(ValueError) as failed:  # openpyxl wraps what its parser raised
        openpyxl.load_workbook(io.BytesIO(billion_laughs()), read_only=True)
    causes = []
    error: BaseException | None = failed.value
    while error is not None:
        causes.append(error)
        error = error.__cause__ or error.__context__
    assert any(isinstance(cause, defusedxml.EntitiesForbidden) for cause in causes)


@pytest.mark.parametrize("megabytes", [8, 100])
def test_zip_bomb_is_refused_before_decompressing(megabytes: int) -> None:
    data = zip_bomb(megabytes)
    assert len(data) < 1024 * 1024  # small on the wire

    key, peak = refused_with(data)

    assert key == "transfer.err.zip_bomb"
    assert peak < 5 * 1024 * 1024  # nothing near the expanded size was allocated
    assert "zip" in translate(key, "en")


def test_a_file_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SINERGI_IMPORT_MAX_MB", "0.01")
    with pytest.raises(archive.FileRefused) as refused:
        parsing.read_upload("besar.csv", b"Program;Pilar\n" + b"x;y\n" * 5000)
    assert refused.value.key == "transfer.err.too_large"
    assert (
        translate(refused.value.key, "id", **refused.value.values) == "Berkas lebih besar dari batas 0.01 MB."
    )


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("a.xlsx", b"not a zip at all", "transfer.err.not_xlsx"),
        ("a.pdf", b"%PDF-1.4", "transfer.err.file_type"),
        ("a.csv", b'Program;Pilar\n"' + b"x" * 200_000 + b'";B\n', "transfer.err.not_csv"),
        (
            "a.xlsx",
            with_member(valid_workbook(), SHEET, lambda z: z.writestr(SHEET, b"<worksheet><row")),
            "transfer.err.not_xlsx",
        ),
        ("a.xlsx", spreadsheet.workbook_bytes({"Lain": pd.DataFrame({"x": [1]})}), "transfer.err.empty"),
    ],
)
def test_files_that_are_not_workbooks_are_refused(name: str, data: bytes, key: str) -> None:
    with pytest.raises(archive.FileRefused) as refused:
        parsing.read_upload(name, data)
    assert refused.value.key == key


def workbook_of_noise(megabytes: int) -> bytes:
    """A workbook whose sheet is ``megabytes`` of rows of varied numbers: it compresses only about
    five times, as a large real export does, so no ratio gives it away."""

    def write(target: zipfile.ZipFile) -> None:
        with target.open(SHEET, "w", force_zip64=True) as stream:
            stream.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            stream.write(b"<sheetData>")
            written, number, seed = 0, 2, 12345
            while written < megabytes * 1024 * 1024:
                seed = (seed * 1103515245 + 12345) % 2**31
                row = f'<row r="{number}"><c r="A{number}"><v>{seed}</v></c></row>'.encode()
                stream.write(row)
                written += len(row)
                number += 1
            stream.write(b"</sheetData></worksheet>")

    return with_member(valid_workbook(), SHEET, write)


def test_a_workbook_that_expands_beyond_the_limit_is_refused_before_any_xml_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = workbook_of_noise(48)
    assert 3 < 48 * 1024 * 1024 / len(data) < 20, "compressed as a real workbook, not a zip bomb"

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the workbook's XML was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", no_parsing)
    with pytest.raises(archive.FileRefused) as refused:
        parsing.read_upload("besar.xlsx", data)
    assert refused.value.key == "transfer.err.too_large_expanded"
    assert "40" in translate(refused.value.key, "id", **refused.value.values)


def test_the_expansion_limits_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    data = workbook_of_noise(2)
    parsing.read_upload("kecil.xlsx", data)  # within the defaults: read (its sheet has no header)
    monkeypatch.setenv("SINERGI_IMPORT_MAX_EXPANDED_MB", "1")
    with pytest.raises(archive.FileRefused) as refused:
        parsing.read_upload("kecil.xlsx", data)
    assert refused.value.key == "transfer.err.too_large_expanded"
    monkeypatch.setenv("SINERGI_IMPORT_MAX_EXPANDED_MB", "40")
    monkeypatch.setenv("SINERGI_IMPORT_MAX_RATIO", "2")
    with pytest.raises(archive.FileRefused) as refused:
        parsing.read_upload("kecil.xlsx", data)
    assert refused.value.key == "transfer.err.zip_bomb"


def test_a_sheet_without_its_required_columns_is_not_read_past_its_header() -> None:
    rows_read = []

    def rows() -> Iterator[tuple[object, ...]]:
        yield ("Catatan", "Lain")
        for n in range(10_000):
            rows_read.append(n)
            yield ("x", n)

    sheet = parsing._sheet_rows(parsing.SHEETS_BY_KEY["results"], rows())
    assert sheet.missing and not sheet.rows
    assert rows_read == []

"""Checks on an uploaded .xlsx archive and its XML, made before openpyxl parses anything."""

from __future__ import annotations

import io
import zipfile

from sinergi.core.settings import env_setting

# Bounds on an upload, checked before anything parses it; the size and expansion limits are settings.
MAX_ZIP_ENTRIES = 200
_XML_DANGER = (b"<!DOCTYPE", b"<!ENTITY")


class FileRefused(Exception):
    """The file cannot be read at all: too large, a zip bomb, XML entities, not a spreadsheet."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key, values)
        self.key, self.values = key, values


def max_expanded_bytes() -> int:
    return int(float(env_setting("SINERGI_IMPORT_MAX_EXPANDED_MB")) * 1024 * 1024)


def max_expansion_ratio() -> float:
    return float(env_setting("SINERGI_IMPORT_MAX_RATIO"))


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
        expanded = sum(entry.file_size for entry in entries)
        if len(entries) > MAX_ZIP_ENTRIES or expanded > max_expansion_ratio() * max(len(data), 1):
            raise FileRefused("transfer.err.zip_bomb")
        if expanded > max_expanded_bytes():
            raise FileRefused(
                "transfer.err.too_large_expanded", limit=env_setting("SINERGI_IMPORT_MAX_EXPANDED_MB")
            )
        for entry in entries:
            if entry.file_size > 1024 * 1024 and entry.file_size > max_expansion_ratio() * max(
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
    except FileRefused:
        raise
    except Exception:  # encrypted, truncated or oddly compressed: not a workbook this import reads
        raise FileRefused("transfer.err.not_xlsx") from None

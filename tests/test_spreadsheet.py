"""Exported cells read back as data: numbers as numbers, dates as dates, formulas as plain text."""

import csv
import io
from datetime import UTC, date, datetime

import pandas as pd
from openpyxl import load_workbook

from sinergi.core.spreadsheet import csv_bytes, workbook_bytes

DANGEROUS = ["=1+1", "+62 812", "-SUM(A1)", "@cmd", "\tTab", "\rCR", '=HYPERLINK("http://x","y")']


def test_xlsx_keeps_types_and_neutralises_formulas():
    frame = pd.DataFrame(
        {
            "Teks": [*DANGEROUS, "biasa"],
            "Angka": [1.5, 2, 3, 4, 5, 6, 7, None],
            "Tanggal": [date(2023, 5, 12)] * 8,
            "Waktu": [datetime(2023, 5, 12, 8, 30, tzinfo=UTC)] * 8,
        }
    )
    workbook = load_workbook(io.BytesIO(workbook_bytes({"Hasil: 2023/S1": frame, "Kosong": frame.head(0)})))

    assert workbook.sheetnames == ["Hasil  2023 S1", "Kosong"]
    sheet = workbook["Hasil  2023 S1"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Teks", "Angka", "Tanggal", "Waktu")
    texts = [row[0] for row in rows[1:]]
    # XML stores a carriage return as a line feed; what matters is the apostrophe in front.
    assert texts == [("'" + text).replace("\r", "\n") for text in DANGEROUS] + ["biasa"]
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, 10))
    assert [row[1] for row in rows[1:]] == [1.5, 2, 3, 4, 5, 6, 7, None]
    assert rows[1][2] == datetime(2023, 5, 12)
    assert sheet.cell(row=2, column=3).number_format == "yyyy-mm-dd"
    assert rows[1][3] == datetime(2023, 5, 12, 8, 30)


def test_csv_neutralises_formulas_and_keeps_accents():
    frame = pd.DataFrame({"=Kolom": ["=1+1", "Sanga-Sanga", "Désa"], "Nilai": [1, -2, 3]})
    text = csv_bytes(frame).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["'=Kolom", "Nilai"], ["'=1+1", "1"], ["Sanga-Sanga", "-2"], ["Désa", "3"]]

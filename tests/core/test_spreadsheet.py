"""The one export helper: formulas neutralised (OWASP), text stays text in XLSX, numbers stay numbers,
characters XLSX cannot hold removed, and our quote undone when our own file is read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from biopark.core import spreadsheet

FORMULA = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(("text", "written"), [
    (FORMULA, "'" + FORMULA),
    ("+1+1", "'+1+1"),
    ("-1+2", "'-1+2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"),
    ("\r=x", "'\r=x"),
    ("'=x", "''=x"),  # already quoted once: one more quote, so restore() gives it back exactly
    ("'s-Hertogenbosch", "'s-Hertogenbosch"),
    ("a\x01b\x00c\x1fd", "abcd"),
    ("\x01=x", "'=x"),
    ("line one\nline two\tend", "line one\nline two\tend"),
    ("康诺亚", "康诺亚"),
    ("", ""),
])
def test_neutralise_and_restore(text, written):
    assert spreadsheet.neutralise(text) == written
    assert spreadsheet.restore(written) == spreadsheet.clean_text(text)


def test_cell_keeps_numbers_dates_and_none():
    assert spreadsheet.cell(-5) == -5 and spreadsheet.cell(Decimal("-12.50")) == Decimal("-12.50")
    assert spreadsheet.cell(-0.25) == -0.25 and spreadsheet.cell(True) is True and spreadsheet.cell(None) is None
    assert spreadsheet.cell(dt.date(2024, 1, 2)) == dt.date(2024, 1, 2)
    aware = dt.datetime(2024, 1, 2, 3, 4, tzinfo=dt.UTC)
    assert spreadsheet.cell(aware) == "2024-01-02T03:04:00+00:00"
    assert spreadsheet.cell(["=a", "b"]) == "'=a; b"


def test_number_or_text():
    assert [spreadsheet.number_or_text(v) for v in ["-3.5", "12", "-1e3", "-", "-1+2", "x", None, 4]] == [
        -3.5, 12, -1000.0, "-", "-1+2", "x", None, 4]


def test_csv_cells():
    text = spreadsheet.csv_text([["name", "amount"], [FORMULA, Decimal("-3.00")], ["+1+1\x01", -7]])
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "amount"], ["'" + FORMULA, "-3.00"], ["'+1+1", "-7"]]
    assert spreadsheet.csv_bytes([["甲"]]) == "\ufeff甲\r\n".encode()


def test_xlsx_text_is_never_a_formula_or_an_error():
    data = spreadsheet.xlsx_bytes({"s": [["name", "n"], [FORMULA, -5], ["#N/A", Decimal("-1.25")],
                                         ["bad\x01text", None]]})
    ws = load_workbook(io.BytesIO(data))["s"]
    a2, b2, a3, b3, a4 = ws["A2"], ws["B2"], ws["A3"], ws["B3"], ws["A4"]
    assert (a2.data_type, a2.value) == ("s", "'" + FORMULA)
    assert (b2.data_type, b2.value) == ("n", -5)
    assert (a3.data_type, a3.value) == ("s", "#N/A")
    assert (b3.data_type, b3.value) == ("n", -1.25)
    assert (a4.data_type, a4.value) == ("s", "badtext")
    assert ws["B4"].value is None


def test_xlsx_number_formats():
    workbook = spreadsheet.Workbook()
    workbook.sheet("s").append(["x", Decimal("2.5")], formats={1: "#,##0.00"})
    cell = load_workbook(io.BytesIO(workbook.to_bytes()))["s"]["B1"]
    assert (cell.value, cell.number_format) == (2.5, "#,##0.00")

"""Writing CSV and XLSX files that are safe to open in a spreadsheet: the one export helper.

Every CSV and XLSX the platform hands out (registry exports, statements, the portfolio, ranking runs) is
written through this module, because their cells hold text typed by other people:

- Formula injection (OWASP "CSV injection"): a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return is run as a formula by Excel and LibreOffice (``=HYPERLINK(…)`` leaks data when
  clicked). Such text is written with a leading single quote, which spreadsheets read as "this is text".
  Real numbers (int, float, Decimal) are not text and are written as numbers, so a negative amount stays
  a number. Text that already begins with quotes followed by one of those characters gets one more quote,
  so that ``restore`` (used when our own files are imported again) gives back exactly the original text.
- In XLSX every text cell is stored as a string (type ``s``), never as a formula or an error value,
  whatever it begins with.
- XLSX (XML) cannot hold control characters other than tab, line feed and carriage return: they are
  removed from text instead of failing the whole export. XLSX cells also hold at most 32,767 characters
  (openpyxl cuts longer text there).

This module imports no Django and no app: it only knows cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

# What makes a spreadsheet treat a cell as a formula (OWASP's list).
FORMULA_STARTS = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")
# The characters XML 1.0 (and so XLSX) cannot hold; the same set as openpyxl's ILLEGAL_CHARACTERS_RE.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_text(text: str) -> str:
    """Text without the control characters a spreadsheet cannot hold (tab and line breaks are kept)."""
    return _ILLEGAL.sub("", text)


def neutralise(text: str) -> str:
    """Text that a spreadsheet will show as text, never run as a formula."""
    text = clean_text(text)
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def restore(text: str) -> str:
    """The inverse of ``neutralise`` for text read back from one of our files: drop the quote it added.

    Only a quote followed by more quotes and then a formula character is one we may have added, so other
    text (``'s-Hertogenbosch``) is returned unchanged."""
    return text[1:] if _QUOTED.match(text) else text


_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def number_or_text(value: Any) -> Any:
    """For a column of numbers that may have been stored as text (iData read from CSV): "-3.5" becomes
    the number -3.5 (so it is written as a number, not as quoted text); anything else is left as it is."""
    if not isinstance(value, str) or len(value) > 100:
        return value
    text = value.strip()
    if not _NUMBER.match(text):
        return value
    return int(text) if text.lstrip("-").isdigit() else float(text)


def _text_of(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join("" if v is None else str(v) for v in value)
    return str(value)


def cell(value: Any) -> Any:
    """A value ready for a cell: numbers, booleans and naive dates as they are, None as None, anything
    else as neutralised text (lists joined with "; ")."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        # Excel has no time zones (openpyxl refuses aware datetimes): aware ones are written as ISO text.
        return value if value.tzinfo is None else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value
    return neutralise(_text_of(value))


# --- CSV ----------------------------------------------------------------------------------------


def _csv_cell(value: Any) -> str:
    value = cell(value)
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """Rows (the header first) as CSV text, every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV as UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly."""
    return ("\ufeff" + csv_text(rows)).encode("utf-8")


# --- XLSX ---------------------------------------------------------------------------------------


class Sheet:
    """One worksheet of a ``Workbook``; rows are appended in order."""

    def __init__(self, worksheet: Any) -> None:
        self._ws = worksheet

    def append(self, values: Sequence[Any] = (), *, formats: Mapping[int, str] | None = None) -> None:
        """Append a row; ``formats`` maps a 0-based column to a number format (e.g. ``"#,##0.00"``)."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ERROR_CODES

        cells: list[Any] = []
        for index, raw in enumerate(values):
            value = cell(raw)
            fmt = formats.get(index) if formats else None
            # openpyxl makes text beginning with "=" a formula (neutralised text never does) and "#N/A" and
            # the like error values: those, and cells with a number format, are written as explicit cells.
            # Plain values are appended as they are (a third faster on large exports).
            if fmt is None and not (isinstance(value, str) and (value in ERROR_CODES or value.startswith("="))):
                cells.append(value)
                continue
            written = WriteOnlyCell(self._ws, value=value)
            if isinstance(value, str):
                written.data_type = "s"
            if fmt is not None:
                written.number_format = fmt
            cells.append(written)
        self._ws.append(cells)


class Workbook:
    """A write-only XLSX workbook whose cells all go through ``cell``."""

    def __init__(self) -> None:
        from openpyxl import Workbook as OpenpyxlWorkbook

        self._wb = OpenpyxlWorkbook(write_only=True)

    def sheet(self, title: str) -> Sheet:
        # Sheet titles are ours (never user text), but Excel caps them at 31 characters.
        return Sheet(self._wb.create_sheet(title[:31]))

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self._wb.save(out)
        return out.getvalue()


def xlsx_bytes(sheets: Mapping[str, Iterable[Sequence[Any]]]) -> bytes:
    """A workbook with one sheet per (title, rows), every cell made safe."""
    workbook = Workbook()
    for title, rows in sheets.items():
        sheet = workbook.sheet(title)
        for row in rows:
            sheet.append(row)
    return workbook.to_bytes()

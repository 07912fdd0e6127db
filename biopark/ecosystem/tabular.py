"""Reading and writing registry tables as CSV, XLSX and JSON.

Rows come back with the line number a user sees in the file (the header is line 1 in CSV and XLSX;
JSON items are numbered from 1), so every error can name its row.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from biopark.core import spreadsheet
from biopark.core.errors import ValidationFailed
from biopark.core.uploads import megabytes
from biopark.ecosystem.fields import FIELD_LABELS

FORMATS = ("csv", "xlsx", "json")
MAX_XLSX_MEMBERS = 10_000  # a workbook has a few dozen parts; thousands are an attack on the reader


def max_rows() -> int:
    return int(getattr(settings, "BIOPARK_MAX_IMPORT_ROWS", 200_000))


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "BIOPARK_MAX_UNPACKED_BYTES", 256 * 1024 * 1024))


def _too_many_rows(limit: int) -> ValidationFailed:
    return ValidationFailed(
        gettext("the file has more than %(limit)s data rows; split it into files of at most %(limit)s rows")
        % {"limit": f"{limit:,}"},
        field="file",
    )


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]]  # (line number, values by column)


def detect_format(filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in FORMATS:
        raise ValidationFailed(
            gettext("Unsupported file type %(ext)s: use .csv, .xlsx or .json.") % {"ext": ext or "—"}, field="file"
        )
    return ext


def read_table(data: bytes, fmt: str, *, encoding: str = "utf-8") -> Table:
    """The table in `data`; ValidationFailed (field `file`) for an unreadable file, one that unpacks past
    BIOPARK_MAX_UNPACKED_BYTES (XLSX) or one with more than BIOPARK_MAX_IMPORT_ROWS data rows."""
    if fmt == "csv":
        table = _restored(_read_csv(data, encoding))
    elif fmt == "xlsx":
        table = _restored(_read_xlsx(data))
    elif fmt == "json":
        table = _read_json(data, encoding)
    else:
        raise ValidationFailed(gettext("Unsupported format %(fmt)s.") % {"fmt": fmt}, field="format")
    if len(table.rows) > max_rows():
        raise _too_many_rows(max_rows())
    return table


# The text encodings a spreadsheet or CSV comes in. Python knows others that are no file encoding at all
# ("undefined" always fails, "punycode" and "idna" are for host names, "unicode_escape" runs escapes).
TEXT_ENCODINGS = frozenset({
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030", "gbk", "gb2312", "big5",
    "big5hkscs", "hz", "iso2022-jp", "shift-jis", "euc-jp", "euc-kr", "cp949", "ascii", "iso8859-1",
    "iso8859-15", "cp1252", "cp1251", "cp1250", "mac-roman", "koi8-r",
})


def _codec(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding[:40]).name
    except (LookupError, ValueError) as exc:  # ValueError: a NUL in the name
        raise ValidationFailed(
            gettext("Unknown text encoding %(name)s.") % {"name": encoding[:40]}, field="encoding"
        ) from exc
    if name.replace("_", "-") not in TEXT_ENCODINGS:
        raise ValidationFailed(
            gettext("%(name)s is not a text file encoding.") % {"name": encoding[:40]}, field="encoding"
        )
    return "utf-8-sig" if name == "utf-8" else name


def _decode(data: bytes, encoding: str) -> str:
    codec = _codec(encoding)
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationFailed(
            gettext("Line %(line)s: the file is not valid %(encoding)s (byte 0x%(byte)s); save it as UTF-8, "
                    "or choose its encoding (GB18030, say).")
            % {"line": line, "encoding": encoding, "byte": f"{data[exc.start]:02x}"},
            field="file",
        ) from exc


# What the templates call the columns of a person's position (they are not fields of the person).
POSITION_LABELS: dict[str, Any] = {
    "title_zh": gettext_lazy("Position title (Chinese)"), "title_en": gettext_lazy("Position title (English)"),
    "organisation": gettext_lazy("Organisation"),
}


@lru_cache(maxsize=1)
def _columns_by_label() -> dict[str, str]:
    """A column named by its label (as the downloadable templates name them, in Chinese or English) is
    the field it labels."""
    found: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for name, label in {**FIELD_LABELS, **POSITION_LABELS}.items():
                found.setdefault(str(label).strip().lower(), name)
    return found


def column_name(cell: str) -> str:
    """The column code of a header cell: the code itself, or a field's label (a trailing "*", which the
    templates put on required columns, is ignored)."""
    text = cell.strip().rstrip("*").strip()
    return _columns_by_label().get(text.lower(), text)


def _clean_header(header: Iterable[Any]) -> list[str]:
    columns = [column_name(str(h)) if h is not None else "" for h in header]
    seen: set[str] = set()
    for index, col in enumerate(columns, start=1):
        if not col:
            raise ValidationFailed(gettext("Line 1: column %(n)s has no name.") % {"n": index}, field="file")
        if col in seen:
            raise ValidationFailed(gettext("Line 1: column %(name)s appears twice.") % {"name": col}, field="file")
        seen.add(col)
    return columns


def _read_csv(data: bytes, encoding: str) -> Table:
    text = _decode(data, encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationFailed(gettext("The file is empty: it has no header row."), field="file") from None
    except csv.Error as exc:
        raise ValidationFailed(gettext("Line %(line)s: not a readable CSV file.") % {"line": 1}, field="file") from exc
    columns = _clean_header(header)
    rows = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(columns):
                raise ValidationFailed(
                    gettext("Line %(line)s: %(cells)s cells but the header has %(columns)s columns.")
                    % {"line": line, "cells": len(values), "columns": len(columns)},
                    field="file",
                )
            rows.append((line, {c: (values[i] if i < len(values) else "") for i, c in enumerate(columns)}))
    except csv.Error as exc:
        raise ValidationFailed(
            gettext("Line %(line)s: not a readable CSV file.") % {"line": reader.line_num}, field="file"
        ) from exc
    return Table(columns, rows)


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a workbook whose parts unpack to more than the limit, before anything unpacks them.

    The sizes come from the zip's directory; Python's zipfile never returns more bytes than a part
    declares (a part that claims less than it holds fails its checksum), so the sum bounds what openpyxl
    can be made to read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationFailed(gettext("not a readable XLSX workbook"), field="file") from exc
    limit = max_unpacked_bytes()
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limit or len(parts) > MAX_XLSX_MEMBERS:
        raise ValidationFailed(
            gettext("the workbook unpacks to %(size)s MB; the limit is %(limit)s MB")
            % {"size": megabytes(unpacked), "limit": megabytes(limit)},
            field="file",
        )


# What a damaged workbook raises while openpyxl reads it: a bad zip or checksum, a broken deflate stream,
# malformed XML (ParseError is a SyntaxError), a missing part, values it cannot convert.
_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, IndexError, OSError, ValueError, SyntaxError)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _UNREADABLE as exc:
        raise ValidationFailed(gettext("not a readable XLSX workbook"), field="file") from exc
    try:
        # Read-only workbooks parse each sheet while it is iterated: damage shows here too.
        return _read_sheet(workbook.worksheets[0])
    except _UNREADABLE as exc:
        raise ValidationFailed(gettext("not a readable XLSX workbook"), field="file") from exc
    finally:
        workbook.close()


def _read_sheet(sheet: Any) -> Table:
    limit = max_rows()
    iterator = sheet.iter_rows(values_only=True)
    header = next(iterator, None)
    if header is None:
        raise ValidationFailed(gettext("The workbook's first sheet is empty: it has no header row."), field="file")
    while header and header[-1] is None:
        header = header[:-1]
    columns = _clean_header(header)
    rows: list[tuple[int, dict[str, Any]]] = []
    for line, values in enumerate(iterator, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(rows) >= limit:
            raise _too_many_rows(limit)
        extra = [v for v in values[len(columns) :] if v not in (None, "")]
        if extra:
            raise ValidationFailed(
                gettext("Line %(line)s: a value stands outside the header's columns.") % {"line": line}, field="file"
            )
        rows.append((line, {c: _cell(values[i] if i < len(values) else None) for i, c in enumerate(columns)}))
    return Table(columns, rows)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value


def _read_json(data: bytes, encoding: str) -> Table:
    text = _decode(data, encoding)
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(gettext("Line %(line)s: not valid JSON.") % {"line": exc.lineno}, field="file") from exc
    if isinstance(payload, dict) and isinstance(payload.get("records"), list):
        payload = payload["records"]
    if not isinstance(payload, list):
        raise ValidationFailed(gettext('JSON must be a list of records, or {"records": [...]}.'), field="file")
    columns: dict[str, None] = {}
    rows = []
    for number, item in enumerate(payload, start=1):
        if not isinstance(item, dict):
            raise ValidationFailed(
                gettext("Item %(n)s: a record must be a JSON object.") % {"n": number}, field="file"
            )
        for key in item:
            columns.setdefault(str(key), None)
        rows.append((number, {str(k): ("" if v is None else v) for k, v in item.items()}))
    return Table(list(columns), rows)


def _restored(table: Table) -> Table:
    """Undo the export helper's formula quote, so that a file we exported imports back unchanged (and a
    leading quote typed before "=" in a spreadsheet means "text", as it does there). JSON is not quoted."""
    for _line, values in table.rows:
        for column, value in values.items():
            if isinstance(value, str):
                values[column] = spreadsheet.restore(value)
    return table


def write_table(columns: list[str], records: Iterable[dict[str, Any]], fmt: str) -> bytes:
    """Records as a file. CSV and XLSX go through the one export helper (formulas neutralised, characters a
    spreadsheet cannot hold removed); JSON is data, written as it is."""
    if fmt == "json":
        return json.dumps({"records": list(records)}, ensure_ascii=False, indent=1, default=str).encode()
    rows = ([record.get(c) for c in columns] for record in records)
    if fmt == "csv":
        return spreadsheet.csv_bytes([columns, *rows])
    if fmt == "xlsx":
        return spreadsheet.xlsx_bytes({"records": [columns, *rows]})
    raise ValidationFailed(gettext("Unsupported format %(fmt)s.") % {"fmt": fmt}, field="format")

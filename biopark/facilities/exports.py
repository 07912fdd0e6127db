"""Statements as CSV and XLSX, written through the one export helper (``biopark.core.spreadsheet``: no
formula runs from a project or user name); amounts stay exact decimals and numbers."""

from __future__ import annotations

from biopark.core import spreadsheet
from biopark.facilities.selectors import Statement

HEADER = [
    "date", "platform", "resource", "project", "user", "start", "end", "quantity", "rate", "price_unit",
    "unit_price", "billed_units", "amount", "currency",
]


def _rows(st: Statement) -> list[list[object]]:
    return [
        [
            line.date.isoformat(), line.platform, line.resource, line.project, line.user,
            line.start.strftime("%Y-%m-%d %H:%M"), line.end.strftime("%Y-%m-%d %H:%M"), line.quantity, line.rate,
            line.price_unit, line.unit_price, line.billed_units, line.amount, line.currency,
        ]
        for line in st.lines
    ]


MONEY = "#,##0.00"


def _totals(st: Statement) -> list[list[object]]:
    return [["total", "", "", "", "", "", "", "", "", "", "", "", total, currency]
            for currency, total in sorted(st.totals.items())]


def statement_csv(st: Statement) -> str:
    return spreadsheet.csv_text([HEADER, *_rows(st), *_totals(st)])


def statement_xlsx(st: Statement) -> bytes:
    workbook = spreadsheet.Workbook()
    sheet = workbook.sheet(f"{st.year}-{st.month:02d}")
    sheet.append([f"Statement {st.year}-{st.month:02d}", str(st.organisation)])
    sheet.append(HEADER)
    for row in _rows(st):
        sheet.append(row, formats={10: MONEY, 12: MONEY})  # unit price, amount: two decimals
    for row in _totals(st):
        sheet.append(row, formats={12: MONEY})
    return workbook.to_bytes()

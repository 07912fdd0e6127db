"""Statements as CSV and XLSX (openpyxl); amounts stay exact decimals."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

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


def statement_csv(st: Statement) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    for row in _rows(st):
        writer.writerow([str(v) for v in row])
    for currency, total in sorted(st.totals.items()):
        writer.writerow(["total", "", "", "", "", "", "", "", "", "", "", "", str(total), currency])
    return buf.getvalue()


def statement_xlsx(st: Statement) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"{st.year}-{st.month:02d}"
    ws.append([f"Statement {st.year}-{st.month:02d}", str(st.organisation)])
    ws.append(HEADER)
    for row in _rows(st):
        ws.append(row)
        for col in (11, 13):  # unit price, amount: two decimals
            ws.cell(row=ws.max_row, column=col).number_format = "#,##0.00"
    for currency, total in sorted(st.totals.items()):
        ws.append(["total", "", "", "", "", "", "", "", "", "", "", "", total, currency])
        ws.cell(row=ws.max_row, column=13).number_format = "#,##0.00"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

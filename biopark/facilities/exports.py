"""Statements as CSV and XLSX, written through the one export helper (``biopark.core.spreadsheet``: no
formula runs from a project or user name); amounts stay exact decimals and numbers. Headers, price classes and
price units are written in the reader's language; the currency stays its ISO code, next to the exact amount."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biopark.core import spreadsheet
from biopark.facilities.selectors import Statement

HEADER = [
    gettext_lazy("date"), gettext_lazy("platform"), gettext_lazy("resource"), gettext_lazy("project"),
    gettext_lazy("user"), gettext_lazy("start"), gettext_lazy("end"), gettext_lazy("quantity"),
    gettext_lazy("price class"), gettext_lazy("price unit"), gettext_lazy("unit price"),
    gettext_lazy("billed units"), gettext_lazy("amount"), gettext_lazy("currency"),
]


def _header() -> list[object]:
    return [str(h) for h in HEADER]


def _rows(st: Statement) -> list[list[object]]:
    return [
        [
            line.date.isoformat(), line.platform, line.resource, line.project, line.user,
            line.start.strftime("%Y-%m-%d %H:%M"), line.end.strftime("%Y-%m-%d %H:%M"), line.quantity,
            line.rate_label, line.price_unit_label, line.unit_price, line.billed_units, line.amount, line.currency,
        ]
        for line in st.lines
    ]


MONEY = "#,##0.00"


def _totals(st: Statement) -> list[list[object]]:
    return [[_("total"), "", "", "", "", "", "", "", "", "", "", "", total, currency]
            for currency, total in sorted(st.totals.items())]


def statement_csv(st: Statement) -> str:
    return spreadsheet.csv_text([_header(), *_rows(st), *_totals(st)])


def statement_xlsx(st: Statement) -> bytes:
    workbook = spreadsheet.Workbook()
    sheet = workbook.sheet(f"{st.year}-{st.month:02d}")
    sheet.append([_("Statement %(month)s") % {"month": f"{st.year}-{st.month:02d}"}, str(st.organisation)])
    sheet.append(_header())
    for row in _rows(st):
        sheet.append(row, formats={10: MONEY, 12: MONEY})  # unit price, amount: two decimals
    for row in _totals(st):
        sheet.append(row, formats={12: MONEY})
    return workbook.to_bytes()

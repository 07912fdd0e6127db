"""Statements are safe to open in a spreadsheet (issue 9, item 7): a project label typed as a formula stays
quoted text, a control character no longer breaks the XLSX, and amounts (negative ones too) stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from biopark.facilities import services, usage
from biopark.facilities.exports import statement_csv, statement_xlsx
from biopark.facilities.selectors import Statement, StatementLine
from tests.facilities.conftest import NOW

FORMULA = '=HYPERLINK("http://x","y")'
H = dt.timedelta(hours=1)


def _statement(organisation) -> Statement:
    line = StatementLine(
        date=dt.date(2030, 3, 4), resource="+1+1", platform="@platform", project=FORMULA + "\x01", user="-me",
        start=dt.datetime(2030, 3, 4, 9), end=dt.datetime(2030, 3, 4, 10), quantity=1, rate="member",
        price_unit="hour", unit_price=Decimal("-20.00"), billed_units=Decimal("1"), amount=Decimal("-20.00"),
        currency="CNY",
    )
    return Statement(organisation=organisation, year=2030, month=3, lines=[line], totals={"CNY": Decimal("-20.00")})


def test_statement_csv_and_xlsx_cells(roles):
    st = _statement(roles["enterprise"])
    rows = list(csv.reader(io.StringIO(statement_csv(st))))
    assert rows[1][1:5] == ["'@platform", "'+1+1", "'" + FORMULA, "'-me"]
    assert rows[1][10:] == ["-20.00", "1", "-20.00", "CNY"] and rows[2][12] == "-20.00"
    ws = load_workbook(io.BytesIO(statement_xlsx(st))).active
    cells = {c.column_letter: c for c in ws[3]}
    assert [(cells[k].data_type, cells[k].value) for k in "BCDE"] == [
        ("s", "'@platform"), ("s", "'+1+1"), ("s", "'" + FORMULA), ("s", "'-me")]
    assert (cells["M"].data_type, cells["M"].value, cells["M"].number_format) == ("n", -20, "#,##0.00")
    assert (ws["M4"].data_type, ws["M4"].value) == ("n", -20)


@pytest.mark.django_db
def test_statement_export_pages_with_a_hostile_project_label(client, fac):
    booking = services.booking_create(actor=fac["member"], resource=fac["resource"], start=NOW + 2 * H,
                                      end=NOW + 3 * H, now=NOW, project_label=FORMULA + "\x01")
    usage.usage_record(actor=fac["users"]["platform_manager"], booking=booking)
    client.force_login(fac["member"])
    base = f"/facilities/statements/{fac['enterprise'].pk}/2030-03"
    resp = client.get(f"{base}.xlsx")
    assert resp.status_code == 200
    project = load_workbook(io.BytesIO(resp.content)).active["D3"]
    assert (project.data_type, project.value) == ("s", "'" + FORMULA)
    resp = client.get(f"{base}.csv")
    assert resp.status_code == 200
    assert list(csv.reader(io.StringIO(resp.content.decode())))[1][3] == "'" + FORMULA

"""A run's workbook is safe to open (issue 9, item 7): unit names typed as formulas are quoted text, iData
numbers read from CSV (text) are written as numbers, negative ones included."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from biopark.accounts.policy import SYSTEM
from biopark.rankings import exports
from biopark.rankings.services import run_create
from tests.rankings.helpers import make_external

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'


def test_run_workbook_cells(roles):
    idata = [  # as csv.DictReader gives them (rankings-run --idata): every cell is text
        {"uCode": "P1", "uName": FORMULA, "a1": "-10", "a2": "1", "b1": "4"},
        {"uCode": "P2", "uName": "+1+1\x01", "a1": "20", "a2": "3.5", "b1": "2"},
        {"uCode": "P3", "uName": "Park three", "a1": "30", "a2": "2", "b1": "0"},
    ]
    run = run_create(actor=SYSTEM, framework=make_external(SYSTEM), idata=idata)
    wb = load_workbook(io.BytesIO(exports.run_workbook(run)))
    names = {r[0].value: r[1] for r in wb["ranking"].iter_rows(min_row=3)}
    assert (names["P1"].data_type, names["P1"].value) == ("s", "'" + FORMULA)
    assert (names["P2"].data_type, names["P2"].value) == ("s", "'+1+1")
    rows = list(wb["iData"].iter_rows(values_only=True))
    assert rows == [("uCode", "uName", "a1", "a2", "b1"), ("P1", "'" + FORMULA, -10, 1, 4),
                    ("P2", "'+1+1", 20, 3.5, 2), ("P3", "Park three", 30, 2, 0)]
    assert not [c for ws in wb for r in ws.iter_rows() for c in r if c.data_type == "f"]

"""A run's workbook is safe to open (issue 9, item 7): unit names typed as formulas are quoted text, iData
numbers read from CSV (text) are written as numbers, negative ones included."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
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
    names = {r[0].value: r[1] for r in wb["排名"].iter_rows(min_row=3)}
    assert (names["P1"].data_type, names["P1"].value) == ("s", "'" + FORMULA)
    assert (names["P2"].data_type, names["P2"].value) == ("s", "'+1+1")
    rows = list(wb["iData"].iter_rows(values_only=True))
    assert rows == [("uCode", "uName", "a1", "a2", "b1"), ("P1", "'" + FORMULA, -10, 1, 4),
                    ("P2", "'+1+1", 20, 3.5, 2), ("P3", "Park three", 30, 2, 0)]
    assert not [c for ws in wb for r in ws.iter_rows() for c in r if c.data_type == "f"]


def _headers(run, language: str) -> dict[str, list[tuple[object, ...]]]:
    """Each sheet's title with its first row, and the about sheet's label column, as read in `language`."""
    with translation.override(language):
        wb = load_workbook(io.BytesIO(exports.run_workbook(run)))
    found = {ws.title: [next(ws.iter_rows(max_row=1, values_only=True))] for ws in wb}
    found["labels"] = [tuple(r[0] for r in wb.worksheets[0].iter_rows(values_only=True))]
    return found


def test_run_workbook_headers_follow_the_language(roles):
    idata = [{"uCode": "P1", "uName": "Park one", "a1": "1", "a2": "2", "b1": "3"},
             {"uCode": "P2", "uName": "Park two", "a1": "2", "a2": "1", "b1": "4"}]
    run = run_create(actor=SYSTEM, framework=make_external(SYSTEM), idata=idata)
    zh, en = _headers(run, "zh-hans"), _headers(run, "en")
    assert list(zh) == ["说明", "排名", "优势与短板", "iData", "iMeta", "recipe", "labels"]
    assert list(en) == ["about", "ranking", "strengths and weaknesses", "iData", "iMeta", "recipe", "labels"]
    assert zh["labels"] == [("评价框架", "名称", "版本", "计算", "年份", "状态", "评价单元数", "来源")]
    assert en["labels"] == [("framework", "name", "version", "run", "year", "status", "units", "credit")]
    assert zh["排名"][0][:4] == ("单元代码", "名称", f"{run.codes[0]} 得分", f"{run.codes[0]} 排名")
    assert en["ranking"][0][:4] == ("unit code", "name", f"{run.codes[0]} score", f"{run.codes[0]} rank")
    assert zh["优势与短板"] == [("单元代码", "类型", "指标代码", "名称", "排名")]
    assert en["strengths and weaknesses"] == [("unit code", "kind", "indicator code", "name", "rank")]
    # The exact inputs keep the input format's own column codes in both languages, so they run again as they are.
    assert zh["iData"] == en["iData"] == [("uCode", "uName", "a1", "a2", "b1")]

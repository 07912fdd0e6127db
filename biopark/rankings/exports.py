"""XLSX export of a run: rankings, uncertainty, strengths and weaknesses, and the exact inputs. Written
through the one export helper (``biopark.core.spreadsheet``): unit and indicator names stay text."""

from __future__ import annotations

import json

from django.http import HttpResponse

from biopark.core import spreadsheet
from biopark.rankings import selectors
from biopark.rankings.models import Run, RunScore

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def run_workbook(run: Run) -> bytes:
    wb = spreadsheet.Workbook()
    about = wb.sheet("about")
    about.append(["framework", run.framework.key])
    about.append(["name", run.framework.name_zh, run.framework.name_en])
    about.append(["version", run.version.number])
    about.append(["run", run.pk])
    about.append(["year", run.year])
    about.append(["status", run.status])
    about.append(["units", run.n_units])
    about.append(["credit", run.framework.credit])
    if run.synthetic:
        about.append(["data", "synthetic / 虚构示例数据: fictional parks, not real data"])
    names = selectors.node_names(run.imeta, run.framework)
    sheet = wb.sheet("ranking")
    sheet.append(["unit", "name", *[h for c in run.codes for h in (f"{c} score", f"{c} rank")]])
    sheet.append(["", "", *[h for c in run.codes for h in (names.get(c, c), "")]])
    by_unit: dict[str, dict[str, RunScore]] = {}
    for s in RunScore.objects.filter(run=run):
        by_unit.setdefault(s.unit_code, {})[s.code] = s
    top = run.codes[0] if run.codes else ""
    for unit in sorted(by_unit, key=lambda u: (by_unit[u][top].rank or 10**9, u) if top else (0, u)):
        scores = by_unit[unit]
        first = next(iter(scores.values()))
        cells: list[object] = [unit, first.unit_name]
        for code in run.codes:
            found = scores.get(code)
            cells.extend([found.score if found else None, found.rank if found else None])
        sheet.append(cells)
    if run.uncertainty:
        unc = wb.sheet("uncertainty")
        unc.append(["uCode", "nominal_rank", "median_rank", "p05_rank", "p95_rank", "mean_rank"])
        for row in run.uncertainty["rows"]:
            unc.append([row["uCode"], row["nominal_rank"], row["median_rank"], row["p05_rank"], row["p95_rank"],
                        row["mean_rank"]])
    sw = wb.sheet("strengths_weaknesses")
    sw.append(["unit", "kind", "code", "name", "rank"])
    for unit, profile in run.strengths.items():
        for kind in ("strengths", "weaknesses"):
            for code, rank in profile[kind]:
                sw.append([unit, kind[:-1], code, names.get(code, code), rank])
    idata = wb.sheet("iData")
    columns: list[str] = list(run.idata_columns)
    for row in run.idata:
        columns.extend(k for k in row if k not in columns)
    idata.append(columns)
    for row in run.idata:
        # iData read from CSV holds numbers as text: write them as numbers, not as quoted text.
        idata.append([spreadsheet.number_or_text(row.get(c)) for c in columns])
    imeta = wb.sheet("iMeta")
    meta_cols = ["Level", "iCode", "iName", "Direction", "Weight", "Unit", "Target", "Denominator", "Parent", "Type"]
    imeta.append(meta_cols)
    for row in run.imeta:
        imeta.append([row.get(c) for c in meta_cols])
    recipe = wb.sheet("recipe")
    recipe.append([json.dumps(run.recipe, ensure_ascii=False)])
    return wb.to_bytes()


def xlsx_response(run: Run) -> HttpResponse:
    response = HttpResponse(run_workbook(run), content_type=XLSX)
    name = f"{run.framework.key}-run{run.pk}" + (f"-{run.year}" if run.year else "")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response

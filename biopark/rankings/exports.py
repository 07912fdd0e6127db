"""XLSX export of a run: rankings, uncertainty, strengths and weaknesses, and the exact inputs. Written
through the one export helper (``biopark.core.spreadsheet``): unit and indicator names stay text.

The sheets a person reads (about, ranking, uncertainty, strengths and weaknesses) follow the request's language;
the exact inputs (iData, iMeta, recipe) keep the input format's own column codes so they can be run again."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils.translation import get_language, pgettext

from biopark.core import spreadsheet
from biopark.core.formatting import ZH, lang_of
from biopark.rankings import selectors
from biopark.rankings.models import Run, RunScore

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _w(text: str) -> str:
    """A workbook word, kept apart from the pages' words of the same spelling by its context."""
    return pgettext("workbook", text)


def run_workbook(run: Run) -> bytes:
    wb = spreadsheet.Workbook()
    zh = lang_of(get_language()) == ZH
    about = wb.sheet(_w("about"))
    about.append([_w("framework"), run.framework.key])
    name = (run.framework.name_zh or run.framework.name_en) if zh else (run.framework.name_en or run.framework.name_zh)
    about.append([_w("name"), name])
    about.append([_w("version"), run.version.number])
    about.append([_w("run"), run.pk])
    about.append([_w("year"), run.year])
    about.append([_w("status"), str(Run.Status(run.status).label) if run.status in Run.Status.values else run.status])
    about.append([_w("units"), run.n_units])
    about.append([_w("credit"), run.framework.credit])
    if run.synthetic:
        about.append([_w("data"), _w("synthetic: fictional parks, not real data")])
    names = selectors.node_names(run.imeta, run.framework)
    sheet = wb.sheet(_w("ranking"))
    sheet.append([_w("unit code"), _w("name"), *[
        h for c in run.codes for h in (_w("%(code)s score") % {"code": c}, _w("%(code)s rank") % {"code": c})]])
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
        unc = wb.sheet(_w("uncertainty"))
        unc.append([_w("unit code"), _w("nominal rank"), _w("median rank"), _w("5th percentile rank"),
                    _w("95th percentile rank"), _w("mean rank")])
        for row in run.uncertainty["rows"]:
            unc.append([row["uCode"], row["nominal_rank"], row["median_rank"], row["p05_rank"], row["p95_rank"],
                        row["mean_rank"]])
    sw = wb.sheet(_w("strengths and weaknesses"))
    sw.append([_w("unit code"), _w("kind"), _w("indicator code"), _w("name"), _w("rank")])
    kinds = {"strengths": _w("strength"), "weaknesses": _w("weakness")}
    for unit, profile in run.strengths.items():
        for kind in ("strengths", "weaknesses"):
            for code, rank in profile[kind]:
                sw.append([unit, kinds[kind], code, names.get(code, code), rank])
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

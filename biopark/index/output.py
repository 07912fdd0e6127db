"""Writing a build to CSV files."""

from __future__ import annotations

import csv
import math
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from biopark.index.analysis import pca_unavailable
from biopark.index.build import BuildResult
from biopark.index.pipeline import STAGES

MISSING = "NA"  # as R writes it, so COINr users can read the files back unchanged


def _cell(value: object) -> str:
    if value is None:
        return MISSING
    if isinstance(value, float):
        # repr() is the shortest text that reads back to the identical double.
        return MISSING if math.isnan(value) else repr(value)
    return str(value)


def _write(path: Path, header: Sequence[str], rows: Iterable[Mapping[str, object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(row.get(h)) for h in header])


def write_build(result: BuildResult, out_dir: str | Path) -> list[Path]:
    """Write a build's CSV files into ``out_dir`` (created if needed) and return their paths.

    Files: ``denominated.csv``, ``imputed.csv``, ``screened.csv``, ``treated.csv``, ``normalised.csv``,
    ``aggregated.csv`` (``uCode`` plus one column per indicator/aggregate; a step absent from the recipe
    gets its input data set, passed through unchanged), ``results.csv`` (one row per aggregate and unit:
    iCode, Level, uCode, uName, score, rank), ``treatment.csv`` when there is a treat step, and
    ``uncertainty.csv`` / ``sensitivity.csv`` when the recipe asks for them. Missing values are ``NA``.
    The analysis files: ``weights.csv`` (weight and effective weight of every node), ``correlations.csv``
    (Pearson matrix of the aggregated data set), ``parent_correlations.csv``, ``cronbach.csv`` (alpha of each
    aggregate's children), ``pca_weights.csv`` (first-component loadings per group of indicators) and
    ``strengths_weaknesses.csv`` (each unit's strengths and weaknesses as COINr's ``get_str_weak`` with
    its defaults: raw data, directions applied, five each, COINr's table columns), and ``warnings.csv``
    (table, group, reason) listing analysis tables that could not be computed for a group (such a group
    appears in its table with ``NA`` values and the reason in the ``unavailable`` column; the build and
    the other groups are unaffected).

    Files are first written to a temporary directory next to ``out_dir`` and moved in at the end, so a
    failure part-way leaves no partial output.
    """
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        names: list[str] = []
        for stage in STAGES:
            data = result.datasets[stage]
            _write(staging / f"{stage}.csv", ["uCode", *data.codes], data.rows())
            names.append(f"{stage}.csv")
        _write(staging / "results.csv", ["iCode", "Level", "uCode", "uName", "score", "rank"],
               result.results.rows())
        names.append("results.csv")
        if result.recipe.step("treat") is not None:
            _write(staging / "treatment.csv",
                   ["iCode", "Low", "High", "Treatment", "skew", "kurtosis", "passed"],
                   ({"iCode": r.code, "Low": r.low, "High": r.high, "Treatment": r.treatment,
                     "skew": r.skew, "kurtosis": r.kurtosis, "passed": r.passed} for r in result.treat_summary))
            names.append("treatment.csv")
        if result.uncertainty is not None:
            _write(staging / "uncertainty.csv",
                   ["uCode", "nominal_rank", "median_rank", "p05_rank", "p95_rank", "mean_rank"],
                   result.uncertainty.rows())
            names.append("uncertainty.csv")
        if result.sensitivity is not None:
            columns = ["factor", "first_order", "total_order"]
            if result.sensitivity.bootstrap:
                columns += ["first_q05", "first_q95", "total_q05", "total_q95"]
            _write(staging / "sensitivity.csv", columns, result.sensitivity.rows())
            names.append("sensitivity.csv")
        names.extend(_write_analysis(result, staging))
        out.mkdir(exist_ok=True)
        written = []
        for name in names:
            os.replace(staging / name, out / name)
            written.append(out / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_analysis(result: BuildResult, staging: Path) -> list[str]:
    """The analysis tables COINr users look at after a build; returns the file names written."""
    fw = result.input.framework
    effective = result.effective_weights()
    _write(staging / "weights.csv", ["iCode", "Level", "Parent", "weight", "effective_weight"],
           ({"iCode": c, "Level": fw.levels[c], "Parent": fw.parents.get(c) or "", "weight": result.weights.get(c),
             "effective_weight": effective.get(c)} for c in (*fw.indicators, *fw.aggregates)))
    codes, matrix = result.correlations()
    _write(staging / "correlations.csv", ["iCode", *codes],
           ({"iCode": a, **{b: float(matrix[i, j]) for j, b in enumerate(codes)}} for i, a in enumerate(codes)))
    _write(staging / "parent_correlations.csv", ["iCode", "Parent", "correlation"],
           ({"iCode": c, "Parent": fw.parents[c], "correlation": r} for c, r in result.parent_correlations().items()))
    _write(staging / "cronbach.csv", ["iCode", "cronbach_alpha"],
           ({"iCode": c, "cronbach_alpha": a} for c, a in result.cronbach_alpha().items()))
    pca = result.pca_weights(level=1, dataset="normalised")
    _write(staging / "pca_weights.csv", ["Parent", "iCode", "loading", "variance_explained", "unavailable"],
           ({"Parent": g.parent, "iCode": code, "loading": load, "variance_explained": g.variance_explained,
             "unavailable": g.unavailable}
            for g in pca.values()
            for code, load in (zip(g.codes, g.loadings, strict=True) if not g.unavailable
                               else ((c, None) for c in g.codes))))
    _write(staging / "warnings.csv", ["table", "group", "reason"],
           ({"table": w.table, "group": w.group, "reason": w.reason} for w in pca_unavailable(pca)))
    _write(staging / "strengths_weaknesses.csv",
           ["uCode", "kind", "position", "iCode", "iName", "group", "rank", "value", "unit"],
           ({"uCode": p.unit, "kind": kind, "position": i, "iCode": r.code, "iName": r.name, "group": r.group,
             "rank": r.rank, "value": r.value, "unit": r.unit}
            for p in result.strengths_weaknesses().values()
            for kind, rows in (("strength", p.strength_rows), ("weakness", p.weakness_rows))
            for i, r in enumerate(rows, start=1)))
    return ["weights.csv", "correlations.csv", "parent_correlations.csv", "cronbach.csv", "pca_weights.csv",
            "strengths_weaknesses.csv", "warnings.csv"]

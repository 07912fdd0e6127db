"""The bridge between stored JSON inputs and the pure index engine (biopark.index)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from biopark.core.errors import ValidationFailed
from biopark.index import (
    BuildResult,
    IndexInput,
    IndexInputError,
    Recipe,
    build,
    input_from_rows,
    load_recipe,
)

IDATA_IDS = ("uCode", "uName", "Time")


def field_of(message: str) -> str:
    """Which input an engine error is about, for the error's ``field``."""
    lower = message.lower()
    if lower.startswith("idata"):
        return "idata"
    if lower.startswith("imeta"):
        return "imeta"
    if lower.startswith("recipe"):
        return "recipe"
    return "data"


def engine_error(exc: IndexInputError) -> ValidationFailed:
    message = str(exc)
    return ValidationFailed(f"index engine: {message}", field=field_of(message))


def parse_recipe(recipe: Mapping[str, Any]) -> Recipe:
    if not isinstance(recipe, Mapping):
        raise ValidationFailed("recipe: expected a mapping with a 'steps' list", field="recipe")
    try:
        return load_recipe(recipe)
    except IndexInputError as exc:
        raise engine_error(exc) from None


def check_imeta(imeta: Sequence[Mapping[str, Any]]) -> None:
    """Validate iMeta rows on their own (hierarchy, directions, weights) with an empty data table."""
    if not isinstance(imeta, Sequence) or not imeta or not all(isinstance(r, Mapping) for r in imeta):
        raise ValidationFailed("imeta: expected a non-empty list of rows", field="imeta")
    columns = [str(r.get("iCode", "")) for r in imeta if r.get("Type") in ("Indicator", "Group", "Denominator")]
    blank = {"uCode": "x", **{c: "" for c in columns if c}}
    try:
        input_from_rows([blank], list(imeta), idata_columns=["uCode", *[c for c in columns if c]])
    except IndexInputError as exc:
        raise engine_error(exc) from None


def column_order(idata: Sequence[Mapping[str, Any]]) -> list[str]:
    columns: list[str] = []
    for row in idata:
        for key in row:
            if key not in columns:
                columns.append(key)
    return columns


def make_input(idata: Sequence[Mapping[str, Any]], imeta: Sequence[Mapping[str, Any]],
               columns: Sequence[str] | None = None) -> IndexInput:
    columns = list(columns) if columns else []
    for row in idata:
        for key in row:
            if key not in columns:
                columns.append(key)
    try:
        return input_from_rows(list(idata), list(imeta), idata_columns=columns or None)
    except IndexInputError as exc:
        raise engine_error(exc) from None


def build_stored(idata: Sequence[Mapping[str, Any]], imeta: Sequence[Mapping[str, Any]],
                 recipe: Mapping[str, Any], columns: Sequence[str] | None = None) -> BuildResult:
    """Build from stored rows; engine errors become ValidationFailed naming the problem (422)."""
    inp = make_input(idata, imeta, columns)
    parsed = parse_recipe(recipe)
    try:
        return build(inp, parsed)
    except IndexInputError as exc:
        raise engine_error(exc) from None


def plain(value: float) -> float | None:
    """A float for JSON: NaN becomes None."""
    return None if value is None or math.isnan(value) else float(value)


def summarise(result: BuildResult) -> dict[str, Any]:
    """What a run stores besides its inputs: scores and ranks, uncertainty, sensitivity, strengths."""
    res = result.results
    scores: list[dict[str, Any]] = []
    for j, code in enumerate(res.codes):
        for i, unit in enumerate(res.units):
            rank = res.ranks[i, j]
            scores.append({"code": code, "level": res.levels[j], "unit": unit, "name": res.unit_names[i],
                           "score": plain(float(res.scores[i, j])),
                           "rank": None if math.isnan(rank) else int(rank)})
    uncertainty = None
    if result.uncertainty is not None:
        u = result.uncertainty
        uncertainty = {"target": u.target, "replications": u.replications, "failed": u.failed,
                       "rows": [{k: (plain(v) if isinstance(v, float) else v) for k, v in row.items()}
                                for row in u.rows()]}
    sensitivity = None
    if result.sensitivity is not None:
        s = result.sensitivity
        sensitivity = {"target": s.target, "runs": s.runs, "failed": s.failed,
                       "rows": [{k: (plain(v) if isinstance(v, float) else v) for k, v in row.items()}
                                for row in s.rows()]}
    strengths = {unit: {"strengths": [list(x) for x in p.strengths], "weaknesses": [list(x) for x in p.weaknesses]}
                 for unit, p in result.strengths_weaknesses(top_n=5).items()}
    warnings = [{"table": w.table, "group": w.group, "reason": w.reason} for w in result.analysis_warnings()]
    return {"codes": list(res.codes), "scores": scores, "uncertainty": uncertainty, "sensitivity": sensitivity,
            "strengths": strengths, "n_units": len(res.units), "warnings": warnings}

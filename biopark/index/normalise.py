"""Normalisation methods (COINr's ``n_*`` functions), applied column-wise after direction adjustment."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from biopark.index.dataset import Dataset, FloatArray
from biopark.index.errors import IndexInputError
from biopark.index.recipe import NormaliseSpec
from biopark.index.stats import rank_ascending

# Methods that divide by a spread and so cannot handle a constant indicator.
NEEDS_SPREAD = ("minmax", "zscore", "dist2max")


def _spread_error(method: str, code: str, value: float) -> IndexInputError:
    return IndexInputError(
        f"normalise ({method}): indicator {code} has zero variance (every value is {value:g}); "
        "drop it, or use a method that does not need spread (e.g. rank or goalposts)"
    )


def normalise_column(x: FloatArray, code: str, direction: int, spec: NormaliseSpec,
                     target: float = math.nan, ref_row: int | None = None) -> FloatArray:
    """Normalise one indicator column (NaN kept). ``direction`` -1 makes low raw values score high.
    ``ref_row`` is the row of the reference unit (``dist2ref``)."""
    method = spec.method
    if method == "scaled":
        # COINr's n_scaled on the direction-adjusted values: (x − npara[0]) / (npara[1] − npara[0]) × factor.
        lo_p, hi_p = spec.npara
        return (x * direction - lo_p) / (hi_p - lo_p) * spec.scale_factor
    if method == "dist2ref":
        return _dist2ref(x * direction, code, spec, ref_row)
    if method == "goalposts":
        return _goalposts(x, code, direction, spec)
    if method == "dist2targ":
        targ = spec.targets.get(code, target)
        if math.isnan(targ):
            raise IndexInputError(f"normalise (dist2targ): indicator {code} has no Target in iMeta or recipe")
        xs, t = x * direction, targ * direction
        lo = float(np.nanmin(xs))
        if t == lo:
            raise IndexInputError(f"normalise (dist2targ): target of {code} equals its worst value")
        y = 1.0 - (t - xs) / (t - lo)
        return np.minimum(y, 1.0) if spec.cap_max else y
    xs = x * direction
    if np.all(np.isnan(xs)):
        return xs
    lo, hi = float(np.nanmin(xs)), float(np.nanmax(xs))
    if method in NEEDS_SPREAD and lo == hi:
        raise _spread_error(method, code, lo)
    if method == "none":
        return xs
    if method == "minmax":
        a, b = spec.range
        return (xs - lo) / (hi - lo) * (b - a) + a
    if method == "zscore":
        return (xs - np.nanmean(xs)) / np.nanstd(xs, ddof=1) * spec.sd + spec.mean
    if method == "dist2max":
        return 1.0 - (hi - xs) / (hi - lo)
    if method == "fracmax":
        if hi == 0:
            raise IndexInputError(f"normalise (fracmax): indicator {code} has maximum 0")
        return xs / hi
    ranks = rank_ascending(xs, spec.ties)
    if method == "rank":
        return ranks
    if method == "borda":
        return ranks - 1.0
    if method == "prank":
        n = int(np.sum(~np.isnan(xs)))
        if n < 2:
            raise IndexInputError(f"normalise (prank): indicator {code} has fewer than two values")
        return (ranks - 1.0) / (n - 1)
    raise IndexInputError(f"normalise: unknown method {method!r}")


def _dist2ref(xs: FloatArray, code: str, spec: NormaliseSpec, ref_row: int | None) -> FloatArray:
    """COINr's n_dist2ref: ``1 − (x_ref − x) / (x_ref − min x)``; a missing reference value gives NaNs."""
    if ref_row is None:
        raise IndexInputError(f"normalise (dist2ref): reference unit {spec.ref!r} is not in the data set")
    xref = float(xs[ref_row])
    if math.isnan(xref):
        return np.full(xs.shape, np.nan)
    lo = float(np.nanmin(xs))
    if xref == lo:
        raise IndexInputError(f"normalise (dist2ref): on {code} the reference unit {spec.ref} has the worst value")
    y = 1.0 - (xref - xs) / (xref - lo)
    return np.minimum(y, 1.0) if spec.cap_max else y


def _goalposts(x: FloatArray, code: str, direction: int, spec: NormaliseSpec) -> FloatArray:
    gp = spec.goalposts.get(code)
    if gp is None:
        raise IndexInputError(f"normalise (goalposts): no goalposts given for indicator {code}")
    lower, upper, xs = gp.lower, gp.upper, x
    if gp.transform == "log":
        if np.any(x[~np.isnan(x)] <= 0):
            raise IndexInputError(f"normalise (goalposts): indicator {code} has values ≤ 0; cannot take logs")
        lower, upper, xs = math.log(lower), math.log(upper), np.log(x)
    # Goalposts are given on the indicator's own scale; direction -1 scores the distance below `upper`.
    y = (xs - lower) / (upper - lower) if direction == 1 else (upper - xs) / (upper - lower)
    if spec.trunc:
        y = np.clip(y, 0.0, 1.0)
    return y * gp.scale


def normalise(data: Dataset, spec: NormaliseSpec, directions: Mapping[str, int],
              targets: Mapping[str, float]) -> Dataset:
    """Normalise every indicator of ``data``: with the spec of ``spec.indiv`` for the indicators it lists
    (COINr's ``indiv_specs``), else with ``spec`` itself."""
    for code in (*spec.goalposts, *spec.indiv):
        if code not in data.codes:
            raise IndexInputError(f"normalise: {code!r} is not an indicator of the data set")
    cols = []
    for j, c in enumerate(data.codes):
        col_spec = spec.indiv.get(c, spec)
        for gp in col_spec.goalposts:
            if gp not in data.codes:
                raise IndexInputError(f"normalise (goalposts): {gp!r} is not an indicator")
        ref_row = data.units.index(col_spec.ref) if col_spec.ref in data.units else None
        cols.append(normalise_column(data.values[:, j], c, directions[c], col_spec, targets.get(c, math.nan),
                                     ref_row))
    values = np.column_stack(cols) if cols else data.values.copy()
    return Dataset(data.units, data.codes, values)

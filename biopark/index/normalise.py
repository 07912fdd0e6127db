"""Normalisation methods (COINr's ``n_*`` functions), applied column-wise after direction adjustment."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from biopark.index.dataset import Dataset, FloatArray
from biopark.index.errors import IndexInputError
from biopark.index.recipe import NormaliseSpec
from biopark.index.stats import rank_ascending_min

# Methods that divide by a spread and so cannot handle a constant indicator.
NEEDS_SPREAD = ("minmax", "zscore", "dist2max")


def _spread_error(method: str, code: str, value: float) -> IndexInputError:
    return IndexInputError(
        f"normalise ({method}): indicator {code} has zero variance (every value is {value:g}); "
        "drop it, or use a method that does not need spread (e.g. rank or goalposts)"
    )


def normalise_column(x: FloatArray, code: str, direction: int, spec: NormaliseSpec,
                     target: float = math.nan) -> FloatArray:
    """Normalise one indicator column (NaN kept). ``direction`` -1 makes low raw values score high."""
    method = spec.method
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
    ranks = rank_ascending_min(xs)
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
    """Normalise every indicator of ``data`` with one spec."""
    for code in spec.goalposts:
        if code not in data.codes:
            raise IndexInputError(f"normalise (goalposts): {code!r} is not an indicator")
    cols = [normalise_column(data.values[:, j], c, directions[c], spec, targets.get(c, math.nan))
            for j, c in enumerate(data.codes)]
    values = np.column_stack(cols) if cols else data.values.copy()
    return Dataset(data.units, data.codes, values)

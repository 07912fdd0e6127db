"""Small statistics used across the engine: type-2 skewness/kurtosis and R-style "min" ranks."""

from __future__ import annotations

import math

import numpy as np

from biopark.index.dataset import FloatArray


def skewness(x: FloatArray) -> float:
    """Bias-corrected sample skewness (e1071 / Excel "type 2"), NaNs dropped; NaN if undefined."""
    v = x[~np.isnan(x)]
    n = v.size
    if n < 3:
        return math.nan
    d = v - v.mean()
    m2 = float(np.sum(d * d))
    if m2 == 0.0:
        return math.nan
    g = math.sqrt(n) * float(np.sum(d**3)) / m2**1.5
    return g * math.sqrt(n * (n - 1)) / (n - 2)


def kurtosis(x: FloatArray) -> float:
    """Bias-corrected sample excess kurtosis (e1071 / Excel "type 2"), NaNs dropped; NaN if undefined."""
    v = x[~np.isnan(x)]
    n = v.size
    if n < 4:
        return math.nan
    d = v - v.mean()
    m2 = float(np.sum(d * d))
    if m2 == 0.0:
        return math.nan
    r = n * float(np.sum(d**4)) / m2**2
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def rank_ascending_min(x: FloatArray) -> FloatArray:
    """R's ``rank(x, ties.method = "min", na.last = "keep")``: smallest value gets 1, NaN stays NaN."""
    out = np.full(x.shape, np.nan)
    ok = ~np.isnan(x)
    vals = x[ok]
    out[ok] = np.searchsorted(np.sort(vals), vals, side="left") + 1
    return out


def rank_descending_min(x: FloatArray) -> FloatArray:
    """Results ranking: highest value gets 1, ties share the best (lowest) rank, NaN stays NaN."""
    return rank_ascending_min(-x)


def rank_rows_descending_min(scores: FloatArray) -> np.ndarray:
    """Row-wise :func:`rank_descending_min` of a finite 2-D array (replications × units), as int32."""
    n_rows, n_cols = scores.shape
    order = np.argsort(-scores, axis=1, kind="stable")
    ordered = np.take_along_axis(scores, order, axis=1)
    positions = np.broadcast_to(np.arange(n_cols), (n_rows, n_cols))
    # A tie group starts where the sorted value changes; every member takes the group's first position.
    starts = np.ones((n_rows, n_cols), dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.maximum.accumulate(np.where(starts, positions, 0), axis=1)
    ranks = np.empty((n_rows, n_cols), dtype=np.int32)
    np.put_along_axis(ranks, order, (first + 1).astype(np.int32), axis=1)
    return ranks


def pairwise_correlation(values: FloatArray, method: str = "pearson") -> FloatArray:
    """Correlation matrix of the columns of ``values`` using pairwise-complete observations."""
    data = values
    if method == "spearman":
        data = np.column_stack([rank_ascending_min_average(values[:, j]) for j in range(values.shape[1])])
    elif method != "pearson":
        raise ValueError(f"unknown correlation method {method!r}")
    k = data.shape[1]
    out = np.full((k, k), np.nan)
    for i in range(k):
        for j in range(i, k):
            ok = ~np.isnan(data[:, i]) & ~np.isnan(data[:, j])
            if ok.sum() < 3:
                continue
            a, b = data[ok, i], data[ok, j]
            sa, sb = a.std(), b.std()
            if sa == 0 or sb == 0:
                continue
            out[i, j] = out[j, i] = float(np.mean((a - a.mean()) * (b - b.mean())) / (sa * sb))
    return out


def rank_ascending_min_average(x: FloatArray) -> FloatArray:
    """Ranks with ties averaged (as Spearman's correlation needs), NaN kept."""
    out = np.full(x.shape, np.nan)
    ok = ~np.isnan(x)
    vals = x[ok]
    s = np.sort(vals)
    lo = np.searchsorted(s, vals, side="left")
    hi = np.searchsorted(s, vals, side="right")
    out[ok] = (lo + hi + 1) / 2.0
    return out


RANK_TIES = ("min", "max", "average", "first", "last")


def rank_ascending(x: FloatArray, ties: str = "min") -> FloatArray:
    """R's ``rank(x, ties.method = ties, na.last = "keep")`` for ``ties`` in :data:`RANK_TIES`."""
    if ties == "min":
        return rank_ascending_min(x)
    if ties == "average":
        return rank_ascending_min_average(x)
    out = np.full(x.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(x))
    vals = x[ok]
    if ties == "max":
        out[ok] = np.searchsorted(np.sort(vals), vals, side="right")
        return out
    # "first": equal values ranked in order of appearance; "last": in reverse order of appearance.
    position = np.arange(vals.size) if ties == "first" else -np.arange(vals.size)
    order = np.lexsort((position, vals))
    ranks = np.empty(vals.size)
    ranks[order] = np.arange(1, vals.size + 1)
    out[ok] = ranks
    return out

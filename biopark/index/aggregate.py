"""Aggregation up the framework (COINr's ``a_amean``, ``a_gmean``, ``a_hmean``, ``a_genmean``, ``a_copeland``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from biopark.index.dataset import Dataset, FloatArray
from biopark.index.errors import IndexInputError
from biopark.index.recipe import AggregateSpec
from biopark.index.tables import Framework


def resolve_weights(framework: Framework, overrides: Mapping[str, float]) -> dict[str, float]:
    """Weights from iMeta with the recipe's ``weights:`` overrides applied."""
    weights = dict(framework.weights)
    for code, w in overrides.items():
        if code not in weights:
            raise IndexInputError(f"aggregate, weights: {code!r} is not an indicator or aggregate in iMeta")
        weights[code] = w
    return weights


def weighted_mean(x: FloatArray, w: FloatArray, method: str, where: str = "",
                  units: tuple[str, ...] = (), p: float = 1.0) -> FloatArray:
    """Row-wise weighted mean of ``x`` (units × children); NaNs are skipped with their weights, except by
    ``genmean`` (COINr's ``a_genmean`` sums without removing them: one missing child gives a missing mean)."""
    present = ~np.isnan(x)
    if method == "genmean":
        return _genmean(x, w, p, where, units)
    wsum = present.astype(np.float64) @ w
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "amean":
            out = np.where(present, x, 0.0) @ w / wsum
        elif method == "gmean":
            bad = present & (x <= 0)
            if bad.any():
                i = int(np.argwhere(bad)[0][0])
                raise IndexInputError(
                    f"aggregate (gmean) {where}: unit {units[i] if units else i} has a value ≤ 0; the geometric "
                    "mean needs positive values (normalise e.g. to [1, 100] or use amean)"
                )
            out = np.exp(np.where(present, np.log(np.where(present, x, 1.0)), 0.0) @ w / wsum)
        elif method == "hmean":
            bad = present & (x == 0)
            if bad.any():
                i = int(np.argwhere(bad)[0][0])
                raise IndexInputError(
                    f"aggregate (hmean) {where}: unit {units[i] if units else i} has a zero value"
                )
            out = wsum / (np.where(present, 1.0 / np.where(present, x, 1.0), 0.0) @ w)
        else:
            raise IndexInputError(f"aggregate: unknown method {method!r}")
    out[~present.any(axis=1)] = np.nan
    return np.asarray(out, dtype=np.float64)


def _genmean(x: FloatArray, w: FloatArray, p: float, where: str, units: tuple[str, ...]) -> FloatArray:
    """COINr's ``a_genmean``: ``(Σ w·x^p / Σ w)^(1/p)``."""
    bad = ~np.isnan(x) & (x <= 0)
    if p < 0 and bad.any():
        i = int(np.argwhere(bad)[0][0])
        raise IndexInputError(f"aggregate (genmean) {where}: unit {units[i] if units else i} has a value ≤ 0; "
                              "a generalised mean with negative p needs positive values")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = ((x ** p) @ w / w.sum()) ** (1.0 / p)
    return np.asarray(out, dtype=np.float64)


def copeland_scores(children: Sequence[FloatArray], w: FloatArray) -> FloatArray:
    """COINr's ``a_copeland`` for R sets of weights at once.

    ``children`` holds one array per child, units × R (or units × 1 when shared by all sets); ``w`` is
    R × children. COINr's outranking matrix has at (i, j) the share of the weight where unit i beats unit j
    plus half the share where they tie; a comparison with a missing value counts for neither. COINr
    computes it for i < j only and sets (j, i) to one minus (i, j). The matrix becomes +1 above one half,
    −1 below and 0 at exactly one half, and a unit's score is its row sum (an integer).

    Entry (i, j) minus half the total weight equals half of Σ w·d, with d = +1 for a win, 0 for a tie and
    −1 for a loss or a missing comparison; its sign is taken from that sum, so a tie on every child is
    exactly one half whatever the weights (no rounding in a division by the total).
    """
    n = children[0].shape[0]
    margin = np.zeros((n, n, w.shape[0]), dtype=np.float64)
    for k, xk in enumerate(children):
        margin += pairwise_margin(xk) * w[:, k]
    return copeland_from_margin(margin)


def pairwise_margin(xk: FloatArray) -> FloatArray:
    """units × units × R: +1 where unit i beats unit j on this child, 0 for a tie, −1 for a loss or when
    either value is missing (COINr counts a missing comparison for neither unit, below one half)."""
    a, b = xk[:, None, :], xk[None, :, :]
    return np.asarray(np.where(a > b, 1.0, np.where(a == b, 0.0, -1.0)), dtype=np.float64)


def copeland_from_margin(margin: FloatArray) -> FloatArray:
    """Scores from the weighted margins (units × units × R); only i < j is read, as COINr does."""
    n = margin.shape[0]
    signs = np.sign(margin) * np.triu(np.ones((n, n)), 1)[:, :, None]
    # Row i: +sign(i, j) for j > i, and −sign(j, i) for j < i (the "one minus" half of the matrix).
    return np.asarray(signs.sum(axis=1) - signs.sum(axis=0), dtype=np.float64)


def copeland(x: FloatArray, w: FloatArray) -> FloatArray:
    """Copeland scores of the units (rows of ``x``, units × children) with weights ``w``."""
    cols = [x[:, k:k + 1] for k in range(x.shape[1])]
    return copeland_scores(cols, np.asarray(w, dtype=np.float64)[None, :])[:, 0]


def aggregate(normalised: Dataset, framework: Framework, spec: AggregateSpec) -> Dataset:
    """Compute every aggregate, level by level. Returns indicators followed by aggregates."""
    weights = resolve_weights(framework, spec.weights)
    codes = list(normalised.codes)
    columns: dict[str, FloatArray] = {c: normalised.values[:, j] for j, c in enumerate(codes)}
    for agg in framework.aggregates:
        children = framework.children[agg]
        missing = [c for c in children if c not in columns]
        if missing:
            raise IndexInputError(f"aggregate {agg}: child column(s) {', '.join(missing)} not in the data set")
        x = np.column_stack([columns[c] for c in children])
        w = np.array([weights[c] for c in children], dtype=np.float64)
        method = spec.method_for_level(framework.levels[agg])
        if method == "copeland":
            # COINr aggregates Copeland on the whole data frame (by_df), where dat_thresh does not apply.
            columns[agg] = copeland(x, w)
            codes.append(agg)
            continue
        y = weighted_mean(x, w, method, agg, normalised.units, spec.p)
        thresh = spec.dat_thresh_for_level(framework.levels[agg])
        if thresh > 0:
            y = np.where(np.mean(~np.isnan(x), axis=1) < thresh, np.nan, y)
        columns[agg] = y
        codes.append(agg)
    return Dataset(normalised.units, tuple(codes), np.column_stack([columns[c] for c in codes]))

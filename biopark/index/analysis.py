"""Analysis helpers: effective weights, PCA weights, correlations, Cronbach's alpha (strengths and
weaknesses are in :mod:`biopark.index.strengths`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from biopark.index.dataset import Dataset, FloatArray
from biopark.index.stats import pairwise_correlation
from biopark.index.tables import Framework


def effective_weights(framework: Framework, weights: Mapping[str, float]) -> dict[str, float]:
    """Each node's share of its top-level aggregate: the product of sibling-normalised weights up the tree."""
    out: dict[str, float] = {}

    def share(code: str) -> float:
        if code in out:
            return out[code]
        parent = framework.parents[code]
        if parent is None:
            out[code] = 1.0
            return 1.0
        siblings = framework.children[parent]
        total = sum(weights[s] for s in siblings)
        out[code] = (weights[code] / total if total > 0 else 0.0) * share(parent)
        return out[code]

    for code in (*framework.indicators, *framework.aggregates):
        share(code)
    return out


@dataclass(frozen=True)
class PCAGroup:
    """First principal component of one group of sibling columns (standardised, complete cases).

    A group whose PCA cannot be computed (too few complete units, a column with zero variance) has no
    loadings, NaN variance explained and the reason in ``unavailable``."""

    parent: str
    codes: tuple[str, ...]
    loadings: tuple[float, ...]  # unit-length eigenvector, oriented so that the loadings sum ≥ 0
    variance_explained: float
    n_complete: int
    unavailable: str = ""


def pca_weights(data: Dataset, framework: Framework, level: int = 1) -> dict[str, PCAGroup]:
    """PCA weights per aggregation group, like COINr's ``get_PCA(by_groups = TRUE)``.

    Uses the correlation matrix of the complete cases; the sign of a principal component is arbitrary,
    so it is fixed to make the loadings sum to a non-negative number. A group that cannot be computed is
    returned as unavailable with the reason rather than raising, so that one degenerate group (e.g. a
    column made constant by goalpost truncation) never stops a build or the other groups.
    """
    groups: dict[str, PCAGroup] = {}
    for parent in framework.codes_at_level(level + 1):
        codes = tuple(c for c in framework.children[parent] if c in data.codes)
        if len(codes) < 2:
            continue
        x = data.select(codes).values
        x = x[~np.isnan(x).any(axis=1)]
        if x.shape[0] < 3:
            groups[parent] = PCAGroup(parent, codes, (), float("nan"), int(x.shape[0]),
                                      f"fewer than 3 complete units ({x.shape[0]})")
            continue
        sd = x.std(axis=0, ddof=1)
        if np.any(sd == 0):
            bad = ", ".join(codes[j] for j in np.flatnonzero(sd == 0))
            groups[parent] = PCAGroup(parent, codes, (), float("nan"), int(x.shape[0]),
                                      f"zero variance in {bad}")
            continue
        z = (x - x.mean(axis=0)) / sd
        eigval, eigvec = np.linalg.eigh(z.T @ z / (x.shape[0] - 1))
        vec = eigvec[:, -1]
        if vec.sum() < 0:
            vec = -vec
        groups[parent] = PCAGroup(parent, codes, tuple(float(v) for v in vec),
                                  float(eigval[-1] / eigval.sum()), int(x.shape[0]))
    return groups


@dataclass(frozen=True)
class Unavailable:
    """An analysis table that could not be computed for one group, and why."""

    table: str  # the file/table name, e.g. "pca_weights"
    group: str
    reason: str

    def __str__(self) -> str:
        return f"{self.table}: unavailable for {self.group}: {self.reason}"


def pca_unavailable(groups: Mapping[str, PCAGroup]) -> list[Unavailable]:
    return [Unavailable("pca_weights", g.parent, g.unavailable) for g in groups.values() if g.unavailable]


def correlations(data: Dataset, method: str = "pearson") -> FloatArray:
    """Correlation matrix between all columns of ``data`` (pairwise-complete observations)."""
    return pairwise_correlation(data.values, method)


def parent_correlations(data: Dataset, framework: Framework, method: str = "pearson") -> dict[str, float]:
    """Correlation of every node with its parent aggregate (needs the aggregated data set)."""
    out: dict[str, float] = {}
    for code, parent in framework.parents.items():
        if parent is not None and code in data.codes and parent in data.codes:
            out[code] = float(pairwise_correlation(data.select((code, parent)).values, method)[0, 1])
    return out


def cronbach_alpha(data: Dataset, framework: Framework) -> dict[str, float]:
    """Cronbach's alpha of the children of each aggregate (complete cases; NaN for < 2 children)."""
    out: dict[str, float] = {}
    for agg in framework.aggregates:
        codes = [c for c in framework.children[agg] if c in data.codes]
        x = data.select(codes).values
        x = x[~np.isnan(x).any(axis=1)]
        k = len(codes)
        if k < 2 or x.shape[0] < 2:
            out[agg] = float("nan")
            continue
        cov = np.cov(x, rowvar=False)
        total = float(cov.sum())
        out[agg] = float(k / (k - 1) * (1 - np.trace(cov) / total)) if total > 0 else float("nan")
    return out

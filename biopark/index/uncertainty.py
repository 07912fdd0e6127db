"""Uncertainty and sensitivity analysis of ranks, vectorised across replications.

Each replication draws one alternative for every varied assumption plus (optionally) a multiplicative
noise on weights. The discrete alternatives that change data before aggregation are few, so every
combination is normalised once up front ("variants"); a replication then only needs aggregation with its
own weights, which is done for a whole chunk of replications at once: level-2 aggregates as matrix
products (units × indicators) @ (indicators × replications), higher levels as element-wise sums.

Sensitivity uses the Saltelli design (matrices A, B and A_B^i) on the mean absolute rank shift against
the nominal build, with Saltelli (2010) first-order and Jansen (1999) total-order estimators; the weight
noise counts as one factor (a group of inputs).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from biopark.index.aggregate import (
    copeland_from_margin,
    copeland_scores,
    pairwise_margin,
    resolve_weights,
)
from biopark.index.dataset import FloatArray
from biopark.index.errors import IndexInputError
from biopark.index.pipeline import run_steps
from biopark.index.recipe import AggregateSpec, Recipe, UncertaintySpec
from biopark.index.stats import rank_rows_descending_min
from biopark.index.tables import IndexInput


@dataclass(frozen=True)
class UncertaintyResult:
    """Distribution of the target aggregate's rank of each unit over the replications."""

    target: str
    units: tuple[str, ...]
    nominal_rank: np.ndarray
    median_rank: FloatArray
    p05_rank: FloatArray
    p95_rank: FloatArray
    mean_rank: FloatArray
    replications: int
    failed: int  # replications where an aggregation was undefined (excluded from the statistics)
    ranks: np.ndarray  # replications × units, int32 (0 in failed replications)
    failed_mask: np.ndarray

    def rows(self) -> Iterator[dict[str, str | float | int]]:
        for i, unit in enumerate(self.units):
            yield {"uCode": unit, "nominal_rank": int(self.nominal_rank[i]),
                   "median_rank": float(self.median_rank[i]), "p05_rank": float(self.p05_rank[i]),
                   "p95_rank": float(self.p95_rank[i]), "mean_rank": float(self.mean_rank[i])}


@dataclass(frozen=True)
class SensitivityResult:
    """Sobol indices of each varied assumption on the mean absolute rank shift of the target, with
    COINr-style bootstrap 5 %/95 % quantiles when the recipe asks for ``bootstrap`` resamples (else NaN)."""

    target: str
    factors: tuple[str, ...]
    first_order: FloatArray
    total_order: FloatArray
    base_replications: int
    runs: int
    failed: int
    output_variance: float
    bootstrap: int = 0
    first_q05: FloatArray = field(default_factory=lambda: np.zeros(0))
    first_q95: FloatArray = field(default_factory=lambda: np.zeros(0))
    total_q05: FloatArray = field(default_factory=lambda: np.zeros(0))
    total_q95: FloatArray = field(default_factory=lambda: np.zeros(0))

    def rows(self) -> Iterator[dict[str, str | float]]:
        for k, name in enumerate(self.factors):
            row: dict[str, str | float] = {"factor": name, "first_order": float(self.first_order[k]),
                                           "total_order": float(self.total_order[k])}
            if self.bootstrap:
                row.update({"first_q05": float(self.first_q05[k]), "first_q95": float(self.first_q95[k]),
                            "total_q05": float(self.total_q05[k]), "total_q95": float(self.total_q95[k])})
            yield row


@dataclass(frozen=True)
class _Factor:
    name: str
    columns: tuple[int, ...]  # columns of the uniform sample matrix this factor reads
    n_levels: int  # discrete alternatives; 0 for the weight noise


def _apply(recipe: Recipe, key: str, value: Any) -> Recipe:
    step_name, _, param = key.partition(".")
    step = recipe.step(step_name)
    assert step is not None
    params = {**step.params, param: value} if param else value
    return recipe.with_step_params(step_name, params)


class _Engine:
    """Precomputed variants and the batched evaluation of uniform samples into ranks."""

    def __init__(self, inp: IndexInput, recipe: Recipe, target: str, units: tuple[str, ...]) -> None:
        spec = recipe.uncertainty
        assert spec is not None
        self.spec: UncertaintySpec = spec
        fw = inp.framework
        self.fw = fw
        self.target = target
        self.nodes = (*fw.indicators, *fw.aggregates)
        self.node_index = {c: i for i, c in enumerate(self.nodes)}
        data_keys = [k for k in spec.discrete if not k.startswith("aggregate")]
        agg_keys = [k for k in spec.discrete if k.startswith("aggregate")]
        factors: list[_Factor] = []
        for k in (*data_keys, *agg_keys):
            factors.append(_Factor(k, (len(factors),), len(spec.discrete[k])))
        self.data_factors = factors[:len(data_keys)]
        self.agg_factors = factors[len(data_keys):]
        self.perturbed: tuple[int, ...] = ()
        if spec.weights is not None:
            levels = set(spec.weights.levels)
            self.perturbed = tuple(i for i, c in enumerate(self.nodes) if fw.levels[c] in levels)
            start = len(factors)
            factors.append(_Factor("weights", tuple(range(start, start + len(self.perturbed))), 0))
        self.factors = tuple(factors)
        self.dims = sum(len(f.columns) for f in factors)

        # Data variants: every combination of the data-step alternatives, normalised once.
        self.variants: list[FloatArray] = []
        cache: dict[str, Any] = {}
        for combo in itertools.product(*(range(f.n_levels) for f in self.data_factors)):
            r = recipe
            for f, i in zip(self.data_factors, combo, strict=True):
                r = _apply(r, f.name, spec.discrete[f.name][i])
            key = repr([(s.name, s.spec) for s in r.steps if s.name != "aggregate"])
            if key not in cache:
                cache[key] = run_steps(inp, r, before_aggregate=True).final
            norm = cache[key]
            if norm.units != units:
                raise IndexInputError("uncertainty: a varied assumption changes which units are kept "
                                      "(screening); ranks would not be comparable")
            self.variants.append(np.ascontiguousarray(norm.select(fw.indicators).values))
        if len(self.variants) > 512:
            raise IndexInputError(f"uncertainty: {len(self.variants)} data variants; vary fewer assumptions")
        self.has_nan = [bool(np.isnan(v).any()) for v in self.variants]

        # Aggregation alternatives (method/weights), each with its base weight vector over all nodes.
        self.agg_specs: list[AggregateSpec] = []
        self.base_weights: list[FloatArray] = []
        for combo in itertools.product(*(range(f.n_levels) for f in self.agg_factors)):
            r = recipe
            for f, i in zip(self.agg_factors, combo, strict=True):
                r = _apply(r, f.name, spec.discrete[f.name][i])
            step = r.step("aggregate")
            assert step is not None and isinstance(step.spec, AggregateSpec)
            self.agg_specs.append(step.spec)
            w = resolve_weights(fw, step.spec.weights)
            self.base_weights.append(np.array([w[c] for c in self.nodes], dtype=np.float64))
        # Only the target's subtree needs computing.
        subtree: list[str] = []
        stack = [target]
        while stack:
            code = stack.pop()
            if code in fw.aggregates:
                subtree.append(code)
                stack.extend(fw.children[code])
        self.subtree = tuple(a for a in fw.aggregates if a in subtree)
        self._transformed: dict[tuple[int, str, float], tuple[FloatArray, FloatArray, np.ndarray]] = {}
        self._margins: dict[tuple[int, tuple[str, ...]], FloatArray] = {}

    @staticmethod
    def _choice(u: FloatArray, n: int) -> np.ndarray:
        return np.minimum((u * n).astype(np.int64), n - 1)

    def _indicator_inputs(self, v: int, method: str, p: float) -> tuple[FloatArray, FloatArray, np.ndarray]:
        """(transformed values with NaN→0, presence mask, per-indicator "outside the method's domain")."""
        key = (v, method, p)
        if key not in self._transformed:
            x = self.variants[v]
            present = ~np.isnan(x)
            filled = np.where(present, x, 1.0)
            outside = np.asarray(_outside_domain(filled, present, method, p).any(axis=0))
            t = _forward(np.where(_outside_domain(filled, present, method, p), 1.0, filled), method, p)
            transformed = np.asarray(np.where(present, t, 0.0), dtype=np.float64)
            self._transformed[key] = (transformed, present.astype(np.float64), outside)
        return self._transformed[key]

    def _target_scores(self, v: int, a: int, weights: FloatArray) -> tuple[FloatArray, np.ndarray]:
        """Target aggregate scores (units × replications) for replications sharing variant and method,
        and which replications failed (a geometric/harmonic mean met a value outside its domain)."""
        spec = self.agg_specs[a]
        values: dict[str, FloatArray] = {}
        failed = np.zeros(weights.shape[0], dtype=bool)
        # Without missing values every child is present, so the presence bookkeeping can be skipped.
        complete = not self.has_nan[v] and not spec.any_dat_thresh
        for agg in self.subtree:
            level = self.fw.levels[agg]
            method = spec.method_for_level(level)
            children = self.fw.children[agg]
            wc = weights[:, [self.node_index[c] for c in children]]  # reps × children
            with np.errstate(divide="ignore", invalid="ignore"):
                if method == "copeland":
                    out = self._copeland(v, level, children, wc, values)
                elif complete:
                    out = self._complete_mean(v, level, method, spec.p, children, wc, values, failed)
                else:
                    out = self._partial_mean(v, level, method, children, wc, values, failed, spec)
            values[agg] = out
        return values[self.target], failed

    def _copeland(self, v: int, level: int, children: tuple[str, ...], wc: FloatArray,
                  values: dict[str, FloatArray]) -> FloatArray:
        if level == 2:
            # The indicators are the same in every replication of a variant: compare the units once, then
            # one matrix product weights the comparisons for all replications.
            key = (v, children)
            if key not in self._margins:
                x = self.variants[v]
                self._margins[key] = np.stack(
                    [pairwise_margin(x[:, self.node_index[c]][:, None])[:, :, 0] for c in children], axis=2)
            margins = self._margins[key]
            n = margins.shape[0]
            margin = (margins.reshape(n * n, len(children)) @ wc.T).reshape(n, n, wc.shape[0])
            return copeland_from_margin(margin)
        else:
            cols = [values[c] for c in children]
        return copeland_scores(cols, wc)

    def _complete_mean(self, v: int, level: int, method: str, p: float, children: tuple[str, ...],
                       wc: FloatArray, values: dict[str, FloatArray], failed: np.ndarray) -> FloatArray:
        wn = wc / wc.sum(axis=1, keepdims=True)
        if level == 2:
            t, _, outside = self._indicator_inputs(v, method, p)
            cols = [self.node_index[c] for c in children]
            if outside[cols].any():
                failed[:] = True
            return _inverse(t[:, cols] @ wn.T, method, p)
        acc = np.zeros_like(values[children[0]])
        for k, child in enumerate(children):
            y = values[child]
            if method != "amean":
                failed |= _outside_domain(y, np.ones(y.shape, dtype=bool), method, p).any(axis=0)
            acc += _forward(y, method, p) * wn[:, k]
        return _inverse(acc, method, p)

    def _partial_mean(self, v: int, level: int, method: str, children: tuple[str, ...], wc: FloatArray,
                      values: dict[str, FloatArray], failed: np.ndarray, spec: AggregateSpec) -> FloatArray:
        p = spec.p
        if level == 2:
            t, present, outside = self._indicator_inputs(v, method, p)
            cols = [self.node_index[c] for c in children]
            if outside[cols].any():
                failed[:] = True
            num = t[:, cols] @ wc.T
            den = present[:, cols] @ wc.T
            count = present[:, cols].sum(axis=1, keepdims=True)
        else:
            num = np.zeros_like(values[children[0]])
            den = np.zeros_like(num)
            count = np.zeros_like(num)
            for k, child in enumerate(children):
                y = values[child]
                ok = ~np.isnan(y)
                filled = np.where(ok, y, 1.0)
                bad = _outside_domain(filled, ok, method, p)
                failed |= bad.any(axis=0)
                num += np.where(ok & ~bad, _forward(np.where(bad, 1.0, filled), method, p), 0.0) * wc[:, k]
                den += ok * wc[:, k]
                count += ok
        out = np.where(count == 0, np.nan, _inverse(num / den, method, p))
        if method == "genmean":  # COINr's a_genmean: one missing child makes the mean missing
            out = np.where(count < len(children), np.nan, out)
        thresh = spec.dat_thresh_for_level(level)
        if thresh > 0:
            out = np.where(count / len(children) < thresh, np.nan, out)
        return np.asarray(out, dtype=np.float64)

    def ranks(self, sample: FloatArray, chunk: int) -> tuple[np.ndarray, np.ndarray]:
        """Target ranks (replications × units, int32; 0 for a failed replication) and the failed mask,
        for a matrix of uniforms (replications × dims)."""
        n = sample.shape[0]
        n_units = self.variants[0].shape[0]
        variant = np.zeros(n, dtype=np.int64)
        for f in self.data_factors:
            variant = variant * f.n_levels + self._choice(sample[:, f.columns[0]], f.n_levels)
        agg = np.zeros(n, dtype=np.int64)
        for f in self.agg_factors:
            agg = agg * f.n_levels + self._choice(sample[:, f.columns[0]], f.n_levels)
        noise = None
        if self.perturbed:
            assert self.spec.weights is not None
            cols = list(self.factors[-1].columns)
            noise = 1.0 + self.spec.weights.noise * (2.0 * sample[:, cols] - 1.0)
        out = np.empty((n, n_units), dtype=np.int32)
        failed = np.zeros(n, dtype=bool)
        for v, a in sorted(set(zip(variant.tolist(), agg.tolist(), strict=True))):
            rows = np.flatnonzero((variant == v) & (agg == a))
            for start in range(0, rows.size, chunk):
                part = rows[start:start + chunk]
                w = np.tile(self.base_weights[a], (part.size, 1))
                if noise is not None:
                    w[:, list(self.perturbed)] *= noise[part]
                scores, bad = self._target_scores(v, a, w)
                ranks = rank_rows_descending_min(scores.T)
                ranks[bad] = 0
                out[part] = ranks
                failed[part] = bad
        return out, failed


def _outside_domain(x: FloatArray, present: np.ndarray, method: str, p: float = 1.0) -> np.ndarray:
    """Where a present value cannot enter ``method`` (≤ 0 for gmean and for genmean with p < 0, 0 for
    hmean, < 0 for genmean with a fractional p: R's power gives NaN there, counted here as a failure)."""
    if method == "gmean" or (method == "genmean" and p < 0):
        return np.asarray(present & (x <= 0))
    if method == "hmean":
        return np.asarray(present & (x == 0))
    if method == "genmean" and p != int(p):
        return np.asarray(present & (x < 0))
    return np.zeros(x.shape, dtype=bool)


def _forward(x: FloatArray, method: str, p: float = 1.0) -> FloatArray:
    if method == "gmean":
        return np.log(x)
    if method == "hmean":
        return 1.0 / x
    if method == "genmean":
        return np.asarray(x ** p, dtype=np.float64)
    return x


def _inverse(m: FloatArray, method: str, p: float = 1.0) -> FloatArray:
    if method == "gmean":
        return np.exp(m)
    if method == "hmean":
        return 1.0 / m
    if method == "genmean":
        return np.asarray(m ** (1.0 / p), dtype=np.float64)
    return m


def _target(recipe: Recipe, codes: Sequence[str], inp: IndexInput) -> str:
    spec = recipe.uncertainty
    assert spec is not None
    if spec.target is not None:
        if spec.target not in codes:
            raise IndexInputError(f"uncertainty, target: {spec.target!r} is not an aggregate")
        return spec.target
    roots = inp.framework.roots
    if len(roots) != 1:
        raise IndexInputError("uncertainty: several top-level aggregates; name one with 'target:'")
    return roots[0]


def analyse(inp: IndexInput, recipe: Recipe, codes: Sequence[str], nominal_ranks: FloatArray,
            units: tuple[str, ...]) -> tuple[UncertaintyResult, SensitivityResult | None]:
    """Run the recipe's uncertainty analysis (and sensitivity analysis if it has one)."""
    spec = recipe.uncertainty
    assert spec is not None
    target = _target(recipe, codes, inp)
    nominal = nominal_ranks[:, list(codes).index(target)]
    if np.isnan(nominal).any():
        raise IndexInputError(f"uncertainty: some units have no {target} score in the nominal build")
    engine = _Engine(inp, recipe, target, units)
    rng = np.random.default_rng(spec.seed)
    ranks, failed = engine.ranks(rng.random((spec.replications, engine.dims)), spec.chunk)
    ok = ranks[~failed]
    if ok.shape[0] == 0:
        raise IndexInputError("uncertainty: every replication failed (geometric/harmonic mean over values "
                              "≤ 0); normalise to a positive range, e.g. minmax [1, 100]")
    q05, q50, q95 = np.percentile(ok, [5, 50, 95], axis=0)
    unc = UncertaintyResult(target, units, nominal.astype(np.int64), q50, q05, q95, ok.mean(axis=0),
                            spec.replications, int(failed.sum()), ranks, failed)
    sens = None
    if recipe.sensitivity is not None:
        sens = _sobol(engine, recipe.sensitivity.replications, recipe.sensitivity.seed, nominal, spec.chunk,
                      recipe.sensitivity.bootstrap)
    return unc, sens


@dataclass(frozen=True)
class SobolEstimate:
    """COINr's ``SA_estimate``: first- and total-order indices, with bootstrap quantiles when asked."""

    first_order: FloatArray
    total_order: FloatArray
    variance: float
    first_q05: FloatArray
    first_q95: FloatArray
    total_q05: FloatArray
    total_q95: FloatArray


def saltelli_sample(rng: np.random.Generator, n: int, groups: Sequence[Sequence[int]], dims: int) -> FloatArray:
    """COINr's ``SA_sample``: rows A (n), B (n), then for each factor A with that factor's columns from B."""
    a, b = rng.random((n, dims)), rng.random((n, dims))
    blocks = [a, b]
    for cols in groups:
        ab = a.copy()
        ab[:, list(cols)] = b[:, list(cols)]
        blocks.append(ab)
    return np.vstack(blocks)


def sobol_estimate(y: FloatArray, n: int, d: int, n_boot: int = 0,
                   rng: np.random.Generator | None = None) -> SobolEstimate:
    """Sobol indices from outputs ``y`` of a :func:`saltelli_sample` (length n·(d + 2)), as COINr's
    ``SA_estimate``: variance of y over A and B together (n − 1 denominator); first order (Saltelli 2010)
    ``mean(yB·(yABi − yA)) / V``; total order (Jansen 1999) ``mean((yA − yABi)²) / (2V)``.

    With ``n_boot`` > 0, as COINr with ``Nboot``: for each factor and index separately, the n terms of the
    estimator are resampled with replacement ``n_boot`` times (V is not re-estimated) and the 5 % and 95 %
    quantiles (R's default type 7) of the resampled indices are reported.

    NaN outputs (failed replications; COINr's would make every index NA) are left out: the variance is over
    the A and B outputs present, and each factor's estimate over the rows where yA, yB and yABi are present.
    """
    if y.shape != (n * (d + 2),):
        raise ValueError(f"y has {y.size} values; a Saltelli sample of n={n}, d={d} has {n * (d + 2)}")
    blocks = y.reshape(d + 2, n)
    y_a, y_b = blocks[0], blocks[1]
    base = np.concatenate([y_a, y_b])
    base = base[~np.isnan(base)]
    variance = float(np.var(base, ddof=1)) if base.size > 1 else 0.0
    nan = np.full(d, np.nan)
    est = SobolEstimate(nan.copy(), nan.copy(), variance, nan.copy(), nan.copy(), nan.copy(), nan.copy())
    if variance <= 0:
        return est
    rng = rng if rng is not None else np.random.default_rng()
    for i in range(d):
        y_ab = blocks[2 + i]
        ok = ~(np.isnan(y_a) | np.isnan(y_b) | np.isnan(y_ab))
        if not ok.any():
            continue
        first_terms = y_b[ok] * (y_ab[ok] - y_a[ok])
        total_terms = (y_a[ok] - y_ab[ok]) ** 2
        est.first_order[i] = first_terms.mean() / variance
        est.total_order[i] = total_terms.mean() / (2 * variance)
        if n_boot > 0:
            first_boot = _bootstrap_means(first_terms, n_boot, rng) / variance
            total_boot = _bootstrap_means(total_terms, n_boot, rng) / (2 * variance)
            est.first_q05[i], est.first_q95[i] = np.quantile(first_boot, [0.05, 0.95])
            est.total_q05[i], est.total_q95[i] = np.quantile(total_boot, [0.05, 0.95])
    return est


def _bootstrap_means(terms: FloatArray, n_boot: int, rng: np.random.Generator) -> FloatArray:
    """Means of ``n_boot`` resamples (with replacement, same size) of ``terms``, in memory-bounded chunks."""
    m = terms.size
    out = np.empty(n_boot)
    step = max(1, 2_000_000 // m)
    for start in range(0, n_boot, step):
        stop = min(n_boot, start + step)
        out[start:stop] = terms[rng.integers(0, m, size=(stop - start, m))].mean(axis=1)
    return out


def _sobol(engine: _Engine, n: int, seed: int, nominal: FloatArray, chunk: int,
           n_boot: int = 0) -> SensitivityResult:
    rng = np.random.default_rng(seed)
    k = len(engine.factors)
    sample = saltelli_sample(rng, n, [f.columns for f in engine.factors], engine.dims)
    ranks, failed = engine.ranks(sample, chunk)
    # COINr's output: the mean absolute rank shift against the nominal ranks; a failed regeneration is NA.
    shift = np.abs(ranks - nominal[None, :]).mean(axis=1)
    shift[failed] = np.nan
    est = sobol_estimate(shift, n, k, n_boot, rng)
    return SensitivityResult(engine.target, tuple(f.name for f in engine.factors), est.first_order,
                             est.total_order, n, n * (k + 2), int(failed.sum()), est.variance, n_boot,
                             est.first_q05, est.first_q95, est.total_q05, est.total_q95)

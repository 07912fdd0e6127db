"""Sobol indices with COINr-style bootstrap quantiles (COINr's SA_sample / SA_estimate, Nboot)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from index_toy import one_aggregate_input

from biopark.index import IndexInputError, build, load_recipe, write_build
from biopark.index.uncertainty import saltelli_sample, sobol_estimate

COEFFICIENTS = np.array([1.0, 2.0, 3.0])


def test_saltelli_sample_layout() -> None:
    rng = np.random.default_rng(0)
    x = saltelli_sample(rng, 4, [[0], [1, 2]], 3)
    a, b, ab0, ab12 = x[:4], x[4:8], x[8:12], x[12:]
    assert x.shape == (16, 3)
    assert np.array_equal(ab0[:, 0], b[:, 0]) and np.array_equal(ab0[:, 1:], a[:, 1:])
    assert np.array_equal(ab12[:, 0], a[:, 0]) and np.array_equal(ab12[:, 1:], b[:, 1:])


def test_additive_model_recovers_known_indices_with_bootstrap_quantiles() -> None:
    """y = x1 + 2 x2 + 3 x3 with independent U(0, 1) inputs: Var(a_i x_i) = a_i²/12, no interactions, so
    S_i = ST_i = a_i² / Σa² = 1/14, 4/14, 9/14."""
    n = 20_000
    rng = np.random.default_rng(7)
    x = saltelli_sample(rng, n, [[0], [1], [2]], 3)
    est = sobol_estimate(x @ COEFFICIENTS, n, 3, n_boot=500, rng=rng)
    exact = COEFFICIENTS ** 2 / np.sum(COEFFICIENTS ** 2)
    y = (x @ COEFFICIENTS).reshape(5, n)
    for i in range(3):
        # Tolerance: each estimate is a mean of n terms divided by V, so its standard error is
        # sd(terms) / (sqrt(n) V); four standard errors make a spurious failure very unlikely (< 1e-4).
        first_terms = y[1] * (y[2 + i] - y[0])
        total_terms = (y[0] - y[2 + i]) ** 2 / 2
        first_se = first_terms.std(ddof=1) / np.sqrt(n) / est.variance
        total_se = total_terms.std(ddof=1) / np.sqrt(n) / est.variance
        assert abs(est.first_order[i] - exact[i]) < 4 * first_se
        assert abs(est.total_order[i] - exact[i]) < 4 * total_se
        # The bootstrap quantiles bracket the estimate and span about ±1.645 standard errors.
        assert est.first_q05[i] < est.first_order[i] < est.first_q95[i]
        assert est.total_q05[i] < est.total_order[i] < est.total_q95[i]
        assert (est.first_q95[i] - est.first_q05[i]) / (2 * 1.645 * first_se) == pytest.approx(1, abs=0.15)
        assert (est.total_q95[i] - est.total_q05[i]) / (2 * 1.645 * total_se) == pytest.approx(1, abs=0.15)
    # The variance is that of A and B together, with the n − 1 denominator (R's var).
    assert est.variance == pytest.approx(float(np.var(y[:2].ravel(), ddof=1)), rel=1e-12)


def test_a_factor_without_effect_has_exact_zero_indices_and_intervals() -> None:
    n = 5000
    rng = np.random.default_rng(1)
    x = saltelli_sample(rng, n, [[0], [1]], 2)
    est = sobol_estimate(x[:, 0] ** 2, n, 2, n_boot=50, rng=rng)
    # yAB2 equals yA row by row, so every term of factor 2 is exactly zero.
    assert (est.first_order[1], est.total_order[1]) == (0.0, 0.0)
    assert (est.first_q05[1], est.first_q95[1], est.total_q05[1], est.total_q95[1]) == (0.0, 0.0, 0.0, 0.0)
    # Factor 1 alone drives y: its total index is 1 up to sampling error (sd ≈ 0.03 at this n).
    assert est.total_order[0] == pytest.approx(1.0, abs=0.12)


def test_without_bootstrap_quantiles_are_missing_and_failed_rows_are_left_out() -> None:
    n = 100
    rng = np.random.default_rng(2)
    x = saltelli_sample(rng, n, [[0], [1]], 2)
    y = x @ np.array([1.0, 1.0])
    y[3] = np.nan  # a failed replication in A
    est = sobol_estimate(y, n, 2)
    assert np.all(np.isnan(est.first_q05)) and np.all(np.isfinite(est.first_order))
    with pytest.raises(ValueError, match="a Saltelli sample of n=100, d=2 has 400"):
        sobol_estimate(y[:-1], n, 2)


def test_build_reports_bootstrap_quantiles(tmp_path: Path) -> None:
    """Through the recipe: winmax cannot matter (no outliers to winsorise), so its indices are exactly 0;
    the weights are the only influential factor."""
    inp = one_aggregate_input({"a": [1, 2, 3, 4, 5], "b": [5, 3, 4, 1, 2], "c": [2, 2, 5, 4, 1]})
    recipe = load_recipe({
        "steps": [{"treat": {}}, {"normalise": {"method": "minmax", "range": [1, 100]}},
                  {"aggregate": {"method": "amean"}}],
        "uncertainty": {"replications": 50, "seed": 3, "vary": {"treat.winmax": [1, 5],
                                                                 "weights": {"noise": 0.5, "levels": [1]}}},
        "sensitivity": {"replications": 300, "bootstrap": 200},
    })
    result = build(inp, recipe)
    sens = result.sensitivity
    assert sens is not None and sens.factors == ("treat.winmax", "weights") and sens.bootstrap == 200
    assert (sens.first_order[0], sens.total_order[0], sens.first_q05[0], sens.total_q95[0]) == (0, 0, 0, 0)
    assert sens.total_q05[1] <= sens.total_order[1] <= sens.total_q95[1]
    assert sens.total_order[1] == pytest.approx(1.0, abs=0.15)
    write_build(result, tmp_path / "out")
    lines = (tmp_path / "out" / "sensitivity.csv").read_text().splitlines()
    assert lines[0] == "factor,first_order,total_order,first_q05,first_q95,total_q05,total_q95"
    assert lines[1] == "treat.winmax,0.0,0.0,0.0,0.0,0.0,0.0"


def test_bootstrap_must_be_a_whole_number() -> None:
    with pytest.raises(IndexInputError, match="recipe sensitivity, bootstrap: expected a whole number"):
        load_recipe({"steps": [{"aggregate": {}}],
                     "uncertainty": {"vary": {"weights": {"noise": 0.1, "levels": [1]}}},
                     "sensitivity": {"replications": 10, "bootstrap": -1}})

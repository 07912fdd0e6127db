"""Property tests: invariances every composite-indicator build must have."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from biopark.index import BuildResult, build, input_from_rows, load_recipe

RECIPE = load_recipe({"steps": [{"normalise": {"method": "minmax", "range": [0, 100]}},
                                {"aggregate": {"method": "amean"}}]})


@st.composite
def tables(draw: st.DrawFn) -> tuple[np.ndarray, list[int], list[float]]:
    n_units = draw(st.integers(3, 12))
    n_ind = draw(st.integers(2, 6))
    # Integers keep arithmetic exact, so invariances can be asserted with equality.
    values = np.array(draw(st.lists(st.lists(st.integers(0, 1000), min_size=n_ind, max_size=n_ind),
                                    min_size=n_units, max_size=n_units)), dtype=float)
    for j in range(n_ind):  # every indicator needs some spread for min-max
        values[0, j], values[1, j] = 0.0, 1000.0
    directions = draw(st.lists(st.sampled_from([1, -1]), min_size=n_ind, max_size=n_ind))
    weights = draw(st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0]), min_size=n_ind + 2, max_size=n_ind + 2))
    return values, directions, weights


def run(values: np.ndarray, directions: list[int], weights: list[float], order: list[int] | None = None,
        scale: float = 1.0) -> BuildResult:
    n_units, n_ind = values.shape
    order = order or list(range(n_units))
    codes = [f"i{j}" for j in range(n_ind)]
    idata = [{"uCode": f"u{i}", **{c: values[i, j] for j, c in enumerate(codes)}} for i in order]
    imeta: list[dict[str, Any]] = [
        {"Level": 1, "iCode": c, "Direction": directions[j], "Weight": weights[j] * scale,
         "Parent": "P1" if j % 2 == 0 else "P2", "Type": "Indicator"} for j, c in enumerate(codes)]
    imeta += [{"Level": 2, "iCode": "P1", "Direction": 1, "Weight": weights[-2] * scale, "Parent": "Index",
               "Type": "Aggregate"},
              {"Level": 2, "iCode": "P2", "Direction": 1, "Weight": weights[-1] * scale, "Parent": "Index",
               "Type": "Aggregate"},
              {"Level": 3, "iCode": "Index", "Direction": 1, "Weight": 1, "Parent": None, "Type": "Aggregate"}]
    return build(input_from_rows(idata, imeta), RECIPE)


@settings(max_examples=60, deadline=None)
@given(tables(), st.randoms(use_true_random=False))
def test_permuting_units_permutes_results(table: tuple[np.ndarray, list[int], list[float]], rnd: Any) -> None:
    values, directions, weights = table
    order = list(range(values.shape[0]))
    rnd.shuffle(order)
    a, b = run(values, directions, weights), run(values, directions, weights, order=order)
    assert b.results.units == tuple(f"u{i}" for i in order)
    for code in a.results.codes:
        assert a.results.score(code) == b.results.score(code)
        assert a.results.rank(code) == b.results.rank(code)


@settings(max_examples=60, deadline=None)
@given(tables(), st.integers(0, 5), st.sampled_from([0.25, 0.5, 2.0, 8.0, 1024.0]), st.floats(0.01, 1e6))
def test_scaling_an_indicator_keeps_minmax_results(table: tuple[np.ndarray, list[int], list[float]],
                                                   column: int, exact_factor: float, any_factor: float) -> None:
    values, directions, weights = table
    column %= values.shape[1]
    base = run(values, directions, weights)
    scaled = values.copy()
    scaled[:, column] *= exact_factor  # a power of two scales exactly: results identical
    other = run(scaled, directions, weights)
    assert np.array_equal(base.results.scores, other.results.scores)
    assert np.array_equal(base.results.ranks, other.results.ranks)
    scaled = values.copy()
    scaled[:, column] *= any_factor  # any positive factor: equal up to rounding
    np.testing.assert_allclose(run(scaled, directions, weights).results.scores, base.results.scores,
                               rtol=1e-9, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(tables(), st.sampled_from([0.125, 0.5, 4.0, 64.0]), st.floats(0.001, 1e4))
def test_weight_total_does_not_change_ranks(table: tuple[np.ndarray, list[int], list[float]],
                                            exact_total: float, any_total: float) -> None:
    values, directions, weights = table
    base = run(values, directions, weights)
    same = run(values, directions, weights, scale=exact_total)
    assert np.array_equal(base.results.ranks, same.results.ranks)
    np.testing.assert_allclose(run(values, directions, weights, scale=any_total).results.scores,
                               base.results.scores, rtol=1e-9, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(tables(), st.sampled_from([1.0, 2.5, 10.0]))
def test_copeland_scores_are_antisymmetric_integers_invariant_to_scale_and_weights(
        table: tuple[np.ndarray, list[int], list[float]], scale: float) -> None:
    values, directions, weights = table
    cope = load_recipe({"steps": [{"normalise": {"method": "minmax", "range": [0, 100]}},
                                  {"aggregate": {"method": "copeland"}}]})
    raw = load_recipe({"steps": [{"normalise": {"method": "none"}}, {"aggregate": {"method": "copeland"}}]})
    idata = [{"uCode": f"u{i}", **{f"i{j}": values[i, j] for j in range(values.shape[1])}}
             for i in range(values.shape[0])]

    def imeta(k: float) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = [{"Level": 1, "iCode": f"i{j}", "Direction": d, "Weight": weights[j] * k,
                                       "Parent": "Index", "Type": "Indicator"} for j, d in enumerate(directions)]
        return [*rows, {"Level": 2, "iCode": "Index", "Direction": 1, "Weight": 1, "Parent": None,
                        "Type": "Aggregate"}]

    scores = build(input_from_rows(idata, imeta(1.0)), cope).results.scores[:, 0]
    n = values.shape[0]
    # Each pair contributes +1/-1 or 0/0, so the scores are integers in [-(n-1), n-1] summing to zero.
    assert scores.sum() == 0 and np.all(scores == np.round(scores)) and np.all(np.abs(scores) <= n - 1)
    # Only pairwise order matters: min-max (a monotone map) and the weights' total change nothing.
    assert np.array_equal(scores, build(input_from_rows(idata, imeta(scale)), raw).results.scores[:, 0])


@settings(max_examples=40, deadline=None)
@given(tables(), st.permutations(["impute", "screen", "treat"]), st.integers(0, 2))
def test_any_step_order_repeating_idempotent_steps_changes_nothing(
        table: tuple[np.ndarray, list[int], list[float]], order: list[str], repeat: int) -> None:
    values, directions, weights = table
    values = values.copy()
    values[2:, 0] = np.nan  # missing data so that impute and screen matter (rows 0, 1 keep the spread)
    specs = {"impute": {"method": "mean"}, "screen": {"min_availability": 0.5},
             "treat": {"method": "none"}}
    steps: list[dict[str, Any]] = [{name: specs[name]} for name in order]
    once = [*steps, {"normalise": {"method": "minmax"}}, {"aggregate": {}}]
    # Repeat one step right after itself: mean imputation, screening at a fixed threshold and no treatment
    # are idempotent, so the build must be identical whatever the order of the others.
    twice = [*steps[:repeat + 1], steps[repeat], *steps[repeat + 1:], {"normalise": {"method": "minmax"}},
             {"aggregate": {}}]
    idata = [{"uCode": f"u{i}", **{f"i{j}": values[i, j] for j in range(values.shape[1])}}
             for i in range(values.shape[0])]
    imeta: list[dict[str, Any]] = [{"Level": 1, "iCode": f"i{j}", "Direction": d, "Weight": weights[j],
                                    "Parent": "Index", "Type": "Indicator"} for j, d in enumerate(directions)]
    imeta.append({"Level": 2, "iCode": "Index", "Direction": 1, "Weight": 1, "Parent": None, "Type": "Aggregate"})
    inp = input_from_rows(idata, imeta)
    a = build(inp, load_recipe({"steps": once})).results
    b = build(inp, load_recipe({"steps": twice})).results
    assert a.units == b.units and np.array_equal(a.scores, b.scores, equal_nan=True)

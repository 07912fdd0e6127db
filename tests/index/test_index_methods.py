"""Each normalisation and aggregation method on small hand-computed examples."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from index_toy import one_aggregate_input, run

NAN = math.nan
X = [1.0, 2.0, 4.0, 8.0]


def normalised(params: dict[str, Any], x: list[float] = X, direction: int = 1,
               target: float | None = None) -> list[float]:
    inp = one_aggregate_input({"x": x}, directions={"x": direction},
                              targets={"x": target} if target is not None else None)
    return run(inp, {"normalise": params}).dataset("normalised").column("x").tolist()


@pytest.mark.parametrize(("params", "direction", "expected"), [
    ({"method": "minmax"}, 1, [0, 100 / 7, 300 / 7, 100]),
    ({"method": "minmax", "range": [1, 11]}, 1, [1, 1 + 10 / 7, 1 + 30 / 7, 11]),
    ({"method": "minmax"}, -1, [100, 600 / 7, 400 / 7, 0]),
    ({"method": "fracmax"}, 1, [0.125, 0.25, 0.5, 1]),
    ({"method": "dist2max"}, 1, [0, 1 / 7, 3 / 7, 1]),
    ({"method": "none"}, -1, [-1, -2, -4, -8]),
])
def test_normalise_simple(params: dict[str, Any], direction: int, expected: list[float]) -> None:
    assert normalised(params, direction=direction) == pytest.approx(expected, abs=1e-12)


def test_zscore() -> None:
    assert normalised({"method": "zscore"}, x=[1, 2, 3]) == pytest.approx([-1, 0, 1])
    assert normalised({"method": "zscore", "mean": 10, "sd": 2}, x=[1, 2, 3]) == pytest.approx([8, 10, 12])


def test_rank_borda_prank_with_ties_and_missing() -> None:
    x = [5.0, 1.0, 5.0, 2.0, NAN]
    rank = normalised({"method": "rank"}, x=x)
    assert rank[:4] == [3, 1, 3, 2] and math.isnan(rank[4])
    assert normalised({"method": "borda"}, x=x)[:4] == [2, 0, 2, 1]
    assert normalised({"method": "prank"}, x=x)[:4] == pytest.approx([2 / 3, 0, 2 / 3, 1 / 3])


def test_dist2targ_both_directions_and_cap() -> None:
    assert normalised({"method": "dist2targ"}, target=4) == pytest.approx([0, 1 / 3, 1, 7 / 3])
    assert normalised({"method": "dist2targ", "cap_max": True}, target=4) == pytest.approx([0, 1 / 3, 1, 1])
    # Lower is better, target 2: distance measured from the worst (largest) value.
    assert normalised({"method": "dist2targ"}, direction=-1, target=2) == pytest.approx([7 / 6, 1, 2 / 3, 0])
    # A recipe target overrides iMeta's.
    assert normalised({"method": "dist2targ", "targets": {"x": 8}}, target=4) == pytest.approx(
        [0, 1 / 7, 3 / 7, 1])


def test_goalposts_truncation_direction_scale_and_log() -> None:
    x = [-5.0, 5.0, 15.0]
    gp = {"method": "goalposts", "goalposts": {"x": [0, 10, 100]}}
    assert normalised(gp, x=x) == pytest.approx([0, 50, 100])
    assert normalised({**gp, "trunc": False}, x=x) == pytest.approx([-50, 50, 150])
    assert normalised(gp, x=x, direction=-1) == pytest.approx([100, 50, 0])
    logged = {"method": "goalposts", "goalposts": {"x": {"lower": 1, "upper": 100, "transform": "log"}}}
    assert normalised(logged, x=[1, 10, 100, 1000]) == pytest.approx([0, 0.5, 1, 1])


def aggregated(method: str, x1: list[float], x2: list[float], w: tuple[float, float] = (1, 3)) -> list[float]:
    inp = one_aggregate_input({"a": x1, "b": x2}, weights={"a": w[0], "b": w[1]})
    result = run(inp, {"normalise": {"method": "none"}}, {"aggregate": {"method": method}})
    return result.dataset("aggregated").column("Agg").tolist()


def test_weighted_means() -> None:
    assert aggregated("amean", [4, 1], [1, 9]) == pytest.approx([1.75, 7])
    assert aggregated("gmean", [4, 1], [1, 9]) == pytest.approx([math.sqrt(2), 3**1.5])
    assert aggregated("hmean", [4, 1], [1, 9]) == pytest.approx([16 / 13, 3])


def test_means_skip_missing_values_with_their_weights() -> None:
    assert aggregated("amean", [NAN, 2], [5, 4]) == pytest.approx([5, 3.5])
    assert aggregated("gmean", [NAN, 2], [5, 4]) == pytest.approx([5, 2**0.25 * 4**0.75])


def test_copeland_thresholds_the_outranking_matrix_as_coinr() -> None:
    # Units u0 = (3, 3), u1 = (2, 2), u2 = (1, 3); equal weights, so each indicator is half the weight.
    # Outranking shares: u0 vs u1 = 1/2 + 1/2 = 1 (> 1/2: +1); u0 vs u2 = 1/2 (3 > 1) + 1/4 (tie) = 3/4 (+1);
    # u1 vs u2 = 1/2 (2 > 1) + 0 (2 < 3) = 1/2 (exactly one half: 0). Row sums: u0 = 2, u1 = -1 + 0 = -1,
    # u2 = -1 + 0 = -1. (The sum of raw shares, 1.75 / 0.5 / 0.75, is a different method.)
    assert aggregated("copeland", [3, 2, 1], [3, 2, 3], w=(1, 1)) == [2.0, -1.0, -1.0]
    # Weights 1 and 3 (shares 1/4, 3/4): u0 vs u1 = 1 (+1); u0 vs u2 = 1/4 + 3/8 = 5/8 (+1);
    # u1 vs u2 = 1/4 + 0 = 1/4 (-1). Scores: u0 = 2, u1 = -1 - 1 = -2, u2 = -1 + 1 = 0.
    assert aggregated("copeland", [3, 2, 1], [3, 2, 3]) == [2.0, -2.0, 0.0]


def test_copeland_missing_values_as_coinr() -> None:
    # u0 = (1, NaN), u1 = (0, 5), u2 = (2, 5); equal weights (1/2 each). A comparison with NaN counts for
    # neither unit, and COINr fills the lower triangle with one minus the upper one:
    # (u0, u1) = 1/2 (1 > 0) -> 0, so (u1, u0) = 1/2 -> 0; (u0, u2) = 0 -> -1, (u2, u0) = 1 -> +1;
    # (u1, u2) = 0 + 1/4 (tie) = 1/4 -> -1, (u2, u1) = 3/4 -> +1. Scores: u0 = -1, u1 = -1, u2 = 2.
    # dat_thresh does not apply to Copeland (COINr aggregates it on the whole data frame).
    inp = one_aggregate_input({"a": [1, 0, 2], "b": [NAN, 5, 5]})
    result = run(inp, {"normalise": {"method": "none"}}, {"aggregate": {"method": "copeland", "dat_thresh": 1}})
    assert result.dataset("aggregated").column("Agg").tolist() == [-1.0, -1.0, 2.0]


def test_aggregate_weights_override_and_per_level_methods() -> None:
    inp = one_aggregate_input({"a": [4, 1], "b": [1, 9]})
    result = run(inp, {"normalise": {"method": "none"}},
                 {"aggregate": {"method": ["gmean"], "weights": {"a": 1, "b": 3}}})
    assert result.dataset("aggregated").column("Agg").tolist() == pytest.approx([math.sqrt(2), 3**1.5])
    assert result.weights["b"] == 3


def test_impute_methods() -> None:
    from biopark.index import input_from_rows

    idata = [{"uCode": f"u{i}", "g": g, "x": x} for i, (g, x) in enumerate(
        [("A", 1), ("A", 3), ("A", None), ("B", 10), ("B", None), ("B", 20), ("B", 90)])]
    imeta = [{"Level": 1, "iCode": "x", "Direction": 1, "Weight": 1, "Parent": "", "Type": "Indicator"},
             {"iCode": "g", "Type": "Group"}]
    inp = input_from_rows(idata, imeta)
    expected = {"mean": [24.8, 24.8], "median": [10, 10], "group_mean": [2, 40], "group_median": [2, 20]}
    for method, (fill_a, fill_b) in expected.items():
        col = run(inp, {"impute": {"method": method, "group": "g"}}).dataset("imputed").column("x")
        assert col[[2, 4]].tolist() == pytest.approx([fill_a, fill_b]), method


def test_screen_counts_availability_of_the_data_it_receives() -> None:
    inp = one_aggregate_input({"a": [1, 2, NAN, 4], "b": [1, NAN, NAN, 3]})
    # Screen before impute (COINr: Screen(dset = "Raw")): availability of observed data is 1, 1/2, 0, 1,
    # so u2 (0 < 0.5) goes; imputation then fills u1's b with the mean of the kept units' b, (1 + 3) / 2.
    first = run(inp, {"screen": {"min_availability": 0.5}}, {"impute": {"method": "mean"}})
    assert first.dataset("screened").units == ("u0", "u1", "u3")
    assert [r.availability for r in first.screen_summary] == [1.0, 0.5, 0.0, 1.0]
    assert first.dataset("imputed").units == ("u0", "u1", "u3")
    assert first.dataset("imputed").column("b").tolist() == [1.0, 2.0, 3.0]
    # Impute, then screen (COINr's example order, Screen(dset = "Imputed")): every unit is complete.
    second = run(inp, {"impute": {"method": "mean"}}, {"screen": {"min_availability": 0.5}})
    assert second.dataset("screened").units == ("u0", "u1", "u2", "u3")
    assert [r.availability for r in second.screen_summary] == [1.0, 1.0, 1.0, 1.0]
    # The compatibility option counts the data set that entered the first impute step.
    third = run(inp, {"impute": {"method": "mean"}},
                {"screen": {"min_availability": 0.5, "availability_of": "before_impute"}})
    assert third.dataset("screened").units == ("u0", "u1", "u3")
    assert not np.isnan(third.dataset("screened").values).any()


def test_steps_repeat_each_on_the_previous_output() -> None:
    inp = one_aggregate_input({"a": [1.0, 2.0, 4.0]}, directions={"a": -1})
    result = run(inp, {"normalise": {"method": "minmax", "range": [0, 10]}}, {"normalise": {"method": "none"}})
    # Direction -1: the first normalise gives 10, 20/3, 0 and the second negates that.
    assert result.dataset("normalised").column("a").tolist() == pytest.approx([-10, -20 / 3, 0])
    # Absent stages pass the data set on: treated is what the (repeated) normalise steps received.
    assert result.dataset("treated").column("a").tolist() == [1.0, 2.0, 4.0]


def test_winsorise_one_point_then_fallback_log() -> None:
    x = [1.0, 2, 2, 3, 3, 3, 4, 4, 5, 100]
    inp = one_aggregate_input({"x": x})
    treated = run(inp, {"treat": {"winmax": 1}})
    assert treated.dataset("treated").column("x").tolist() == x[:-1] + [5.0]
    assert treated.treat_summary[0].high == 1 and treated.treat_summary[0].treatment == "Winsorised 1 points"
    # An indicator that stays skewed after winmax points is log-transformed from the original values.
    y = [1.0] * 20 + [100, 200]
    r = run(one_aggregate_input({"y": y}), {"treat": {"winmax": 1}}).treat_summary[0]
    assert r.fallback == "log"
    out = run(one_aggregate_input({"y": y}), {"treat": {"winmax": 1}}).dataset("treated").column("y")
    assert out.tolist() == pytest.approx(np.log(np.array(y) - 1 + 0.01 * 199).tolist())


def test_ranks_use_min_ties() -> None:
    inp = one_aggregate_input({"a": [1, 3, 3, 2]})
    result = run(inp, {"normalise": {"method": "none"}}, {"aggregate": {}})
    assert result.results.rank("Agg") == {"u0": 4, "u1": 1, "u2": 1, "u3": 3}


def test_copeland_tie_on_every_indicator_is_exactly_half_with_any_weights() -> None:
    # u0 and u1 are equal on every indicator: their outranking share is exactly 1/2 (score 0 for the pair)
    # even with weights whose sum is not exact in floating point; both beat u2 on every indicator.
    inp = one_aggregate_input({"a": [5, 5, 1], "b": [2, 2, 1], "c": [7, 7, 0]},
                              weights={"a": 0.1, "b": 0.7, "c": 0.2})
    result = run(inp, {"normalise": {"method": "none"}}, {"aggregate": {"method": "copeland"}})
    assert result.dataset("aggregated").column("Agg").tolist() == [1.0, 1.0, -2.0]

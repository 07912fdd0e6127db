"""COINr 1.x methods beyond the basic ones, each on a hand-computed case: n_scaled, n_dist2ref, rank ties,
per-indicator normalisation, a_genmean, imputation by row, treatment chains and screening options."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from index_toy import one_aggregate_input, run

from biopark.index import IndexInputError, build, input_from_rows, load_recipe

NAN = math.nan
X = [1.0, 2.0, 4.0, 8.0]


def column(result: Any, stage: str, code: str = "x") -> list[float]:
    return [float(v) for v in result.dataset(stage).column(code)]


def normalised(params: dict[str, Any], x: list[float] = X, direction: int = 1) -> list[float]:
    return column(run(one_aggregate_input({"x": x}, directions={"x": direction}), {"normalise": params}),
                  "normalised")


# --- normalisation --------------------------------------------------------------------------------------

def test_scaled_on_direction_adjusted_values() -> None:
    # (x − 0) / (10 − 0) × 100
    assert normalised({"method": "scaled", "npara": [0, 10]}) == pytest.approx([10, 20, 40, 80])
    assert normalised({"method": "scaled", "npara": [-10, 0], "scale_factor": 1}, direction=-1) == \
        pytest.approx([0.9, 0.8, 0.6, 0.2])


def test_dist2ref() -> None:
    # Reference u1 (x = 2), worst value 1: 1 − (2 − x) / (2 − 1).
    assert normalised({"method": "dist2ref", "ref": "u1"}) == pytest.approx([0, 1, 3, 7])
    assert normalised({"method": "dist2ref", "ref": "u1", "cap_max": True}) == pytest.approx([0, 1, 1, 1])
    # A missing reference value gives missing scores (COINr warns and returns NAs).
    assert all(math.isnan(v) for v in normalised({"method": "dist2ref", "ref": "u0"}, x=[NAN, 1, 2, 3]))
    with pytest.raises(IndexInputError, match="reference unit 'nobody' is not in the data set"):
        normalised({"method": "dist2ref", "ref": "nobody"})
    with pytest.raises(IndexInputError, match="dist2ref needs 'ref'"):
        normalised({"method": "dist2ref"})


@pytest.mark.parametrize(("ties", "expected"), [
    ("min", [3, 1, 3, 2]), ("max", [4, 1, 4, 2]), ("average", [3.5, 1, 3.5, 2]), ("first", [3, 1, 4, 2]),
    ("last", [4, 1, 3, 2]),
])
def test_rank_ties_as_r(ties: str, expected: list[float]) -> None:
    assert normalised({"method": "rank", "ties": ties}, x=[5, 1, 5, 2]) == expected
    assert normalised({"method": "borda", "ties": ties}, x=[5, 1, 5, 2]) == [e - 1 for e in expected]


def test_indiv_specs_replace_the_step_spec_for_their_indicators() -> None:
    inp = one_aggregate_input({"x": X, "y": [3, 1, 2, 2]})
    result = run(inp, {"normalise": {"method": "minmax", "range": [0, 1], "indiv": {"y": {"method": "rank"}}}})
    assert column(result, "normalised", "x") == pytest.approx([0, 1 / 7, 3 / 7, 1])
    assert column(result, "normalised", "y") == [4, 1, 2, 2]
    with pytest.raises(IndexInputError, match="'z' is not an indicator"):
        run(inp, {"normalise": {"indiv": {"z": {"method": "rank"}}}})


# --- aggregation ----------------------------------------------------------------------------------------

def aggregated(params: dict[str, Any], a: list[float], b: list[float]) -> list[float]:
    inp = one_aggregate_input({"a": a, "b": b}, weights={"a": 1, "b": 3})
    return column(run(inp, {"normalise": {"method": "none"}}, {"aggregate": params}), "aggregated", "Agg")


def test_genmean() -> None:
    # p = 2, weights 1 and 3: sqrt((1·a² + 3·b²) / 4).
    got = aggregated({"method": "genmean", "p": 2}, [1, 2, 5], [3, 4, NAN])
    assert got[:2] == pytest.approx([math.sqrt(7), math.sqrt(13)])
    assert math.isnan(got[2])  # as COINr's a_genmean: a missing child makes the mean missing
    assert aggregated({"method": "genmean", "p": -1}, [1, 2], [3, 4]) == pytest.approx(
        [4 / (1 + 3 / 3), 4 / (1 / 2 + 3 / 4)])
    with pytest.raises(IndexInputError, match="negative p needs positive values"):
        aggregated({"method": "genmean", "p": -1}, [0, 2], [3, 4])
    with pytest.raises(IndexInputError, match="p: 0 is the limit of the generalised mean"):
        aggregated({"method": "genmean", "p": 0}, [1, 2], [3, 4])


def test_dat_thresh_per_level() -> None:
    idata = [{"uCode": "u0", "a": 1, "b": NAN, "c": 3}, {"uCode": "u1", "a": 2, "b": 4, "c": 5}]
    imeta = [{"Level": 1, "iCode": c, "Direction": 1, "Weight": 1, "Parent": p, "Type": "Indicator"}
             for c, p in (("a", "P"), ("b", "P"), ("c", "Q"))]
    imeta += [{"Level": 2, "iCode": p, "Direction": 1, "Weight": 1, "Parent": "I", "Type": "Aggregate"}
              for p in ("P", "Q")]
    imeta.append({"Level": 3, "iCode": "I", "Direction": 1, "Weight": 1, "Parent": None, "Type": "Aggregate"})
    inp = input_from_rows(idata, imeta)
    steps = [{"normalise": {"method": "none"}}, {"aggregate": {"dat_thresh": [0.6, 0]}}]
    agg = build(inp, load_recipe({"steps": steps})).dataset("aggregated")
    # P of u0 has half its data (< 0.6): missing; I then averages Q alone (threshold 0 at level 3).
    assert math.isnan(agg.column("P")[0]) and agg.column("I").tolist() == [3.0, 4.0]


# --- imputation -----------------------------------------------------------------------------------------

def test_impute_by_row_with_and_without_normalising_first() -> None:
    inp = one_aggregate_input({"a": [1, NAN, 3], "b": [3, 4, 5], "c": [5, 6, NAN]})
    plain = run(inp, {"impute": {"method": "mean", "by": "row", "normalise_first": False}})
    # u1: mean(b, c) = 5; u2: mean(a, b) = 4.
    assert column(plain, "imputed", "a")[1] == 5 and column(plain, "imputed", "c")[2] == 4
    scaled = run(inp, {"impute": {"method": "mean", "by": "row"}})
    # Min-max first (a: 1..3, b: 3..5, c: 5..6): u1 gets mean(0.5, 1) = 0.75 -> a = 1 + 0.75·2 = 2.5;
    # u2 gets mean(1, 1) = 1 -> c = 5 + 1·1 = 6. Observed values are unchanged.
    assert column(scaled, "imputed", "a") == [1, 2.5, 3] and column(scaled, "imputed", "c") == [5, 6, 6]


def test_impute_by_row_within_groups_of_a_level() -> None:
    idata = [{"uCode": "u0", "a": NAN, "b": 10, "c": 100}, {"uCode": "u1", "a": 1, "b": 20, "c": 200}]
    imeta = [{"Level": 1, "iCode": c, "Direction": 1, "Weight": 1, "Parent": p, "Type": "Indicator"}
             for c, p in (("a", "P"), ("b", "P"), ("c", "Q"))]
    imeta += [{"Level": 2, "iCode": p, "Direction": 1, "Weight": 1, "Parent": "I", "Type": "Aggregate"}
              for p in ("P", "Q")]
    imeta.append({"Level": 3, "iCode": "I", "Direction": 1, "Weight": 1, "Parent": None, "Type": "Aggregate"})
    inp = input_from_rows(idata, imeta)
    grouped = build(inp, load_recipe({"steps": [
        {"impute": {"method": "mean", "by": "row", "group_level": 2, "normalise_first": False}}]}))
    ungrouped = build(inp, load_recipe({"steps": [
        {"impute": {"method": "mean", "by": "row", "normalise_first": False}}]}))
    assert grouped.dataset("imputed").column("a")[0] == 10  # only b is in a's pillar
    assert ungrouped.dataset("imputed").column("a")[0] == 55  # mean(10, 100)


def test_group_imputation_leaves_units_without_a_group() -> None:
    idata = [{"uCode": f"u{i}", "G": g, "x": v} for i, (g, v) in enumerate([("A", 1), ("A", NAN), ("", NAN),
                                                                             ("B", 5)])]
    imeta = [{"Level": 1, "iCode": "x", "Direction": 1, "Weight": 1, "Parent": "Agg", "Type": "Indicator"},
             {"Level": 2, "iCode": "Agg", "Direction": 1, "Weight": 1, "Parent": None, "Type": "Aggregate"},
             {"iCode": "G", "Type": "Group"}]
    result = build(input_from_rows(idata, imeta), load_recipe({"steps": [
        {"impute": {"method": "group_mean", "group": "G"}}]}))
    values = result.dataset("imputed").column("x").tolist()
    assert values[:2] == [1, 1] and math.isnan(values[2]) and values[3] == 5


# --- treatment ------------------------------------------------------------------------------------------

SKEWED = [1.0] * 20 + [100, 200]


def treated(params: dict[str, Any], x: list[float] = SKEWED) -> tuple[list[float], Any]:
    result = run(one_aggregate_input({"x": x}), {"treat": params})
    return column(result, "treated"), (result.treat_summary[0] if result.treat_summary else None)


def test_transformations_as_f1_and_f2() -> None:
    x = np.array(SKEWED)
    # f1 a transformation; the column still fails the test, and without an f2 it stays so.
    values, record = treated({"method": "log_CT_orig", "fallback": "none"})
    assert values == pytest.approx(np.log(x - 1 + 1).tolist()) and record.fallback == "log_CT_orig"
    # With COINr's default f2 (log_CT), the still-failing column gets log_CT of the original values.
    values, record = treated({"method": "log_CT_orig"})
    assert values == pytest.approx(np.log(x - 1 + 0.01 * 199).tolist()) and record.fallback == "log"
    values, record = treated({"method": "boxcox", "lambda": 0.5, "fallback": "none"})
    assert values == pytest.approx(((x ** 0.5 - 1) / 0.5).tolist())  # min is already 1: no shift
    values, record = treated({"winmax": 1, "fallback": "boxcox", "lambda": 0, "makepos": False})
    assert values == pytest.approx(np.log(x).tolist()) and record.treatment == "Transformed (boxcox)"
    # log_CT_plus mirrors the log for a negative skew: −ln(max + 0.01·range − x).
    neg = -x
    values, _ = treated({"method": "log_CT_plus", "fallback": "none"}, list(neg))
    assert values == pytest.approx((-np.log(-1 + 0.01 * 199 - neg)).tolist())


def test_combine_transforms_the_winsorised_values() -> None:
    values, record = treated({"winmax": 1, "combine": True})
    wins = np.array([1.0] * 20 + [100, 100])
    assert values == pytest.approx(np.log(wins - 1 + 0.01 * 99).tolist())
    # One point (200) was winsorised; COINr counts the points of the last winsorisation step.
    assert (record.high, record.treatment) == (1, "Winsorised 1 points, transformed (log)")


def test_force_win_goes_on_to_winmax() -> None:
    x = [1.0, 2, 2, 3, 3, 3, 4, 4, 5, 100]
    once, _ = treated({"winmax": 3}, x)
    assert once == x[:-1] + [5.0]  # passes after one point
    forced, record = treated({"winmax": 3, "force_win": True}, x)
    # Forced on: 100 -> 5 (high end, 1 point); skew now -0.09, so 1 -> 2 (low end, 1 point: 2 counted);
    # skew 0.34: the two 5s -> 4 (high end, 2 points: 2 + 1 = 3 = winmax, stop).
    assert forced == [2.0, 2, 2, 3, 3, 3, 4, 4, 4, 4] and (record.low, record.high, record.winsorised) == (1, 2, 3)


def test_untreated_when_winsorising_leaves_one_value() -> None:
    # Winsorising 100 gives a constant column: skewness is undefined, and COINr returns the original.
    x = [1.0] * 9 + [100]
    values, record = treated({"winmax": 5}, x)
    assert values == x and record.passed is False


def test_indiv_treatment_specs() -> None:
    inp = one_aggregate_input({"x": SKEWED, "y": SKEWED})
    result = run(inp, {"treat": {"winmax": 1, "indiv": {"x": "none", "y": {"fallback": "log_CT_orig"}}}})
    assert column(result, "treated", "x") == SKEWED
    assert column(result, "treated", "y") == pytest.approx(np.log(np.array(SKEWED)).tolist())


# --- screening ------------------------------------------------------------------------------------------

def screened(params: dict[str, Any]) -> tuple[str, ...]:
    inp = one_aggregate_input({"a": [1, 0, NAN, 0], "b": [2, 0, NAN, 3], "c": [3, 0, 1, NAN]})
    return run(inp, {"screen": params}).dataset("screened").units


def test_screen_defaults_and_options() -> None:
    # COINr's default dat_thresh is 2/3: u2 has 1 of 3 values.
    assert screened({}) == ("u0", "u1", "u3")
    # u1 has only zeros, u3 one zero in two values (share of non-zeros 0.5).
    assert screened({"unit_screen": "byzeros"}) == ("u0", "u2", "u3")
    assert screened({"unit_screen": "byzeros", "nonzero_thresh": 0.6}) == ("u0", "u2")
    assert screened({"unit_screen": "byNAandzeros"}) == ("u0", "u3")
    assert screened({"force": {"include": ["u2"], "exclude": ["u0"]}}) == ("u1", "u2", "u3")
    with pytest.raises(IndexInputError, match="unit 'u9' is not in the data set"):
        screened({"force": {"include": ["u9"]}})

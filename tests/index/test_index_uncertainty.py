"""The batched uncertainty engine agrees with plain rebuilds; Sobol estimates behave; analysis helpers."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from index_refdata import ASEM_DIR
from index_toy import one_aggregate_input, run

from biopark.index import IndexInputError, build, load_coinr_tables, load_recipe
from biopark.index.analysis import cronbach_alpha, pca_weights
from biopark.index.dataset import Dataset
from biopark.index.recipe import Recipe
from biopark.index.uncertainty import _Engine

EXAMPLES = Path(__file__).resolve().parents[2] / "biopark" / "index" / "examples"
needs_asem = pytest.mark.skipif(not ASEM_DIR.is_dir(), reason=f"shared ASEM data not found at {ASEM_DIR}")


@needs_asem
def test_batched_replications_equal_one_rebuild_each() -> None:
    assert_batched_equals_rebuilds(load_recipe(EXAMPLES / "asem.yaml"))


@needs_asem
def test_copeland_varies_in_replications_and_equals_rebuilds() -> None:
    recipe = load_recipe(EXAMPLES / "asem.yaml")
    assert recipe.uncertainty is not None
    # Copeland at every level, Copeland for pillars under an arithmetic index, and plain means.
    discrete = {**recipe.uncertainty.discrete,
                "aggregate.method": [["copeland"], ["copeland", "amean"], ["amean", "copeland"], ["amean"]]}
    recipe = dataclasses.replace(recipe, uncertainty=dataclasses.replace(recipe.uncertainty, discrete=discrete))
    assert_batched_equals_rebuilds(recipe, rows=32)


@needs_asem
def test_genmean_varies_in_replications_and_equals_rebuilds() -> None:
    recipe = load_recipe(EXAMPLES / "asem.yaml")
    assert recipe.uncertainty is not None
    discrete = {**recipe.uncertainty.discrete, "aggregate.method": [["genmean"], ["genmean", "amean"], ["amean"]],
                "aggregate.p": [2, 4]}
    recipe = dataclasses.replace(recipe, uncertainty=dataclasses.replace(recipe.uncertainty, discrete=discrete))
    assert_batched_equals_rebuilds(recipe, rows=24)


def assert_batched_equals_rebuilds(recipe: Recipe, rows: int = 24) -> None:
    inp = load_coinr_tables(ASEM_DIR / "ASEM_iData.csv", ASEM_DIR / "ASEM_iMeta.csv")
    nominal = build(inp, dataclasses.replace(recipe, uncertainty=None, sensitivity=None))
    engine = _Engine(inp, recipe, "Index", nominal.results.units)
    sample = np.random.default_rng(7).random((rows, engine.dims))
    ranks, failed = engine.ranks(sample, chunk=5)
    spec = recipe.uncertainty
    assert spec is not None and spec.weights is not None
    checked = 0
    for row, u in enumerate(sample):
        r = dataclasses.replace(recipe, uncertainty=None, sensitivity=None)
        for f in (*engine.data_factors, *engine.agg_factors):
            alts = spec.discrete[f.name]
            choice = alts[min(int(u[f.columns[0]] * len(alts)), len(alts) - 1)]
            step, _, param = f.name.partition(".")
            current = r.step(step)
            assert current is not None
            r = r.with_step_params(step, {**current.params, param: choice} if param else choice)
        weights = dict(inp.framework.weights)
        wcols = engine.factors[-1].columns
        for k, node_index in enumerate(engine.perturbed):
            code = engine.nodes[node_index]
            weights[code] *= 1 + spec.weights.noise * (2 * u[wcols[k]] - 1)
        agg = r.step("aggregate")
        assert agg is not None
        r = r.with_step_params("aggregate", {**agg.params, "weights": weights})
        try:
            expected = build(inp, r).results.rank("Index")
        except IndexInputError:
            assert failed[row]
            continue
        assert not failed[row]
        assert ranks[row].tolist() == [expected[unit] for unit in nominal.results.units]
        checked += 1
    assert checked >= rows // 2


def test_uncertainty_is_reproducible_and_sobol_finds_the_only_factor() -> None:
    inp = one_aggregate_input({"a": [1, 2, 3, 4, 5], "b": [5, 3, 4, 1, 2], "c": [2, 2, 5, 4, 1]})
    recipe = load_recipe({
        "steps": [{"normalise": {"method": "minmax", "range": [1, 100]}}, {"aggregate": {"method": "amean"}}],
        "uncertainty": {"replications": 500, "seed": 3, "vary": {"weights": {"noise": 0.5, "levels": [1]}}},
        "sensitivity": {"replications": 400},
    })
    one, two = build(inp, recipe), build(inp, recipe)
    assert one.uncertainty is not None and two.uncertainty is not None
    assert np.array_equal(one.uncertainty.ranks, two.uncertainty.ranks)
    assert one.uncertainty.failed == 0
    sens = one.sensitivity
    assert sens is not None and sens.factors == ("weights",)
    assert sens.runs == 400 * 3
    # With a single factor, the total-order index is ~1 (all output variance comes from it).
    assert sens.total_order[0] == pytest.approx(1.0, abs=0.15)


def test_gmean_failures_are_counted_not_fatal() -> None:
    inp = one_aggregate_input({"a": [1, 2, 3, 4, 5], "b": [5, 3, 4, 1, 2]})
    recipe = load_recipe({
        "steps": [{"normalise": {"method": "minmax", "range": [1, 100]}}, {"aggregate": {"method": "amean"}}],
        "uncertainty": {"replications": 200, "seed": 1, "vary": {
            "normalise": [{"method": "minmax", "range": [0, 100]}, {"method": "minmax", "range": [1, 100]}],
            "aggregate.method": ["gmean"]}},
    })
    unc = build(inp, recipe).uncertainty
    assert unc is not None and 50 < unc.failed < 150
    assert np.all(unc.ranks[unc.failed_mask] == 0)


def test_effective_weights_and_strengths() -> None:
    inp = one_aggregate_input({"a": [1, 2, 3], "b": [3, 1, 2]}, weights={"a": 1, "b": 3})
    result = run(inp, {"normalise": {"method": "minmax"}}, {"aggregate": {}})
    assert result.effective_weights() == {"a": 0.25, "b": 0.75, "Agg": 1.0}
    profiles = result.strengths_weaknesses(top_n=1)
    # As COINr's get_str_weak (min_discard): u0 is last on a, so a is neither a strength nor a weakness.
    assert profiles["u0"].strengths == (("b", 1),) and profiles["u0"].weaknesses == (("b", 1),)
    assert result.strengths_weaknesses(top_n=1, min_discard=False)["u0"].weaknesses == (("a", 3),)


def test_cronbach_alpha_and_pca_on_known_data() -> None:
    inp = one_aggregate_input({"a": [1, 2, 3, 4], "b": [2, 4, 6, 8], "c": [1, 3, 2, 4]})
    result = run(inp, {"normalise": {"method": "none"}}, {"aggregate": {}})
    x = np.array([[1, 2, 1], [2, 4, 3], [3, 6, 2], [4, 8, 4]], dtype=float)
    cov = np.cov(x, rowvar=False)
    assert cronbach_alpha(result.dataset("aggregated"), inp.framework)["Agg"] == pytest.approx(
        1.5 * (1 - np.trace(cov) / cov.sum()))
    assert result.cronbach_alpha()["Agg"] == pytest.approx(1.5 * (1 - np.trace(cov) / cov.sum()))
    group = pca_weights(Dataset(("u0", "u1", "u2", "u3"), ("a", "b", "c"), x), inp.framework)["Agg"]
    z = (x - x.mean(0)) / x.std(0, ddof=1)
    _, s, vt = np.linalg.svd(z, full_matrices=False)
    expected = vt[0] if vt[0].sum() >= 0 else -vt[0]
    assert np.allclose(group.loadings, expected)
    assert group.variance_explained == pytest.approx(s[0] ** 2 / (s**2).sum())
    codes, corr = result.correlations("aggregated")
    assert codes == ("a", "b", "c", "Agg") and corr[0, 1] == pytest.approx(1.0)
    assert not math.isnan(result.parent_correlations()["c"])


@needs_asem
def test_a_zero_variance_pillar_makes_its_pca_unavailable_not_the_build(tmp_path: Path) -> None:
    # The case: goalposts that truncate every ASEM unit's ForPort to the lower goalpost leave
    # that indicator constant in the ConEcFin pillar; the build and the other pillars' PCA are fine.
    from biopark.index import write_build

    inp = load_coinr_tables(ASEM_DIR / "ASEM_iData.csv", ASEM_DIR / "ASEM_iMeta.csv")
    recipe = dataclasses.replace(load_recipe(EXAMPLES / "asem.yaml"), uncertainty=None, sensitivity=None)
    treated = build(inp, recipe).dataset("treated")
    goalposts = {c: [float(np.nanmin(treated.column(c))), float(np.nanmax(treated.column(c))), 100]
                 for c in inp.framework.indicators}
    top = float(np.nanmax(treated.column("ForPort")))
    goalposts["ForPort"] = [top + 1, top + 2, 100]
    result = build(inp, recipe.with_step_params("normalise", {"method": "goalposts", "goalposts": goalposts}))
    assert set(result.dataset("normalised").column("ForPort").tolist()) == {0.0}
    assert [str(w) for w in result.analysis_warnings()] == [
        "pca_weights: unavailable for ConEcFin: zero variance in ForPort"]
    write_build(result, tmp_path / "out")
    assert (tmp_path / "out" / "warnings.csv").read_text().splitlines() == [
        "table,group,reason", "pca_weights,ConEcFin,zero variance in ForPort"]
    pca = [line.split(",") for line in (tmp_path / "out" / "pca_weights.csv").read_text().splitlines()]
    assert pca[0] == ["Parent", "iCode", "loading", "variance_explained", "unavailable"]
    con = [row for row in pca[1:] if row[0] == "ConEcFin"]
    assert con == [["ConEcFin", code, "NA", "NA", "zero variance in ForPort"]
                   for code in ("Goods", "Services", "FDI", "PRemit", "ForPort")]
    others = {row[0] for row in pca[1:] if row[0] != "ConEcFin"}
    groups = result.pca_weights(level=1, dataset="normalised")
    assert others == set(groups) - {"ConEcFin"} and len(others) == 7
    assert all(not groups[p].unavailable and len(groups[p].loadings) == len(groups[p].codes) for p in others)

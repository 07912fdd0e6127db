"""Reproduce published builds: COINr 6's ASEM build (every stage) and UNDP's HDI (6,171 values)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from index_refdata import (
    ASEM_DIR,
    COINR6_ASEM_RECIPE,
    HDI_FILE,
    HDI_IMETA,
    coinr6_asem_tables,
    hdi_year_tables,
    published_stage,
    read_rows,
)

from biopark.index import BuildResult, build, input_from_rows, load_coinr_tables, load_recipe, write_build

EXAMPLES = Path(__file__).resolve().parents[2] / "biopark" / "index" / "examples"
needs_asem = pytest.mark.skipif(not ASEM_DIR.is_dir(), reason=f"shared ASEM data not found at {ASEM_DIR}")
needs_hdi = pytest.mark.skipif(not HDI_FILE.is_file(), reason=f"shared HDI data not found at {HDI_FILE}")


@pytest.fixture(scope="module")
def coinr6_build() -> BuildResult:
    idata, imeta = coinr6_asem_tables()
    return build(input_from_rows(idata, imeta), load_recipe(COINR6_ASEM_RECIPE))


@needs_asem
@pytest.mark.parametrize(("stage", "published"), [
    ("denominated", "Denominated"), ("imputed", "Imputed"), ("treated", "Treated"),
    ("normalised", "Normalised"), ("aggregated", "Aggregated"),
])
def test_asem_coinr6_stage_reproduced(coinr6_build: BuildResult, stage: str, published: str) -> None:
    units, columns = published_stage(published)
    data = coinr6_build.dataset(stage)
    rows = [data.units.index(u) for u in units]
    assert set(columns) <= set(data.codes)
    for code, expected in columns.items():
        mine = data.column(code)[rows]
        np.testing.assert_array_equal(np.isnan(mine), np.isnan(expected), err_msg=code)
        np.testing.assert_allclose(mine, expected, rtol=0, atol=1e-9, err_msg=f"{stage} {code}")


@needs_asem
def test_asem_coinr6_treatment_summary(coinr6_build: BuildResult) -> None:
    published = {r["IndCode"]: r for r in read_rows(ASEM_DIR / "ASEM_COIN_TreatSummary.csv")}
    records = {r.code: r for r in coinr6_build.treat_summary}
    assert set(records) == set(published)
    for code, row in published.items():
        rec = records[code]
        assert (rec.low, rec.high) == (int(float(row["Low"])), int(float(row["High"]))), code
        assert rec.treatment == row["Treatment"], code


@needs_asem
def test_asem_coinr6_results_scores_and_ranks(coinr6_build: BuildResult) -> None:
    scores = read_rows(ASEM_DIR / "ASEM_COIN_ResultsScore.csv")
    ranks = {r["UnitCode"]: r for r in read_rows(ASEM_DIR / "ASEM_COIN_ResultsRank.csv")}
    results = coinr6_build.results
    codes = [c for c in scores[0] if c not in ("UnitCode", "UnitName", "Rank")]
    assert set(codes) == set(results.codes)
    for code in codes:
        # COINr 6 ranked the scores after rounding them to 2 decimals.
        mine_score, mine_rank = results.score(code), results.rank(code, decimals=2)
        for row in scores:
            unit = row["UnitCode"]
            assert round(mine_score[unit], 2) == pytest.approx(float(row[code]), abs=1e-9), (code, unit)
            assert mine_rank[unit] == int(float(ranks[unit][code])), (code, unit)
    index_rank = results.rank("Index", decimals=2)
    for row in scores:
        assert index_rank[row["UnitCode"]] == int(float(row["Rank"]))


@needs_asem
def test_asem_coinr1_recipe_builds_and_writes(tmp_path: Path) -> None:
    inp = load_coinr_tables(ASEM_DIR / "ASEM_iData.csv", ASEM_DIR / "ASEM_iMeta.csv")
    result = build(inp, load_recipe(EXAMPLES / "asem.yaml"))
    assert len(inp.units) == 51 and len(inp.framework.indicators) == 49
    kept = [r.unit for r in result.screen_summary if r.kept]
    # As COINr's build_example_coin (Impute, then Screen with dat_thresh 0.9 on the imputed data): every
    # unit has all its (imputed) data, so all 51 are kept.
    assert len(kept) == 51 and all(r.availability == 1.0 for r in result.screen_summary)
    assert result.dataset("screened").units == tuple(kept)
    assert any(r.fallback == "log" for r in result.treat_summary) or all(r.passed for r in result.treat_summary)
    assert not np.isnan(result.dataset("aggregated").values).any()
    files = write_build(result, tmp_path / "out")
    names = sorted(p.name for p in files)
    assert names == sorted(["denominated.csv", "imputed.csv", "screened.csv", "treated.csv",
                            "normalised.csv", "aggregated.csv", "results.csv", "treatment.csv",
                            "uncertainty.csv", "sensitivity.csv", "weights.csv", "correlations.csv",
                            "parent_correlations.csv", "cronbach.csv", "pca_weights.csv",
                            "strengths_weaknesses.csv", "warnings.csv"])
    # The analysis files carry the same numbers as the BuildResult's methods.
    cronbach = dict(line.split(",") for line in (tmp_path / "out" / "cronbach.csv").read_text().splitlines()[1:])
    for code, alpha in result.cronbach_alpha().items():
        assert cronbach[code] == ("NA" if np.isnan(alpha) else repr(alpha))
    weights = [line.split(",") for line in (tmp_path / "out" / "weights.csv").read_text().splitlines()[1:]]
    top_level = [float(w[4]) for w in weights if w[2] == "Index"]
    assert abs(sum(top_level) - 1.0) < 1e-12
    sw = (tmp_path / "out" / "strengths_weaknesses.csv").read_text().splitlines()
    assert len(sw) == 1 + len(kept) * 10
    header = (tmp_path / "out" / "aggregated.csv").read_text().splitlines()[0].split(",")
    assert header[0] == "uCode" and "Index" in header and "LPI" in header
    unc = result.uncertainty
    assert unc is not None and unc.replications == 10000 and unc.target == "Index"
    assert np.all(unc.p05_rank <= unc.median_rank) and np.all(unc.median_rank <= unc.p95_rank)
    sens = result.sensitivity
    assert sens is not None
    assert sens.factors == ("treat.winmax", "normalise", "aggregate.method", "weights")
    assert np.all(sens.total_order >= 0)


@needs_hdi
def test_hdi_reproduced_for_every_published_value() -> None:
    recipe = load_recipe(EXAMPLES / "hdi.yaml")
    checked, worst = 0, 0.0
    for year in range(1990, 2023):
        idata, published = hdi_year_tables(year)
        scores = build(input_from_rows(idata, HDI_IMETA), recipe).results.score("HDI")
        for unit, value in published.items():
            worst = max(worst, abs(scores[unit] - value))
            checked += 1
    assert checked == 6171
    assert worst <= 0.0005

"""Benchmark: 2,000 units × 240 indicators × 10,000 replications (synthetic, seeded); one JSON object.

Framework: 240 indicators in 24 pillars of 10, 4 sub-indices of 6 pillars, 1 index; 3 % of values
missing; recipe as the ASEM example (impute, treat, normalise, aggregate) with the same varied assumptions.

    .venv/bin/python bench/index_uncertainty_large.py
    .venv/bin/python bench/index_uncertainty_large.py --size tiny   # 60 units x 60 indicators x 20 replications

No database. JSON keys: benchmark, size, units, indicators, replications, failed_replications,
input_seconds, wall_seconds, per_replication_ms, coinr_asem_per_replication_ms, peak_rss_mb.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from _common import bench_size, sized  # noqa: E402

from biopark.index import build, input_from_rows, load_recipe  # noqa: E402

SIZE = bench_size(__doc__)
# indicators: a multiple of PILLAR_SIZE * PILLARS_PER_SUB (60), so that every sub-index is whole.
PARAMS = sized(SIZE, {
    "tiny": {"units": 60, "indicators": 60, "replications": 20},
    "small": {"units": 500, "indicators": 120, "replications": 1000},
    "full": {"units": 2000, "indicators": 240, "replications": 10_000},
})
N_UNITS, N_IND, PILLAR_SIZE, PILLARS_PER_SUB = PARAMS["units"], PARAMS["indicators"], 10, 6
COINR_MS_PER_REPLICATION = 85.0


def synthetic_tables(seed: int = 42) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(N_UNITS, 1))
    values = np.exp(0.6 * latent + rng.normal(size=(N_UNITS, N_IND)))  # skewed, correlated, positive
    values[rng.random(values.shape) < 0.03] = np.nan
    codes = [f"i{j:03d}" for j in range(N_IND)]
    idata = [{"uCode": f"U{i:04d}", **{c: values[i, j] for j, c in enumerate(codes)}} for i in range(N_UNITS)]
    n_pillars = N_IND // PILLAR_SIZE
    imeta: list[dict[str, Any]] = [
        {"Level": 1, "iCode": c, "Direction": 1 if j % 5 else -1, "Weight": 1 + j % 3,
         "Parent": f"P{j // PILLAR_SIZE:02d}", "Type": "Indicator"} for j, c in enumerate(codes)]
    imeta += [{"Level": 2, "iCode": f"P{p:02d}", "Direction": 1, "Weight": 1, "Parent": f"S{p // PILLARS_PER_SUB}",
               "Type": "Aggregate"} for p in range(n_pillars)]
    imeta += [{"Level": 3, "iCode": f"S{s}", "Direction": 1, "Weight": 1, "Parent": "Index", "Type": "Aggregate"}
              for s in range(n_pillars // PILLARS_PER_SUB)]
    imeta.append({"Level": 4, "iCode": "Index", "Direction": 1, "Weight": 1, "Parent": None, "Type": "Aggregate"})
    return idata, imeta


RECIPE = {
    "steps": [
        {"impute": {"method": "mean"}},
        {"treat": {"method": "winsorise", "winmax": 5, "skew": 2.0, "kurtosis": 3.5, "fallback": "log"}},
        {"normalise": {"method": "minmax", "range": [1, 100]}},
        {"aggregate": {"method": "amean"}},
    ],
    "uncertainty": {
        "replications": PARAMS["replications"], "seed": 1,
        "vary": {
            "treat.winmax": [1, 2, 3, 4, 5],
            "normalise": [{"method": "minmax", "range": [1, 100]}, {"method": "zscore", "mean": 10, "sd": 2}],
            "aggregate.method": ["amean", "gmean"],
            "weights": {"noise": 0.25, "levels": [2, 3]},
        },
    },
}


def main() -> None:
    t0 = time.perf_counter()
    idata, imeta = synthetic_tables()
    inp = input_from_rows(idata, imeta)
    recipe = load_recipe(RECIPE)
    t1 = time.perf_counter()
    result = build(inp, recipe)
    wall = time.perf_counter() - t1
    unc = result.uncertainty
    assert unc is not None
    per_rep_ms = wall / unc.replications * 1000
    print(json.dumps({
        "benchmark": "index_uncertainty_large",
        "size": SIZE,
        "units": N_UNITS, "indicators": N_IND, "replications": unc.replications,
        "failed_replications": unc.failed,
        "input_seconds": round(t1 - t0, 3), "wall_seconds": round(wall, 3),
        "per_replication_ms": round(per_rep_ms, 4),
        "coinr_asem_per_replication_ms": COINR_MS_PER_REPLICATION,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()

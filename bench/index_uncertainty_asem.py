"""Benchmark: 10,000-replication uncertainty analysis of the ASEM index (prints one JSON object).

Varies winmax 1..5, min-max [1, 100] / z-score (10, 2), ±25 % weights on pillars and sub-indices and
arithmetic/geometric mean, as biopark/index/examples/asem.yaml does (without its sensitivity section).
COINr 1.1.14 needs about 85 ms per replication on this machine kind. The data are COINr's ASEM example as
shipped in biopark/rankings/data/asem.

    .venv/bin/python bench/index_uncertainty_asem.py
    .venv/bin/python bench/index_uncertainty_asem.py --size tiny    # 20 replications (BIOPARK_BENCH_SIZE)

No database. JSON keys: benchmark, size, units, indicators, replications, failed_replications, wall_seconds,
per_replication_ms, coinr_per_replication_ms, speedup_vs_coinr, peak_rss_mb, note.
"""

from __future__ import annotations

import dataclasses
import json
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from _common import bench_size, sized  # noqa: E402

from biopark.index import build, load_coinr_tables, load_recipe  # noqa: E402

SIZE = bench_size(__doc__)
REPLICATIONS = sized(SIZE, {"tiny": {"replications": 20}, "small": {"replications": 1000},
                            "full": {"replications": 10_000}})["replications"]

COINR_MS_PER_REPLICATION = 85.0


def main() -> None:
    asem = REPO / "biopark" / "rankings" / "data" / "asem"
    inp = load_coinr_tables(asem / "ASEM_iData.csv", asem / "ASEM_iMeta.csv")
    recipe = load_recipe(REPO / "biopark" / "index" / "examples" / "asem.yaml")
    assert recipe.uncertainty is not None
    recipe = dataclasses.replace(recipe, sensitivity=None,
                                 uncertainty=dataclasses.replace(recipe.uncertainty, replications=REPLICATIONS))
    build(inp, dataclasses.replace(recipe, uncertainty=None))  # warm-up: imports, first-touch allocations
    start = time.perf_counter()
    result = build(inp, recipe)
    wall = time.perf_counter() - start
    unc = result.uncertainty
    assert unc is not None
    per_rep_ms = wall / unc.replications * 1000
    print(json.dumps({
        "benchmark": "index_uncertainty_asem",
        "size": SIZE,
        "units": len(result.results.units), "indicators": len(inp.framework.indicators),
        "replications": unc.replications, "failed_replications": unc.failed,
        "wall_seconds": round(wall, 4), "per_replication_ms": round(per_rep_ms, 5),
        "coinr_per_replication_ms": COINR_MS_PER_REPLICATION,
        "speedup_vs_coinr": round(COINR_MS_PER_REPLICATION / per_rep_ms, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "note": "wall time of build() including the nominal build and variant precomputation",
    }))


if __name__ == "__main__":
    main()

"""Benchmark: uncertainty analysis of the ASEM index, BioPark and (when installed) COINr; one JSON object.

The recipe is COINr's example build (build_example_coin: denominate, impute by Europe/Asia group, screen
at 0.9 on the imputed data, treat, min-max, arithmetic mean) with the assumptions of COINr's sensitivity
vignette varied: winmax 1..5, min-max [1, 100] or z-score (10, 2), ±25 % weights on pillars and
sub-indices, arithmetic or geometric mean (biopark/index/examples/asem.yaml without its sensitivity
section). The data are COINr's ASEM example as shipped in biopark/rankings/data/asem.

When R with COINr is installed (`Rscript` on PATH and `requireNamespace("COINr")` true), the same
analysis also runs in COINr in the same invocation (get_sensitivity with SA_type = "UA" on
build_example_coin(), COINr's own copy of the same data), timed inside R around get_sensitivity only,
and the per-replication ratio is printed. Otherwise the COINr fields are null and the reference figure
(85 ms per replication, COINr 1.1.14 on this machine kind) is used for speedup_vs_coinr. Set
BIOPARK_BENCH_COINR=0 to skip COINr even when installed. Installing it (Debian):

    apt-get install r-base-core r-cran-ggplot2 r-cran-openxlsx r-cran-readxl r-cran-rlang
    git clone https://github.com/bluefoxr/COINr && R CMD INSTALL COINr   # from source, v1.1.14

Differences the ratio does not hide: COINr draws the weights from 100 pre-generated noisy weight sets
(get_noisy_weights, as its vignette), BioPark draws fresh noise per replication; COINr's RNG differs, so
the rank statistics agree only statistically.

    .venv/bin/python bench/index_uncertainty_asem.py
    .venv/bin/python bench/index_uncertainty_asem.py --size tiny    # 20 replications (BIOPARK_BENCH_SIZE)

No database. JSON keys: benchmark, size, units, indicators, replications, failed_replications, wall_seconds,
per_replication_ms, coinr_per_replication_ms, speedup_vs_coinr, coinr_measured, coinr_replications,
coinr_failed_replications, coinr_wall_seconds, coinr_measured_per_replication_ms, measured_speedup_vs_coinr,
coinr_note, peak_rss_mb, note.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from _common import bench_size, sized  # noqa: E402

from biopark.index import build, load_coinr_tables, load_recipe  # noqa: E402

SIZE = bench_size(__doc__)
PARAMS = sized(SIZE, {"tiny": {"replications": 20, "coinr_replications": 3},
                      "small": {"replications": 1000, "coinr_replications": 20},
                      "full": {"replications": 10_000, "coinr_replications": 100}})
REPLICATIONS = PARAMS["replications"]

COINR_MS_PER_REPLICATION = 85.0

# COINr's sensitivity vignette with the assumptions of asem.yaml; N comes from the command line. Only
# get_sensitivity is timed (not R's start-up or loading COINr). The last line printed is one JSON object.
COINR_SCRIPT = r"""
suppressPackageStartupMessages(library(COINr))
args <- commandArgs(trailingOnly = TRUE)
N <- as.integer(args[1])
set.seed(1)
coin <- build_example_coin(quietly = TRUE)
l_winmax <- list(Address = "$Log$Treat$global_specs$f1_para$winmax", Distribution = 1:5, Type = "discrete")
norm_alts <- list(list(f_n = "n_minmax", f_n_para = list(c(1, 100))),
                  list(f_n = "n_zscore", f_n_para = list(c(10, 2))))
l_norm <- list(Address = "$Log$Normalise$global_specs", Distribution = norm_alts, Type = "discrete")
noise_specs <- data.frame(Level = c(2, 3), NoiseFactor = c(0.25, 0.25))
noisy_wts <- get_noisy_weights(w = coin$Meta$Weights$Original, noise_specs = noise_specs, Nrep = 100)
l_weights <- list(Address = "$Log$Aggregate$w", Distribution = noisy_wts, Type = "discrete")
l_agg <- list(Address = "$Log$Aggregate$f_ag", Distribution = c("a_amean", "a_gmean"), Type = "discrete")
SA_specs <- list(Winmax = l_winmax, Normalisation = l_norm, Weights = l_weights, Aggregation = l_agg)
t0 <- proc.time()[["elapsed"]]
res <- suppressMessages(suppressWarnings(
  get_sensitivity(coin, SA_specs = SA_specs, N = N, SA_type = "UA", dset = "Aggregated", iCode = "Index",
                  quietly = TRUE, check_addresses = FALSE)))
elapsed <- proc.time()[["elapsed"]] - t0
reps <- res$Scores[grepl("^r_", names(res$Scores))]
failed <- sum(colSums(!is.na(reps)) == 0)
cat(sprintf('{"seconds": %.6f, "replications": %d, "failed": %d, "units": %d}\n',
            elapsed, ncol(reps), failed, nrow(res$Scores)))
"""


def coinr_available() -> tuple[bool, str]:
    if os.environ.get("BIOPARK_BENCH_COINR", "1") == "0":
        return False, "skipped (BIOPARK_BENCH_COINR=0)"
    rscript = shutil.which("Rscript")
    if rscript is None:
        return False, "R not installed (no Rscript on PATH): COINr figure is the 85 ms reference"
    try:
        done = subprocess.run([rscript, "--vanilla", "-e", 'cat(requireNamespace("COINr", quietly = TRUE))'],
                              capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"Rscript did not answer: {exc}"
    if done.stdout.strip() != "TRUE":
        return False, "R is installed but COINr is not: COINr figure is the 85 ms reference"
    return True, ""


def run_coinr(replications: int) -> dict[str, Any]:
    """Run the COINr script with N = ``replications``; its figures, or an explanation of the failure."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "coinr_uncertainty.R"
        script.write_text(COINR_SCRIPT, encoding="utf-8")
        # COINr needs ~85 ms per replication on an idle machine and over 1 s on a busy shared one; allow
        # five seconds each plus start-up.
        timeout = 120 + replications * 5.0
        try:
            done = subprocess.run(["Rscript", "--vanilla", str(script), str(replications)],
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"error": f"COINr did not finish within {timeout:.0f} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"error": f"COINr run failed (exit {done.returncode}): {done.stderr.strip()[-500:]}"}
    return dict(json.loads(lines[-1]))


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
    out: dict[str, Any] = {
        "benchmark": "index_uncertainty_asem",
        "size": SIZE,
        "units": len(result.results.units), "indicators": len(inp.framework.indicators),
        "replications": unc.replications, "failed_replications": unc.failed,
        "wall_seconds": round(wall, 4), "per_replication_ms": round(per_rep_ms, 5),
        "coinr_per_replication_ms": COINR_MS_PER_REPLICATION,
        "speedup_vs_coinr": round(COINR_MS_PER_REPLICATION / per_rep_ms, 1),
        "coinr_measured": False, "coinr_replications": None, "coinr_failed_replications": None,
        "coinr_wall_seconds": None, "coinr_measured_per_replication_ms": None,
        "measured_speedup_vs_coinr": None, "coinr_note": "",
    }
    available, why = coinr_available()
    if available:
        coinr = run_coinr(PARAMS["coinr_replications"])
        if "error" in coinr:
            out["coinr_note"] = coinr["error"]
        else:
            coinr_ms = coinr["seconds"] / coinr["replications"] * 1000
            out.update({"coinr_measured": True, "coinr_replications": coinr["replications"],
                        "coinr_failed_replications": coinr["failed"],
                        "coinr_wall_seconds": round(coinr["seconds"], 3),
                        "coinr_measured_per_replication_ms": round(coinr_ms, 3),
                        "measured_speedup_vs_coinr": round(coinr_ms / per_rep_ms, 1),
                        "coinr_note": f"COINr get_sensitivity (UA) on {coinr['units']} units, timed inside R"})
    else:
        out["coinr_note"] = why
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["note"] = "wall time of build() including the nominal build and variant precomputation"
    print(json.dumps(out))


if __name__ == "__main__":
    main()

"""Import of 100,000 organisations from CSV, with validation and duplicate detection on.

    python bench/registry_import.py                      # SQLite (a fresh file under var/bench/)
    BIOPARK_DATABASE_URL=postgresql://... python bench/registry_import.py
    python bench/registry_import.py --size tiny          # seconds, for a smoke run (BIOPARK_BENCH_SIZE)

The target database should be empty of a previous run (the script refuses a database that already
holds its rows). The rows go through the importer the registry page uses (biopark.ecosystem.importer), so
the benchmark follows the models. Prints one JSON object with rows/s for the dry run (validation + matching
only) and for the real import (validation + matching + writing, in one transaction). JSON keys: benchmark,
size, database, rows, existing_organisations, counts, dry_run_counts, dry_run_seconds, dry_run_rows_per_s,
import_seconds, import_rows_per_s, import_python_cpu_seconds, dry_run_python_cpu_seconds,
load_average_1min, target_rows_per_s.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from _common import bench_size, sized  # noqa: E402

SIZE = bench_size(__doc__)
ROWS = sized(SIZE, {"tiny": {"rows": 60}, "small": {"rows": 10_000}, "full": {"rows": 100_000}})["rows"]


def make_csv(rows: int, seed: int) -> bytes:
    from biopark.demo.generate import CITIES, DOMAINS

    rng = random.Random(seed)
    brands = list("康华诺瑞泰恒博信安和宏远德嘉明新海天润生源正元盛科达百联合创金通益君健美")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name_zh", "name_en", "kind", "aliases", "city_zh", "city_en", "country", "founded"])
    for i in range(rows):
        city_zh, city_en = rng.choice(CITIES)
        brand = "".join(rng.sample(brands, 3))
        dom_zh, dom_en = rng.choice(DOMAINS)
        writer.writerow([
            f"{city_zh}{brand}{dom_zh}股份有限公司第{i}分公司", f"{city_en} {dom_en} Branch {i} ({seed})",
            rng.choice(["enterprise", "enterprise", "investor", "hospital"]), f"IMP{seed}-{i}",
            city_zh, city_en, "CN", str(rng.randint(1990, 2024)),
        ])
    return buffer.getvalue().encode("utf-8")


def main() -> None:
    if not os.environ.get("BIOPARK_DATABASE_URL"):
        bench_dir = REPO / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        db = bench_dir / "import.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["BIOPARK_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "biopark.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from biopark.accounts.policy import SYSTEM
    from biopark.core import text
    from biopark.ecosystem import importer, tabular
    from biopark.ecosystem.models import Organisation

    call_command("migrate", verbosity=0)
    seed = 11
    if Organisation.objects.filter(aliases__contains=[f"IMP{seed}-0"]).exists() if settings.IS_POSTGRES else \
            Organisation.objects.filter(name_en=f"Chengdu Biotech Branch 0 ({seed})").exists():
        raise SystemExit("this database holds a previous run's rows: use a fresh database")
    existing = Organisation.objects.count()
    data = make_csv(ROWS, seed)

    started, cpu_started = time.perf_counter(), time.process_time()
    table = tabular.read_table(data, "csv")
    dry = importer.plan_and_apply(actor=SYSTEM, type_name="organisation", table=table, dry_run=True)
    dry_seconds, dry_cpu = time.perf_counter() - started, time.process_time() - cpu_started

    # The import starts cold, as one run without a dry run before it would: nothing memoised.
    text.clear_caches()
    started, cpu_started = time.perf_counter(), time.process_time()
    table = tabular.read_table(data, "csv")
    report = importer.plan_and_apply(actor=SYSTEM, type_name="organisation", table=table, dry_run=False)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    load = os.getloadavg()[0]
    print(json.dumps({
        "benchmark": "registry_import_csv",
        "size": SIZE,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "rows": ROWS,
        "existing_organisations": existing,
        "counts": report.counts,
        "dry_run_counts": dry.counts,
        "dry_run_seconds": round(dry_seconds, 2),
        "dry_run_rows_per_s": round(ROWS / dry_seconds),
        "import_seconds": round(seconds, 2),
        "import_rows_per_s": round(ROWS / seconds),
        "import_python_cpu_seconds": round(cpu, 2),
        "dry_run_python_cpu_seconds": round(dry_cpu, 2),
        "load_average_1min": round(load, 2),
        "target_rows_per_s": 5000,
    }))


if __name__ == "__main__":
    main()

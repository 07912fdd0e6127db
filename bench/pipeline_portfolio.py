"""Benchmark: the portfolio page and API for one park with 20,000 projects and 200,000 stage events.

    .venv/bin/python bench/pipeline_portfolio.py                 # SQLite in a temporary folder
    BIOPARK_DATABASE_URL=postgres://... .venv/bin/python bench/pipeline_portfolio.py   # a scratch database!
    .venv/bin/python bench/pipeline_portfolio.py --size tiny     # seconds, for a smoke run (BIOPARK_BENCH_SIZE)

Prints one JSON object. JSON keys: bench, size, database, projects, stage_events, runs, build_seconds,
results, target_p95_ms, ok, debug. Data are bulk-created from model instances (the service functions are not used
for speed); the derived columns are filled the way the services would fill them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_size, sized  # noqa: E402

SIZE = bench_size(__doc__)
if "BIOPARK_DATABASE_URL" not in os.environ:
    os.environ["BIOPARK_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-pipeline-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "biopark.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

PARAMS = sized(SIZE, {
    "tiny": {"projects": 20, "events": 100, "runs": 3, "organisations": 5},
    "small": {"projects": 2_000, "events": 20_000, "runs": 30, "organisations": 50},
    "full": {"projects": 20_000, "events": 200_000, "runs": 30, "organisations": 200},
})
PROJECTS, EVENTS, RUNS = PARAMS["projects"], PARAMS["events"], PARAMS["runs"]


def build() -> tuple[object, int]:
    from biopark.accounts.models import Profile, Role
    from biopark.ecosystem.models import STAGE_CODES, Organisation, Park
    from biopark.pipeline.models import Indication, Modality, Project, StageEvent
    from biopark.pipeline.stages import derive_highest

    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import User

    tag = f"bench-{int(time.time())}"
    park = Park.objects.create(key=f"park:{tag}", name_en=f"Bench park {tag}")
    orgs = Organisation.objects.bulk_create(
        [Organisation(key=f"org:{tag}-{i}", name_en=f"Bench org {i}", park=park) for i in range(PARAMS["organisations"])]
    )
    rng = random.Random(7)
    areas = ["oncology", "immunology", "neurology", "infectious disease", "metabolic", "rare disease"]
    projects = Project.objects.bulk_create(
        [Project(key=f"project:{tag}-{i}", name_en=f"Bench project {i}", organisation=rng.choice(orgs), park=park,
                 modality=rng.choice(Modality.values), synthetic=True) for i in range(PROJECTS)],
        batch_size=2000,
    )
    indications = Indication.objects.bulk_create(
        [Indication(project=p, name_en="Indication", therapeutic_area=rng.choice(areas)) for p in projects],
        batch_size=2000,
    )
    per = EVENTS // PROJECTS
    events, today = [], dt.date.today()
    for p, ind in zip(projects, indications, strict=True):
        day = today - dt.timedelta(days=rng.randrange(per * 100, per * 400 + 1))
        chain = STAGE_CODES[:per] if per <= len(STAGE_CODES) else STAGE_CODES
        rows = []
        for stage in chain:
            rows.append(StageEvent(project=p, indication=ind, stage=stage, occurred_on=day, park_id=p.park_id,
                                     organisation_id=p.organisation_id, modality=p.modality))
            day += dt.timedelta(days=rng.randrange(20, 95))
        for a, b in zip(rows, rows[1:], strict=False):
            a.next_stage, a.duration_days = b.stage, (b.occurred_on - a.occurred_on).days
        events.extend(rows)
        ind.current_stage = rows[-1].stage
        p.highest_stage = derive_highest([ind.current_stage])
        p.last_event_on = rows[-1].occurred_on
    StageEvent.objects.bulk_create(events, batch_size=5000)
    Indication.objects.bulk_update(indications, ["current_stage"], batch_size=2000)
    Project.objects.bulk_update(projects, ["highest_stage", "last_event_on"], batch_size=2000)
    user = User.objects.create_user(f"op-{tag}")
    Profile.objects.create(user=user, role=Role.OPERATOR, park=park)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return user, len(events)


def measure(client: Client, url: str) -> dict[str, float]:
    client.get(url)  # warm the connection and the template cache
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "max_ms": round(times[-1], 1)}


def main() -> None:
    t0 = time.perf_counter()
    user, n_events = build()
    build_s = time.perf_counter() - t0
    client = Client()
    client.force_login(user)
    results = {
        "page /pipeline/portfolio/": measure(client, "/pipeline/portfolio/"),
        "api /api/v1/pipeline/portfolio": measure(client, "/api/v1/pipeline/portfolio"),
        "page /pipeline/ (project list)": measure(client, "/pipeline/"),
    }
    print(json.dumps({
        "bench": "pipeline_portfolio",
        "size": SIZE,
        "database": connection.vendor,
        "projects": PROJECTS,
        "stage_events": n_events,
        "runs": RUNS,
        "build_seconds": round(build_s, 1),
        "results": results,
        "target_p95_ms": 200,
        "ok": all(r["p95_ms"] < 200 for r in results.values()),
        "debug": settings.DEBUG,
    }))


if __name__ == "__main__":
    main()

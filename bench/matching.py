"""Explainable matching under 8 concurrent clients: 10,000 investors (one mandate each) x 20,000 projects with an
open financing need, on PostgreSQL.

    BIOPARK_DATABASE_URL=postgresql://... python bench/matching.py     # a scratch database!
    python bench/matching.py --size tiny                               # seconds, for a smoke run

Two request kinds, each measured on its own under the same load: ranked investors for one project
(`GET /api/v1/financing/projects/<id>/investors`, as a park operator) and ranked projects for one investor
(`GET /api/v1/financing/investors/<id>/projects`, as that investor, so its visibility filter applies). Each
answer scores every mandate (or every visible need) and explains the best 20.

Prints one JSON object. JSON keys: benchmark, size, database, investors, projects, needs, load_generator,
results, target_p95_ms, ok, load_average_1min, build_seconds. Each entry of results has requests, clients,
p50_ms, p95_ms, p99_ms, max_ms, throughput_rps, statuses. Data are bulk-created (seed 7) once per database and
reused; the financing caches are built by the first requests (the warm-up), as on a running server.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from _common import bench_size, sized  # noqa: E402

SIZE = bench_size(__doc__)
PARAMS = sized(SIZE, {
    "tiny": {"investors": 30, "projects": 60, "requests": 4, "clients": 2, "workers": 2, "tokens": 5},
    "small": {"investors": 1_000, "projects": 2_000, "requests": 400, "clients": 8, "workers": 4, "tokens": 50},
    "full": {"investors": 10_000, "projects": 20_000, "requests": 800, "clients": 8, "workers": 4, "tokens": 200},
})
TAG = f"bench-matching-{SIZE}"
STAGES = ["discovery", "preclinical", "ind", "phase1", "phase2", "phase3", "registration"]
AREAS = ["oncology", "immunology", "neurology", "infectious_disease", "metabolic_disease", "cardiovascular",
         "rare_disease", "ophthalmology"]
MODALITIES = ["small_molecule", "antibody", "adc", "vaccine", "cell_therapy", "gene_therapy", "medical_device"]
ROUNDS = ["seed", "angel", "pre_a", "a", "b", "c"]


def build() -> None:
    from biopark.ecosystem.models import Organisation, Park
    from biopark.financing.models import FinancingNeed, Mandate
    from biopark.pipeline.models import Project

    rng = random.Random(7)
    park = Park.objects.create(key=f"park:{TAG}", name_en="Bench park", province_en="Sichuan", city_en="Chengdu")
    enterprises = Organisation.objects.bulk_create(
        [Organisation(key=f"org:{TAG}-e{i}", name_en=f"Bench enterprise {i}", park=park)
         for i in range(max(5, PARAMS["projects"] // 100))], batch_size=2000)
    investors = Organisation.objects.bulk_create(
        [Organisation(key=f"org:{TAG}-i{i}", name_en=f"Bench investor {i}", kind=Organisation.Kind.INVESTOR,
                      park=None) for i in range(PARAMS["investors"])], batch_size=2000)
    mandates = []
    for org in investors:
        first = rng.randrange(0, len(STAGES) - 2)
        low = Decimal(rng.choice([1, 5, 10, 20, 50])) * 10**6
        mandates.append(Mandate(
            organisation=org, name="bench", synthetic=True,
            stages=STAGES[first:first + rng.randrange(1, 4)], modalities=rng.sample(MODALITIES, rng.randrange(0, 3)),
            therapeutic_areas=rng.sample(AREAS, rng.randrange(0, 3)), rounds=rng.sample(ROUNDS, rng.randrange(0, 3)),
            regions=rng.choice([[], [], ["Sichuan"], ["Beijing"]]), ticket_min=low, ticket_max=low * rng.choice([2, 4, 8]),
            currency=rng.choice(["CNY", "CNY", "CNY", "USD"])))
    Mandate.objects.bulk_create(mandates, batch_size=2000)
    projects = Project.objects.bulk_create(
        [Project(key=f"project:{TAG}-{i}", name_en=f"Bench project {i}", organisation=rng.choice(enterprises),
                 park=park, modality=rng.choice(MODALITIES), therapeutic_areas=rng.sample(AREAS, rng.randrange(1, 3)),
                 highest_stage=rng.choice(STAGES), synthetic=True) for i in range(PARAMS["projects"])],
        batch_size=2000)
    FinancingNeed.objects.bulk_create(
        [FinancingNeed(project=p, round=rng.choice(ROUNDS), amount=Decimal(rng.choice([3, 10, 30, 60, 150])) * 10**6,
                       currency="CNY", visibility=rng.choice(["investors", "investors", "park", "public"]),
                       synthetic=True) for p in projects], batch_size=2000)


def wait_ready(port: int, path: str, headers: dict[str, str], workers: int) -> None:
    """Workers boot slowly on a loaded machine: one patient request per worker before the timed load."""
    import http.client

    for _ in range(workers * 2):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        conn.request("GET", path, headers=headers)
        conn.getresponse().read()
        conn.close()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "biopark.settings")
    if "BIOPARK_DATABASE_URL" not in os.environ:
        bench_dir = REPO / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        os.environ["BIOPARK_DATABASE_URL"] = f"sqlite:///{bench_dir / f'matching-{SIZE}.sqlite3'}"
    import django

    django.setup()
    from _server import load, start_server, wrk_available, wrk_load
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    from biopark.accounts.auth import token_create
    from biopark.accounts.models import Profile
    from biopark.ecosystem.models import Organisation, Park
    from biopark.financing.models import FinancingNeed, Mandate

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if not Park.objects.filter(key=f"park:{TAG}").exists():
        build()
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
    build_seconds = round(time.perf_counter() - started, 1)
    park = Park.objects.get(key=f"park:{TAG}")
    operator, _ = User.objects.get_or_create(username=f"{TAG}-operator")
    Profile.objects.update_or_create(user=operator, defaults={"role": "operator", "park": park})
    investor_orgs = list(Organisation.objects.filter(key__startswith=f"org:{TAG}-i").order_by("id")
                         .values_list("id", flat=True)[:PARAMS["tokens"]])
    investor_tokens = []
    for org_id in investor_orgs:
        user, _ = User.objects.get_or_create(username=f"{TAG}-investor-{org_id}")
        Profile.objects.update_or_create(user=user, defaults={"role": "investor", "organisation_id": org_id})
        investor_tokens.append(token_create(user=user, name="bench"))
    operator_token = token_create(user=operator, name="bench")
    project_ids = list(FinancingNeed.objects.filter(project__park=park).values_list("project_id", flat=True))
    rng = random.Random(11)
    n = PARAMS["requests"]
    project_paths = [f"/api/v1/financing/projects/{rng.choice(project_ids)}/investors" for _ in range(n)]
    picks = [rng.randrange(len(investor_orgs)) for _ in range(n)]
    investor_paths = [f"/api/v1/financing/investors/{investor_orgs[i]}/projects" for i in picks]
    investor_tokens_in_order = [investor_tokens[i] for i in picks]

    proc, port = start_server({}, workers=PARAMS["workers"], threads=1)
    results = {}
    generator = "wrk" if SIZE != "tiny" and wrk_available() else "python threads"
    try:
        op_headers = {"Authorization": f"Bearer {operator_token}"}
        wait_ready(port, project_paths[0], op_headers, PARAMS["workers"])
        # Warm-up: every worker builds its arrays once (as a running server has).
        load(port, project_paths[: 4 * PARAMS["workers"]], clients=PARAMS["clients"], headers=op_headers)
        load(port, investor_paths[: 4 * PARAMS["workers"]], clients=PARAMS["clients"],
             headers={"Authorization": f"Bearer {investor_tokens_in_order[0]}"})
        if generator == "wrk":
            results["investors_for_project"] = wrk_load(port, project_paths, clients=PARAMS["clients"],
                                                        headers=op_headers)
            results["projects_for_investor"] = wrk_load(port, investor_paths, clients=PARAMS["clients"], headers={},
                                                        tokens=investor_tokens_in_order)
        else:
            results["investors_for_project"] = load(port, project_paths, clients=PARAMS["clients"], headers=op_headers)
            by_token: dict[str, list[str]] = {}
            for path, token in zip(investor_paths, investor_tokens_in_order, strict=True):
                by_token.setdefault(token, []).append(path)
            token, paths = max(by_token.items(), key=lambda item: len(item[1]))
            results["projects_for_investor"] = load(port, paths * (n // max(1, len(paths))),
                                                    clients=PARAMS["clients"],
                                                    headers={"Authorization": f"Bearer {token}"})
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(json.dumps({
        "benchmark": "financing_matching_api",
        "size": SIZE,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "investors": Mandate.objects.filter(organisation__key__startswith=f"org:{TAG}-i").count(),
        "projects": len(project_ids),
        "needs": FinancingNeed.objects.filter(project__park=park).count(),
        "load_generator": generator,
        "results": results,
        "target_p95_ms": 200,
        "ok": all(r["p95_ms"] < 200 and set(r.get("statuses", {"200": 1})) <= {"200"} for r in results.values()),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "build_seconds": build_seconds,
    }))


if __name__ == "__main__":
    main()

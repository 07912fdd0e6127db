"""Registry list/search API under 8 concurrent clients, with 100,000 organisations and 300,000 relations.

    python bench/registry_search.py                      # SQLite (a file under var/bench/)
    BIOPARK_DATABASE_URL=postgresql://... python bench/registry_search.py
    python bench/registry_search.py --size tiny          # seconds, for a smoke run (BIOPARK_BENCH_SIZE)

Prints one JSON object. JSON keys: benchmark, size, database, organisations, relations, page_size,
load_generator, requests, clients, p50_ms, p95_ms, p99_ms, max_ms, throughput_rps, statuses,
single_client_p50_ms, single_client_p95_ms, load_average_1min, target_p95_ms. With wrk, also errors and
non_2xx. The data set is generated once per database (seed 1) by biopark.demo.generate, which builds model
instances, and reused (a database made at another size is refused). The load comes from wrk when it is installed (apt-get install wrk) and
the size is not tiny, else from Python threads, which then take a good share of the same two cores.
"""

from __future__ import annotations

import json
import os
import random
import sys
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from _common import bench_size, sized  # noqa: E402

SIZE = bench_size(__doc__)
PARAMS = sized(SIZE, {
    "tiny": {"orgs": 60, "relations": 120, "requests": 8, "clients": 2, "workers": 2, "threads": 1},
    "small": {"orgs": 10_000, "relations": 30_000, "requests": 800, "clients": 8, "workers": 4, "threads": 1},
    "full": {"orgs": 100_000, "relations": 300_000, "requests": 800, "clients": 8, "workers": 4, "threads": 1},
})
ORGS, RELATIONS, REQUESTS, CLIENTS = PARAMS["orgs"], PARAMS["relations"], PARAMS["requests"], PARAMS["clients"]


def main() -> None:
    env: dict[str, str] = {}
    if not os.environ.get("BIOPARK_DATABASE_URL"):
        bench_dir = REPO / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        name = "registry.sqlite3" if SIZE == "full" else f"registry-{SIZE}.sqlite3"
        env["BIOPARK_DATABASE_URL"] = f"sqlite:///{bench_dir / name}"
        os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "biopark.settings")
    import django

    django.setup()
    from _server import load, start_server, wrk_available, wrk_load
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from biopark.accounts.auth import token_create
    from biopark.accounts.models import Profile
    from biopark.demo.generate import generate
    from biopark.ecosystem.models import Organisation, Relation

    call_command("migrate", verbosity=0)
    made = Organisation.objects.filter(key__startswith="gen1:org:").count()
    if not made:
        generate(seed=1, orgs=ORGS, relations=RELATIONS)
    elif made != ORGS:
        raise SystemExit(f"this database holds a data set of {made} organisations, not {ORGS}: "
                         "use another database for this size")
    user, _ = User.objects.get_or_create(username="bench-viewer")
    Profile.objects.get_or_create(user=user, defaults={"role": "viewer"})
    token = token_create(user=user, name="bench")

    rng = random.Random(42)
    names = list(Organisation.objects.filter(key__startswith="gen1:org:").values_list("name_zh", "name_en")[:5000])
    terms = []
    for _ in range(REQUESTS):
        zh, en = rng.choice(names)
        choice = rng.random()
        if choice < 0.3:
            terms.append(zh[2:4])                      # a brand, in Chinese (2 characters)
        elif choice < 0.5:
            terms.append(zh[:6])                       # city + brand + start of the field
        elif choice < 0.7:
            terms.append(en.split()[1].lower())        # the brand in pinyin
        elif choice < 0.85:
            terms.append(" ".join(en.split()[:2]))     # "Chengdu Kanghua"
        else:
            terms.append(rng.choice(["biotech", "成都", "医药", "vaccines", "suzhou"]))
    paths = [f"/api/v1/organisations?{urllib.parse.urlencode({'q': t, 'page_size': 50})}" for t in terms]

    proc, port = start_server(env, workers=PARAMS["workers"], threads=PARAMS["threads"])
    try:
        headers = {"Authorization": f"Bearer {token}"}
        load(port, paths[:40], clients=CLIENTS, headers=headers)  # warm up caches and connections
        single = load(port, paths[:200], clients=1, headers=headers)
        if SIZE != "tiny" and wrk_available():  # wrk runs 20 s whatever the size
            stats = {"load_generator": "wrk", **wrk_load(port, paths, clients=CLIENTS, headers=headers)}
        else:
            stats = {"load_generator": "python threads", **load(port, paths, clients=CLIENTS, headers=headers)}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(json.dumps({
        "benchmark": "registry_search_api",
        "size": SIZE,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "organisations": Organisation.objects.count(),
        "relations": Relation.objects.count(),
        "page_size": 50,
        **stats,
        "single_client_p50_ms": single["p50_ms"],
        "single_client_p95_ms": single["p95_ms"],
        "load_average_1min": round(os.getloadavg()[0], 2),
        "target_p95_ms": 50,
    }))


if __name__ == "__main__":
    main()

"""Registry list/search API under 8 concurrent clients, with 100,000 organisations and 300,000 relations.

    python bench/registry_search.py                      # SQLite (a file under var/bench/)
    BIOPARK_DATABASE_URL=postgresql://... python bench/registry_search.py

Prints one JSON object. The data set is generated once per database (seed 1) and reused. The load
comes from wrk when it is installed (apt-get install wrk), else from Python threads, which then take
a good share of the same two cores.
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

ORGS = int(os.environ.get("BENCH_ORGS", "100000"))
RELATIONS = int(os.environ.get("BENCH_RELATIONS", "300000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "800"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))


def main() -> None:
    env: dict[str, str] = {}
    if not os.environ.get("BIOPARK_DATABASE_URL"):
        bench_dir = REPO / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        env["BIOPARK_DATABASE_URL"] = f"sqlite:///{bench_dir / 'registry.sqlite3'}"
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
    if not Organisation.objects.filter(key__startswith="gen1:").exists():
        generate(seed=1, orgs=ORGS, relations=RELATIONS)
    user, _ = User.objects.get_or_create(username="bench-viewer")
    Profile.objects.get_or_create(user=user, defaults={"role": "viewer"})
    token = token_create(user=user, name="bench")

    rng = random.Random(42)
    names = list(Organisation.objects.filter(key__startswith="gen1:").values_list("name_zh", "name_en")[:5000])
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

    proc, port = start_server(env, workers=int(os.environ.get("BENCH_WORKERS", "4")),
                              threads=int(os.environ.get("BENCH_THREADS", "1")))
    try:
        headers = {"Authorization": f"Bearer {token}"}
        load(port, paths[:40], clients=CLIENTS, headers=headers)  # warm up caches and connections
        single = load(port, paths[:200], clients=1, headers=headers)
        if wrk_available():
            stats = {"load_generator": "wrk", **wrk_load(port, paths, clients=CLIENTS, headers=headers)}
        else:
            stats = {"load_generator": "python threads", **load(port, paths, clients=CLIENTS, headers=headers)}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(json.dumps({
        "benchmark": "registry_search_api",
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

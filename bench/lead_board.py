"""Benchmark: the investment promotion board and lead list of one park holding 10,000 leads, under 8
concurrent clients, served by gunicorn as in production.

    .venv/bin/python bench/lead_board.py                 # SQLite in a temporary folder
    BIOPARK_DATABASE_URL=postgresql://... .venv/bin/python bench/lead_board.py   # a scratch database!
    .venv/bin/python bench/lead_board.py --size tiny     # seconds, for a smoke run (BIOPARK_BENCH_SIZE)

Prints one JSON object. JSON keys: benchmark, size, database, leads, stage_changes, build_seconds, clients,
board, list, p95_ms, single_client_p95_ms, load_generator, load_average_1min, target_p95_ms, ok. `board` and
`list` hold the latency figures of each page under load (board: /promotion/ with owner and source filters; list:
/promotion/leads/ pages and filters). Leads and their stage changes are bulk-created from model instances in a
park of their own (the services are not used, for speed); the operator signs in with a session cookie.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from _common import bench_size, sized  # noqa: E402

SIZE = bench_size(__doc__)
PARAMS = sized(SIZE, {
    "tiny": {"leads": 40, "orgs": 10, "owners": 2, "requests": 8, "clients": 2, "workers": 2},
    "small": {"leads": 1_000, "orgs": 100, "owners": 5, "requests": 400, "clients": 8, "workers": 4},
    "full": {"leads": 10_000, "orgs": 1_000, "owners": 8, "requests": 800, "clients": 8, "workers": 4},
})
LEADS, CLIENTS = PARAMS["leads"], PARAMS["clients"]

if not os.environ.get("BIOPARK_DATABASE_URL"):
    os.environ["BIOPARK_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-leads-")
    os.environ["BIOPARK_DATABASE_URL"] = f"sqlite:///{os.environ['BIOPARK_DATA_DIR']}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "biopark.settings")

import django  # noqa: E402

django.setup()

from _server import load, start_server  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from biopark.accounts.models import Profile, Role  # noqa: E402
from biopark.ecosystem.models import Organisation, Park  # noqa: E402
from biopark.promotion.models import Lead, Pipeline, Source, Stage, StageChange  # noqa: E402


def build() -> tuple[User, list[User], int]:
    call_command("migrate", verbosity=0)
    tag = f"bench-{int(time.time())}"
    rng = random.Random(11)
    park = Park.objects.create(key=f"park:{tag}", name_en=f"Bench park {tag}", name_zh=f"基准园区 {tag}",
                               search_text=f"bench park {tag}")
    orgs = Organisation.objects.bulk_create(
        [Organisation(key=f"org:{tag}-{i}", name_en=f"Bench prospect {i}", name_zh=f"基准企业{i}",
                      search_text=f"bench prospect {i} 基准企业{i}") for i in range(PARAMS["orgs"])],
        batch_size=2000,
    )
    operator = User.objects.create_user(f"op-{tag}")
    Profile.objects.create(user=operator, role=Role.OPERATOR, park=park)
    owners = []
    for i in range(PARAMS["owners"]):
        owner = User.objects.create_user(f"owner-{tag}-{i}", first_name=f"Owner {i}")
        Profile.objects.create(user=owner, role=Role.OPERATOR, park=park)
        owners.append(owner)
    pipeline = Pipeline.objects.get(key="investment-promotion")
    stages = list(pipeline.stages.order_by("position"))
    ladder = [s for s in stages if s.outcome != Stage.Outcome.LOST]
    lost = next(s for s in stages if s.outcome == Stage.Outcome.LOST)
    now, today = timezone.now(), timezone.localdate()
    leads, paths = [], []
    for i in range(LEADS):
        top = rng.randrange(len(ladder))
        path = ladder[: top + 1] + ([lost] if rng.random() < 0.15 else [])
        at = now - dt.timedelta(days=rng.randint(30, 700))
        times = []
        for _stage in path:
            times.append(at)
            at = min(at + dt.timedelta(days=rng.randint(5, 60)), now)
        leads.append(Lead(
            pipeline=pipeline, park=park, organisation=rng.choice(orgs), project=f"Bench project {i}",
            investment_amount=rng.randint(1, 500) * 1_000_000, investment_currency="CNY",
            jobs=rng.randint(10, 800), source=rng.choice(Source.values), owner=rng.choice(owners),
            stage=path[-1], stage_entered_at=times[-1], next_action="Follow up",
            next_action_due=today + dt.timedelta(days=rng.randint(-20, 40)), synthetic=True,
        ))
        paths.append(list(zip(path, times, strict=True)))
    leads = Lead.objects.bulk_create(leads, batch_size=2000)
    changes = [
        StageChange(lead=lead, from_stage=path[k - 1][0] if k else None, to_stage=stage, at=at)
        for lead, path in zip(leads, paths, strict=True) for k, (stage, at) in enumerate(path)
    ]
    StageChange.objects.bulk_create(changes, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return operator, owners, len(changes)


def _first_answers(port: int, headers: dict[str, str], path: str) -> None:
    """Wait until each worker has answered once: on a busy machine a worker's first request (it loads every
    URLconf) can take longer than the load client's 30 s timeout."""
    for _ in range(PARAMS["workers"] * 2):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        conn.request("GET", path, headers=headers)
        conn.getresponse().read()
        conn.close()


def main() -> None:
    t0 = time.perf_counter()
    operator, owners, n_changes = build()
    build_s = time.perf_counter() - t0
    client = Client()
    client.force_login(operator)
    headers = {"Cookie": f"sessionid={client.cookies['sessionid'].value}", "Accept-Language": "zh-hans"}
    rng = random.Random(5)
    pipeline = Pipeline.objects.get(key="investment-promotion").pk
    board_paths, list_paths = [], []
    pages = max(1, LEADS // 50)
    for _ in range(PARAMS["requests"] // 2):
        choice = rng.random()
        if choice < 0.4:
            board_paths.append(f"/promotion/?pipeline={pipeline}")
        elif choice < 0.7:
            board_paths.append(f"/promotion/?pipeline={pipeline}&owner={rng.choice(owners).pk}")
        else:
            board_paths.append(f"/promotion/?pipeline={pipeline}&source={rng.choice(Source.values)}")
        choice = rng.random()
        if choice < 0.5:
            list_paths.append(f"/promotion/leads/?pipeline={pipeline}&page={rng.randint(1, pages)}")
        elif choice < 0.8:
            list_paths.append(f"/promotion/leads/?pipeline={pipeline}&owner={rng.choice(owners).pk}&due=1")
        else:
            list_paths.append(f"/promotion/leads/?q=prospect%20{rng.randint(0, PARAMS['orgs'] - 1)}")
    env = {"BIOPARK_DATABASE_URL": os.environ["BIOPARK_DATABASE_URL"]}
    if "BIOPARK_DATA_DIR" in os.environ:
        env["BIOPARK_DATA_DIR"] = os.environ["BIOPARK_DATA_DIR"]
    proc, port = start_server(env, workers=PARAMS["workers"], threads=1)
    try:
        _first_answers(port, headers, board_paths[0])
        load(port, (board_paths + list_paths)[:20], clients=CLIENTS, headers=headers)  # warm up
        single = load(port, board_paths[:40] + list_paths[:40], clients=1, headers=headers)
        board = load(port, board_paths, clients=CLIENTS, headers=headers)
        listing = load(port, list_paths, clients=CLIENTS, headers=headers)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    p95 = max(board["p95_ms"], listing["p95_ms"])
    print(json.dumps({
        "benchmark": "lead_board",
        "size": SIZE,
        "database": connection.vendor,
        "leads": Lead.objects.filter(park__key__startswith="park:bench-", owner__in=owners).count(),
        "stage_changes": n_changes,
        "build_seconds": round(build_s, 1),
        "clients": CLIENTS,
        "board": board,
        "list": listing,
        "p95_ms": p95,
        "single_client_p95_ms": single["p95_ms"],
        "load_generator": "python threads",
        "load_average_1min": round(os.getloadavg()[0], 2),
        "target_p95_ms": 200,
        "ok": p95 < 200 and set(board["statuses"]) == set(listing["statuses"]) == {"200"},
    }))


if __name__ == "__main__":
    main()

"""Benchmark: the park operator's home page (`/`) and its API (`/api/v1/home`) on a big park.

    BIOPARK_DATABASE_URL=postgresql://postgres@127.0.0.1:25500/bp_scratch .venv/bin/python bench/home.py
    .venv/bin/python bench/home.py --size tiny     # seconds, for a smoke run (BIOPARK_BENCH_SIZE)

Full size: 100,000 organisations, 1,000,000 bookings (on 200 resources over two years), 20,000 projects with
200,000 stage events, 50,000 service requests, written with COPY (PostgreSQL) from model metadata, then a
gunicorn server loaded by 8 concurrent clients (wrk when installed, else Python threads). Booking units,
usage records and history of the bookings are not written: no home tile reads them.

Prints one JSON object. JSON keys: bench, size, database, rows, build_seconds, cold_build_ms, results,
target_p95_ms, ok, debug, load_average. `cold_build_ms` is each operator tile built once with no cache (what the first
request after a tile's cache expires pays); the load figures include those rebuilds as they happen.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_size, next_ids, sized, write_rows  # noqa: E402

SIZE = bench_size(__doc__)
if "BIOPARK_DATABASE_URL" not in os.environ:
    os.environ["BIOPARK_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-home-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "biopark.settings")
os.environ.setdefault("BIOPARK_DEBUG", "0")  # the default, said aloud: the server gets the same (below)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

PARAMS = sized(SIZE, {
    "tiny": {"organisations": 300, "bookings": 3_000, "projects": 60, "events": 600, "requests": 300,
             "resources": 10, "requests_per_url": 8, "clients": 4, "seconds": 3},
    "small": {"organisations": 10_000, "bookings": 100_000, "projects": 2_000, "events": 20_000,
              "requests": 5_000, "resources": 50, "requests_per_url": 400, "clients": 8, "seconds": 15},
    "full": {"organisations": 100_000, "bookings": 1_000_000, "projects": 20_000, "events": 200_000,
             "requests": 50_000, "resources": 200, "requests_per_url": 800, "clients": 8, "seconds": 30},
})
TARGET_P95_MS = 150


def _build(tag: str) -> dict[str, object]:
    from django.contrib.auth.models import User
    from django.contrib.contenttypes.models import ContentType

    from biopark.accounts.models import Profile, Role
    from biopark.core.models import ChangeRecord
    from biopark.ecosystem.models import STAGE_CODES, Organisation, Park, Platform
    from biopark.facilities.models import Booking, Outage, Resource
    from biopark.pipeline.models import Indication, Project, StageEvent
    from biopark.services.models import Service, ServiceRequest

    rng = random.Random(12)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    today = now.date()
    park = Park.objects.create(key=f"park:{tag}", name_en=f"Bench park {tag}")
    zone = Park.objects.create(key=f"zone:{tag}", name_en=f"Bench zone {tag}", parent=park, kind="zone")
    other = Park.objects.create(key=f"other:{tag}", name_en=f"Other park {tag}")
    n_orgs = PARAMS["organisations"]
    org_ids = next_ids(Organisation, n_orgs)
    write_rows(Organisation, ({"id": oid, "key": f"org:{tag}-{i}", "name_en": f"Bench org {i}",
                               "search_text": f"bench org {i}", "park_id": (zone.pk if i % 3 else other.pk)}
                              for i, oid in enumerate(org_ids)))
    in_park = [oid for i, oid in enumerate(org_ids) if i % 3]
    operator_org = in_park[0]
    platforms = [Platform.objects.create(key=f"platform:{tag}-{i}", name_en=f"Bench platform {i}", park=zone,
                                         operator_id=operator_org) for i in range(max(1, PARAMS["resources"] // 10))]
    resources = Resource.objects.bulk_create([
        Resource(key=f"res:{tag}-{i}", name_en=f"Bench instrument {i}", platform=platforms[i % len(platforms)],
                 opening_hours={d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                 max_minutes=240, longest_booking_minutes=240)
        for i in range(PARAMS["resources"])
    ])
    member = User.objects.create_user(f"member-{tag}")
    Profile.objects.create(user=member, role=Role.ENTERPRISE_MEMBER, organisation_id=operator_org)
    # Bookings: two years around today (mostly past), 1 to 4 hours, on the hour, one resource after another.
    per_resource = PARAMS["bookings"] // len(resources)
    span_hours = 2 * 365 * 24

    def bookings():
        for r in resources:
            step = span_hours // per_resource
            for k in range(per_resource):
                start = now.replace(minute=0, second=0) - dt.timedelta(hours=int(span_hours * 0.8) - k * step)
                hours = 1 + (k % max(1, min(4, step - 1)))
                status = "pending" if k % 97 == 0 else ("completed" if start < now - dt.timedelta(days=7)
                                                         else "confirmed")
                yield {"resource_id": r.pk, "user_id": member.pk, "organisation_id": in_park[k % len(in_park)],
                       "start": start, "end": start + dt.timedelta(hours=hours), "status": status,
                       "quantity": 1, "project_label": ""}

    n_bookings = write_rows(Booking, bookings())
    Outage.objects.bulk_create([Outage(resource=r, kind="outage", start=now - dt.timedelta(hours=2),
                                       end=now + dt.timedelta(hours=6), reason="bench") for r in resources[:3]])
    # Projects and their stage events (one indication each), the derived columns filled as the services would.
    n_projects, n_events = PARAMS["projects"], PARAMS["events"]
    per = max(1, n_events // n_projects)
    project_ids, indication_ids = next_ids(Project, n_projects), next_ids(Indication, n_projects)
    chains = []
    for _i in range(n_projects):
        day = today - dt.timedelta(days=rng.randrange(300, 3000))
        chain = []
        for s in range(per):
            chain.append((STAGE_CODES[min(s, len(STAGE_CODES) - 1)], day))
            day += dt.timedelta(days=rng.randrange(10, 120))
        chains.append(chain)
    project_park = [zone.pk if i % 4 else other.pk for i in range(n_projects)]
    write_rows(Project, ({"id": pid, "key": f"project:{tag}-{i}", "name_en": f"Bench project {i}",
                          "organisation_id": in_park[i % len(in_park)], "park_id": project_park[i],
                          "modality": "antibody", "visibility": "park", "synthetic": True,
                          "highest_stage": chains[i][-1][0], "last_event_on": chains[i][-1][1]}
                         for i, pid in enumerate(project_ids)))
    write_rows(Indication, ({"id": iid, "project_id": project_ids[i], "name_en": "Indication",
                             "therapeutic_area": "oncology", "current_stage": chains[i][-1][0]}
                            for i, iid in enumerate(indication_ids)))

    def events():
        for i, chain in enumerate(chains):
            for k, (stage, day) in enumerate(chain):
                nxt = chain[k + 1] if k + 1 < len(chain) else None
                yield {"project_id": project_ids[i], "indication_id": indication_ids[i], "stage": stage,
                       "occurred_on": day, "next_stage": nxt[0] if nxt else "",
                       "duration_days": (nxt[1] - day).days if nxt else None, "park_id": project_park[i],
                       "organisation_id": in_park[i % len(in_park)], "modality": "antibody"}

    written_events = write_rows(StageEvent, events())
    services = Service.objects.bulk_create([
        Service(key=f"service:{tag}-{i}", name_en=f"Bench service {i}", category="preclinical",
                stages=["preclinical"], provider_organisation_id=operator_org, park=zone) for i in range(20)
    ])
    states = ["submitted", "accepted", "in_progress", "delivered", "closed", "closed", "closed", "rejected"]
    write_rows(ServiceRequest, ({
        "service_id": services[i % len(services)].pk, "requester_organisation_id": in_park[i % len(in_park)],
        "provider_organisation_id": operator_org, "park_id": zone.pk if i % 5 else other.pk,
        "title": f"Bench request {i}", "state": states[i % len(states)],
        "due_on": today + dt.timedelta(days=rng.randrange(-60, 60)),
        "submitted_at": now - dt.timedelta(days=rng.randrange(1, 700)),
    } for i in range(PARAMS["requests"])))
    # The registry's history: the newest organisations were created since the operator's last visit.
    org_type = ContentType.objects.get_for_model(Organisation)
    write_rows(ChangeRecord, ({"content_type_id": org_type.pk, "object_id": oid, "object_repr": "Bench org",
                               "action": "create", "at": now - dt.timedelta(hours=1 + i % 48), "changes": {}}
                              for i, oid in enumerate(org_ids[-2000:])))
    operator = User.objects.create_user(f"operator-{tag}")
    Profile.objects.create(user=operator, role=Role.OPERATOR, park=park,
                           home_visit_at=now - dt.timedelta(minutes=5),
                           home_previous_visit_at=now - dt.timedelta(days=3))
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return {"operator": operator, "rows": {"organisations": n_orgs, "bookings": n_bookings,
                                          "projects": n_projects, "stage_events": written_events,
                                          "service_requests": PARAMS["requests"]}}


def _reuse() -> dict[str, object] | None:
    from django.contrib.auth.models import User

    from biopark.ecosystem.models import Organisation
    from biopark.facilities.models import Booking
    from biopark.pipeline.models import Project, StageEvent
    from biopark.services.models import ServiceRequest

    operator = User.objects.filter(username__startswith="operator-bench-").order_by("-id").first()
    if operator is None:
        return None
    counts = {"organisations": Organisation, "bookings": Booking, "projects": Project, "stage_events": StageEvent,
              "service_requests": ServiceRequest}
    return {"operator": operator, "rows": {k: m.objects.count() for k, m in counts.items()}, "reused": True}


def _cold_builds(user: object) -> dict[str, float]:
    from django.utils import translation

    from biopark.accounts import policy
    from biopark.core import tiles

    out = {}
    with translation.override("zh-hans"):
        actor = policy.actor_for(user)
        for tile in tiles.tiles_for(actor.role):
            started = time.perf_counter()
            tile.build(actor)
            out[tile.key] = round((time.perf_counter() - started) * 1000, 1)
    return out


def _session_cookie(user: object) -> str:
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
    # The backend that loads users (the first one is the lockout guard, which only refuses).
    store[BACKEND_SESSION_KEY] = next(b for b in settings.AUTHENTICATION_BACKENDS if "ModelBackend" in b)
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _warm(port: int, path: str, headers: dict[str, str], workers: int) -> None:
    """Send requests until each worker has answered a few: a worker's first request loads the code and the
    word lists, which takes seconds on a busy machine and is not what is measured."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    def one(_: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        for _k in range(4):
            conn.request("GET", path, headers=headers)
            conn.getresponse().read()
        conn.close()

    with ThreadPoolExecutor(workers * 2) as pool:
        list(pool.map(one, range(workers * 2)))


def main() -> None:
    from _server import load, start_server, wrk_available, wrk_load

    from biopark.accounts.auth import token_create

    call_command("migrate", verbosity=0)
    tag = f"bench-{int(time.time())}"
    started = time.perf_counter()
    # BENCH_REUSE=1 measures again on the data of the previous run in this database (no new rows).
    built = _reuse() if os.environ.get("BENCH_REUSE") else None
    built = built or _build(tag)
    build_s = time.perf_counter() - started
    operator = built["operator"]
    cold = _cold_builds(operator)
    headers_api = {"Authorization": f"Bearer {token_create(user=operator, name='bench')}",
                   "Accept-Language": "zh-hans"}
    headers_page = {"Cookie": _session_cookie(operator), "Accept-Language": "zh-hans"}
    env = {"BIOPARK_DEBUG": "0"}
    # The smoke run (tiny) starts two workers: each worker's first request takes seconds.
    workers = 2 if SIZE == "tiny" else 2 * (os.cpu_count() or 1) + 1
    proc, port = start_server(env, workers=workers, threads=1)
    results = {}
    try:
        for name, path, headers in (("page /", "/", headers_page), ("api /api/v1/home", "/api/v1/home", headers_api)):
            _warm(port, path, headers, workers)
            if wrk_available() and SIZE != "tiny":
                results[name] = {"load_generator": "wrk",
                                 **wrk_load(port, [path], clients=PARAMS["clients"], headers=headers,
                                            seconds=PARAMS["seconds"])}
            else:
                results[name] = {"load_generator": "python threads",
                                 **load(port, [path] * PARAMS["requests_per_url"], clients=PARAMS["clients"],
                                        headers=headers)}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except Exception:
            proc.kill()
    print(json.dumps({
        "bench": "home",
        "size": SIZE,
        "database": connection.vendor,
        "rows": built["rows"],
        "build_seconds": round(build_s, 1),
        "cold_build_ms": cold,
        "results": results,
        "target_p95_ms": TARGET_P95_MS,
        "ok": all(r["p95_ms"] < TARGET_P95_MS and set(r["statuses"]) == {"200"} for r in results.values()),
        "debug": settings.DEBUG,
        # The machine's 1-minute load average when the measurement ended: figures taken on a shared machine
        # say how busy it was.
        "load_average": round(os.getloadavg()[0], 1),
    }))


if __name__ == "__main__":
    main()

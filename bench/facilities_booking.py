"""Booking API with 1,000 resources and 1,000,000 past bookings, under 16 concurrent clients.

    python bench/facilities_booking.py                      # SQLite (a file under var/bench/)
    BIOPARK_DATABASE_URL=postgresql://... python bench/facilities_booking.py
    python bench/facilities_booking.py --size tiny          # seconds, for a smoke run (BIOPARK_BENCH_SIZE)

Measures p50/p95/p99 of "free slots of this resource this week" (GET /api/v1/facilities/resources/{id}/slots)
and of "book" (POST /api/v1/facilities/bookings), both over HTTP against gunicorn on 127.0.0.1 run as
`biopark serve` runs it (sync workers, two per core plus one), driven by wrk (16 connections for 20 s; each
booking a distinct slot with the next member's token) or, without wrk or at the tiny size, by Python threads;
the same requests one at a time; and the availability search across all resources for one week (in-process
selector, and over HTTP). Prints one JSON object. JSON keys: benchmark, size, database, resources,
bookings_in_db, free_slots_one_resource_week, free_slots_one_resource_week_single_client, book,
book_single_client, availability_1000_resources_week_ms, machine, targets, command.

The data set (key prefix "benchfac-") is made once per database and reused (a database made at another size
is refused); each run's new bookings are removed at the start of the next. Past bookings and their units are
written by bench/_common.write_rows, whose columns come from the models (COPY on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from _common import bench_size, next_ids, sized, write_rows  # noqa: E402

SIZE = bench_size(__doc__)
PARAMS = sized(SIZE, {
    # book_requests: distinct bodies (wrk cycles through them); workers: 0 means two per core plus one.
    "tiny": {"resources": 4, "bookings": 40, "slot_requests": 8, "book_requests": 8, "clients": 2,
             "workers": 2, "platforms": 2},
    "small": {"resources": 200, "bookings": 100_000, "slot_requests": 800, "book_requests": 4000,
              "clients": 16, "workers": 0, "platforms": 20},
    "full": {"resources": 1000, "bookings": 1_000_000, "slot_requests": 1600, "book_requests": 12000,
             "clients": 16, "workers": 0, "platforms": 20},
})
RESOURCES, BOOKINGS, CLIENTS = PARAMS["resources"], PARAMS["bookings"], PARAMS["clients"]
SLOT_REQUESTS, BOOK_REQUESTS = PARAMS["slot_requests"], PARAMS["book_requests"]
# wrk runs for 20 s whatever the size: the tiny size uses the Python client, which sends each request once.
USE_WRK = SIZE != "tiny"
PREFIX = "benchfac-"


def _make_data(now: dt.datetime) -> None:
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from biopark.accounts.models import Profile, Role
    from biopark.core.text import search_blob
    from biopark.ecosystem.models import Organisation, Park, Platform
    from biopark.facilities.models import Booking, BookingUnit, Resource

    with transaction.atomic():
        park = Park.objects.create(key=f"{PREFIX}park", name_zh="基准园区", name_en="Bench Park")
        operator = Organisation.objects.create(key=f"{PREFIX}operator", name_zh="基准平台公司", name_en="Bench Ops",
                                               kind="operator", park=park)
        orgs = [Organisation.objects.create(key=f"{PREFIX}org-{i}", name_zh=f"基准企业{i}", name_en=f"Bench Co {i}",
                                            park=park) for i in range(CLIENTS)]
        platforms = [Platform.objects.create(key=f"{PREFIX}platform-{i}", name_zh=f"基准平台{i}",
                                             name_en=f"Bench platform {i}", kind="screening", operator=operator,
                                             park=park) for i in range(PARAMS["platforms"])]
        hours = {d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
        Resource.objects.bulk_create([
            Resource(key=f"{PREFIX}res-{i}", name_zh=f"仪器{i}", name_en=f"Instrument {i}",
                     search_text=search_blob(f"仪器{i}", f"Instrument {i}"), platform=platforms[i % len(platforms)],
                     min_minutes=30, max_minutes=240, max_advance_days=365, opening_hours=hours,
                     price_note="illustrative")
            for i in range(RESOURCES)
        ], batch_size=500)
        for i, org in enumerate(orgs):
            user = User.objects.create(username=f"{PREFIX}member-{i}")
            Profile.objects.create(user=user, role=Role.ENTERPRISE_MEMBER, organisation=org)
        user_ids = list(User.objects.filter(username__startswith=f"{PREFIX}member-").values_list("id", flat=True))
        org_ids = [o.pk for o in orgs]
        res_ids = list(Resource.objects.filter(key__startswith=PREFIX).values_list("id", flat=True))

    # Past bookings: per resource, one 1-2 h booking a day going back in time, each with its booking unit.
    per_resource = BOOKINGS // len(res_ids)
    booking_ids = next_ids(Booking, per_resource * len(res_ids))
    base_day = (now - dt.timedelta(days=2)).replace(hour=2, minute=0, second=0, microsecond=0)

    def bookings():
        """(id, resource, member index, start, end); the same sequence each time (seeded)."""
        rng = random.Random(7)
        ids = iter(booking_ids)
        for rid in res_ids:
            for d in range(per_resource):
                start = base_day - dt.timedelta(days=d) + dt.timedelta(hours=rng.randrange(0, 8))
                end = start + dt.timedelta(hours=rng.choice((1, 2)))
                yield next(ids), rid, rng.randrange(len(user_ids)), start, end

    t0 = time.perf_counter()
    with transaction.atomic():
        write_rows(Booking, (
            {"id": bid, "resource_id": rid, "user_id": user_ids[k], "organisation_id": org_ids[k], "start": start,
             "end": end, "quantity": 1, "status": Booking.Status.COMPLETED}
            for bid, rid, k, start, end in bookings()
        ))
        # A resource has no buffer here, so a unit is blocked until its booking ends.
        write_rows(BookingUnit, (
            {"booking_id": bid, "resource_id": rid, "unit_no": 1, "start": start, "blocked_until": end,
             "active": True}
            for bid, rid, _k, start, end in bookings()
        ))
        # The services keep the longest booking of each resource (in minutes, plus one), which bounds how far
        # back a free-slot search looks for a booking still running.
        if per_resource:
            Resource.objects.filter(pk__in=res_ids).update(longest_booking_minutes=2 * 60 + 1)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"made {per_resource * len(res_ids)} bookings in {time.perf_counter() - t0:.0f}s", file=sys.stderr)


def main() -> None:
    env: dict[str, str] = {}
    if not os.environ.get("BIOPARK_DATABASE_URL"):
        bench_dir = REPO / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        name = "facilities.sqlite3" if SIZE == "full" else f"facilities-{SIZE}.sqlite3"
        env["BIOPARK_DATABASE_URL"] = f"sqlite:///{bench_dir / name}"
        os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "biopark.settings")
    import django

    django.setup()
    from _server import load, start_server, wrk_available, wrk_load
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from biopark.accounts.auth import token_create
    from biopark.core.models import ChangeRecord
    from biopark.facilities import selectors
    from biopark.facilities.models import Booking, BookingUnit, Resource

    call_command("migrate", verbosity=0)
    now = timezone.now()
    made = Resource.objects.filter(key__startswith=PREFIX).count()
    if not made:
        _make_data(now)
    elif made != RESOURCES:
        raise SystemExit(f"this database holds a data set of {made} resources, not {RESOURCES}: "
                         "use another database for this size")
    # Remove what earlier runs booked (in the future), so each run starts from the same state.
    future = Booking.objects.filter(resource__key__startswith=PREFIX, start__gt=now - dt.timedelta(days=1))
    BookingUnit.objects.filter(booking__in=future).delete()
    future.delete()
    if connection.vendor == "postgresql":
        # Clean up after those deletions now, so that autovacuum does not do it in the middle of the measurement.
        with connection.cursor() as cur:
            tables = (Booking._meta.db_table, BookingUnit._meta.db_table, ChangeRecord._meta.db_table)
            cur.execute(f"VACUUM ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")
    res_ids = list(Resource.objects.filter(key__startswith=PREFIX).values_list("id", flat=True))
    users = list(User.objects.filter(username__startswith=f"{PREFIX}member-").order_by("id"))
    tokens = [token_create(user=u, name="bench") for u in users]
    total = Booking.objects.filter(resource__key__startswith=PREFIX).count()

    # In-process availability across all resources for the coming week.
    week_start = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    week_end = week_start + dt.timedelta(days=7)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        qs = selectors.for_availability(
            selectors.resource_list(user=users[0], active_only=True).filter(key__startswith=PREFIX)
        )
        found = selectors.availability(resources=qs, start=week_start, end=week_end)
        times.append((time.perf_counter() - t0) * 1000)
    assert len(found) == len(res_ids)

    # The configuration `biopark serve` runs by default: gunicorn sync workers, 2 per core + 1.
    proc, port = start_server(env, workers=PARAMS["workers"] or 2 * (os.cpu_count() or 1) + 1, threads=1)
    try:
        rng = random.Random(11)
        ws = week_start.isoformat().replace("+00:00", "Z")
        slot_paths = [f"/api/v1/facilities/resources/{rng.choice(res_ids)}/slots?start={ws}"
                      for _ in range(SLOT_REQUESTS)]
        # Each client gets its own token (its own organisation); threads pick paths round-robin, so header
        # per thread is fixed by running one load() per client group would skew; use one member token for
        # reads (reads do not depend on the organisation).
        headers = {"Authorization": f"Bearer {tokens[0]}", "Content-Type": "application/json"}
        # Warm up every gunicorn worker (the first request of a worker loads URLconf, routers, templates).
        load(port, slot_paths[:64], clients=CLIENTS, headers=headers)
        if USE_WRK and wrk_available():
            slots = {"load_generator": "wrk", **wrk_load(port, slot_paths, clients=CLIENTS, headers=headers)}
        else:
            slots = {"load_generator": "python threads", **load(port, slot_paths, clients=CLIENTS, headers=headers)}
        # The same requests one at a time: the service time without queueing behind other clients.
        slots_single = load(port, slot_paths[:200], clients=1, headers=headers)
        # Availability across all resources over HTTP (bounded: 20 requests, 4 at a time).
        avail_path = f"/api/v1/facilities/availability?start={ws}&limit={RESOURCES}"
        avail_http = load(port, [avail_path] * min(20, SLOT_REQUESTS), clients=min(4, CLIENTS), headers=headers)
        # Bookings: distinct future slots on random resources (a few collide by chance: 409 is a valid answer),
        # each request with the next member's token (the organisation comes from the token).
        def booking_bodies(count: int, first_day: int, last_day: int) -> list[str]:
            bodies = []
            for _ in range(count):
                day = week_start + dt.timedelta(days=rng.randrange(first_day, last_day))
                start = day + dt.timedelta(hours=rng.randrange(1, 11))  # 09:00-19:00 Shanghai
                bodies.append(json.dumps({
                    "resource": rng.choice(res_ids), "start": start.isoformat(),
                    "end": (start + dt.timedelta(hours=1)).isoformat(),
                }))
            return bodies

        single_bodies = booking_bodies(min(100, BOOK_REQUESTS), 31, 60)
        book_single = load(port, ["/api/v1/facilities/bookings"] * len(single_bodies), clients=1, method="POST",
                           headers=headers, body=lambda k: single_bodies[k].encode())
        if USE_WRK and wrk_available():
            book = {"load_generator": "wrk", **wrk_load(
                port, ["/api/v1/facilities/bookings"], clients=CLIENTS, headers=headers, method="POST",
                bodies=booking_bodies(BOOK_REQUESTS, 1, 30), tokens=tokens,
            )}
        else:
            bodies = booking_bodies(min(BOOK_REQUESTS, 800), 1, 30)
            book = {"load_generator": "python threads", **load(
                port, ["/api/v1/facilities/bookings"] * len(bodies), clients=CLIENTS, method="POST",
                headers=headers, body=lambda k: bodies[k].encode(),
            )}
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    print(json.dumps({
        "benchmark": "facilities_booking",
        "size": SIZE,
        "database": connection.vendor,
        "resources": len(res_ids),
        "bookings_in_db": total,
        "free_slots_one_resource_week": slots,
        "free_slots_one_resource_week_single_client": slots_single,
        "machine": {"cpus": os.cpu_count(), "load_average_1m_at_end": round(os.getloadavg()[0], 2)},
        "book": book,
        "book_single_client": book_single,
        "availability_1000_resources_week_ms": {
            "in_process_median": round(statistics.median(times), 1), "in_process_min": round(min(times), 1),
            "http": avail_http,
        },
        "targets": {"p95_ms": 50, "availability_ms": 200},
        "command": f"python bench/facilities_booking.py --size {SIZE}" + (
            "  (BIOPARK_DATABASE_URL set)" if connection.vendor == "postgresql" else ""),
    }))


if __name__ == "__main__":
    main()

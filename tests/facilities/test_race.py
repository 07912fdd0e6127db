"""32 clients book the same slot at the same moment over HTTP: exactly one wins, 31 get a clear 409, never a
500 — on SQLite (file-backed test database, IMMEDIATE transactions) and on PostgreSQL (row lock + exclusion
constraint). Repeated 5 times."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread, _StaticFilesHandler
from django.utils import timezone

from biopark.accounts.auth import token_create
from biopark.accounts.models import Role
from biopark.facilities.models import Booking, BookingUnit
from tests.facilities.factories import ResourceFactory
from tests.factories import OrganisationFactory, PlatformFactory, make_user

CLIENTS = 32
ROUNDS = 5  # five races of 32 clients: each must end with exactly one winner (or `capacity`) and 31 clear 409s


def _post(base: str, token: str, body: dict, barrier: threading.Barrier) -> tuple[int, dict]:
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    payload = json.dumps(body)
    barrier.wait()
    conn.request(
        "POST", "/api/v1/facilities/bookings", body=payload,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    try:
        parsed = json.loads(data)
    except ValueError:
        parsed = {"raw": data[:200].decode("utf-8", "replace")}
    return resp.status, parsed


class _Server(ThreadedWSGIServer):
    # Django's server listens with a backlog of 10; 32 simultaneous connects overflow it and the kernel
    # resets some. A deployment's gunicorn listens with 2048.
    request_queue_size = 128


class _Thread(LiveServerThread):
    server_class = _Server


@pytest.fixture
def race_server(transactional_db):
    """pytest-django's live_server, with a listen backlog large enough for 32 simultaneous clients."""
    from django.db import connections

    override = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    assert not override, "the race test needs a file-backed SQLite test database (see conftest.py)"
    thread = _Thread("127.0.0.1", _StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


def _race(base_url: str, capacity: int = 1) -> None:
    platform = PlatformFactory()
    resource = ResourceFactory(platform=platform, capacity=capacity, max_advance_days=365)
    tokens = []
    for _ in range(CLIENTS):
        org = OrganisationFactory(park=platform.park)
        tokens.append(token_create(user=make_user(Role.ENTERPRISE_MEMBER, organisation=org)))
    base = timezone.now().replace(microsecond=0, second=0, minute=0) + dt.timedelta(days=1)
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for round_no in range(ROUNDS):
            start = base + dt.timedelta(hours=2 * round_no)
            body = {"resource": resource.pk, "start": start.isoformat(), "end": (start + dt.timedelta(hours=1)).isoformat()}
            barrier = threading.Barrier(CLIENTS)
            results = list(pool.map(lambda t, b=body, br=barrier: _post(base_url, t, b, br), tokens))
            statuses = sorted(s for s, _ in results)
            assert statuses.count(201) == capacity, (round_no, statuses, [r for r in results if r[0] >= 500][:2])
            assert statuses.count(409) == CLIENTS - capacity, (round_no, statuses)
            for status, body_out in results:
                if status == 409:
                    assert body_out["error"]["code"] == "conflict"
                    assert body_out["error"]["fields"]["rule"] in ("overlap", "capacity")
            assert Booking.objects.filter(resource=resource, start=start).count() == capacity
    assert BookingUnit.objects.filter(resource=resource, active=True).count() == ROUNDS * capacity


@pytest.mark.django_db(transaction=True)
def test_32_clients_one_slot(race_server):
    _race(race_server)


@pytest.mark.django_db(transaction=True)
def test_32_clients_three_cages(race_server):
    """A capacity resource: exactly `capacity` single-unit bookings win."""
    _race(race_server, capacity=3)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_exclusion_constraint_blocks_overlap_written_behind_the_services_back():
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    from django.db import IntegrityError, transaction

    resource = ResourceFactory(max_advance_days=365)
    user = make_user(Role.ENTERPRISE_MEMBER, organisation=resource.platform.operator)
    start = timezone.now() + dt.timedelta(days=1)
    end = start + dt.timedelta(hours=1)
    rows = []
    for _ in range(2):
        b = Booking.objects.create(resource=resource, user=user, organisation=resource.platform.operator, start=start, end=end)
        rows.append(b)
    BookingUnit.objects.create(booking=rows[0], resource=resource, unit_no=1, start=start, blocked_until=end)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingUnit.objects.create(
            booking=rows[1], resource=resource, unit_no=1, start=start + dt.timedelta(minutes=30), blocked_until=end
        )
    # An inactive (cancelled) unit does not block; another unit does not clash.
    BookingUnit.objects.create(booking=rows[1], resource=resource, unit_no=2, start=start, blocked_until=end)
    BookingUnit.objects.filter(booking=rows[0]).update(active=False)
    BookingUnit.objects.create(booking=rows[1], resource=resource, unit_no=1, start=start, blocked_until=end)

"""Facilities fixtures.

The race test needs real concurrency against the live server. pytest-django's test database on SQLite is
in-memory, and Django's live server then shares ONE connection between all its request threads, so
concurrent transactions would interleave on it (not a real test). With a file-backed test database each
request thread has its own connection and SQLite serialises the IMMEDIATE write transactions, as in
production. So, when the configured database is SQLite, the test database gets a file name (under the
data folder the root conftest sets, var/test/), unless one is configured already.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings

_db = settings.DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3" and not (_db.get("TEST") or {}).get("NAME"):
    _folder = Path(os.environ.get("BIOPARK_DATA_DIR", "var/test"))
    _folder.mkdir(parents=True, exist_ok=True)
    # One file per pytest process: parallel runs (teammates, CI jobs) must not share a test database.
    # Django deletes it when the session ends.
    _db.setdefault("TEST", {})["NAME"] = str(_folder / f"test_facilities_{os.getpid()}.sqlite3")

NOW = dt.datetime(2030, 3, 4, 1, 0, tzinfo=dt.UTC)  # a Monday, 09:00 in Shanghai

if os.environ.get("BIOPARK_FASTREAD_BOTH") == "1":
    # CI (.ci/run) runs every facilities test twice: through core.fastread's once-built SQL and with
    # BIOPARK_FASTREAD off (the ORM). Cheaper than a second pytest run, which would build its test databases
    # again; module-scoped fixtures serve both.

    @pytest.fixture(autouse=True, params=[True, False], ids=["fastread", "orm"])
    def _read_path(request, settings):
        settings.BIOPARK_FASTREAD = request.param


@pytest.fixture
def fac(roles):
    """A platform operated by the roles' enterprise (so its platform_manager manages it), in the park's zone,
    with one instrument; the roles' enterprise member is the booker."""
    from tests.facilities.factories import ResourceFactory
    from tests.factories import PlatformFactory

    platform = PlatformFactory(operator=roles["enterprise"], park=roles["zone"])
    resource = ResourceFactory(platform=platform)
    return {**roles, "platform": platform, "resource": resource, "member": roles["users"]["enterprise_member"]}


def local(y: int, m: int, d: int, h: int, mi: int = 0, tz: str = "Asia/Shanghai") -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime(y, m, d, h, mi, tzinfo=ZoneInfo(tz))


def api_client(user):
    """A Django test client that sends a bearer token for `user` (the API's token auth)."""
    from django.test import Client

    from biopark.accounts.auth import token_create

    client = Client()
    token = token_create(user=user) if user is not None else None
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    class _C:
        def get(self, url, **params):
            return client.get(url, params, **headers)

        def post(self, url, data=None):
            import json

            return client.post(url, json.dumps(data or {}, default=str), content_type="application/json", **headers)

        def patch(self, url, data=None):
            import json

            return client.patch(url, json.dumps(data or {}, default=str), content_type="application/json", **headers)

    return _C()

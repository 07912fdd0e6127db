"""Two operators import the same 300-row file at the same moment: each record is created once, and the
second import reports every row unchanged (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from biopark.accounts.models import Role
from biopark.core.models import ChangeRecord
from biopark.ecosystem import importer, tabular
from biopark.ecosystem.models import Organisation
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 300
PREFIX = "并发导入企业"


def _file(park_id: int) -> bytes:
    lines = ["name_zh,name_en,park"] + [f"{PREFIX}{i:03d},Concurrent Import {i:03d},{park_id}" for i in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


def test_two_imports_of_the_same_file_at_once_create_each_record_once(roles, monkeypatch):
    zone = roles["zone"]
    user_ids = [make_user(Role.OPERATOR, park=roles["park"]).pk for _ in range(2)]
    data = _file(zone.pk)

    # Make the race certain rather than likely: each import, once it has matched its rows, waits (a bounded
    # time) for the other to have matched too. Without a lock both match an empty registry and both create
    # 300 rows; with the lock the second cannot match before the first commits, so the wait times out.
    met = threading.Barrier(2)
    original = importer._Plan.check_rows
    waited = threading.local()

    def check_rows_then_meet(self, progress):
        original(self, progress)
        if not getattr(waited, "done", False):
            waited.done = True
            with contextlib.suppress(threading.BrokenBarrierError):
                met.wait(timeout=3)

    monkeypatch.setattr(importer._Plan, "check_rows", check_rows_then_meet)

    def one_import(user_id: int) -> importer.ImportReport:
        try:
            user = get_user_model().objects.get(pk=user_id)
            table = tabular.read_table(data, "csv")
            return importer.plan_and_apply(actor=user, type_name="organisation", table=table, dry_run=False)
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(one_import, user_ids))

    assert all(r.applied and not r.file_error for r in reports), [r.as_dict() for r in reports]
    counts = sorted((r.counts for r in reports), key=lambda c: c["create"])
    assert counts == [
        {"create": 0, "update": 0, "unchanged": ROWS, "merge": 0, "skipped": 0, "error": 0},
        {"create": ROWS, "update": 0, "unchanged": 0, "merge": 0, "skipped": 0, "error": 0},
    ]
    assert Organisation.objects.filter(name_zh__startswith=PREFIX).count() == ROWS
    assert sorted(Organisation.objects.filter(name_zh__startswith=PREFIX).values_list("name_en", flat=True)) == [
        f"Concurrent Import {i:03d}" for i in range(ROWS)
    ]
    assert ChangeRecord.objects.filter(action=ChangeRecord.IMPORT).count() == ROWS


@pytest.mark.postgres
def test_the_postgresql_lock_is_held_until_the_import_commits(roles):
    """The advisory lock an import takes is a transaction lock on a key of its record type: another
    connection cannot take it while the import's transaction is open, and can once it ends."""
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks exist on PostgreSQL only")
    from django.db import connections, transaction

    from biopark.ecosystem import import_guard

    other = connections.create_connection("default")
    try:
        with transaction.atomic():
            import_guard.import_lock(Organisation)
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [import_guard.lock_key(Organisation)])
                assert cursor.fetchone()[0] is False
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [import_guard.lock_key(Organisation)])
            assert cursor.fetchone()[0] is True
            cursor.execute("SELECT pg_advisory_unlock(%s)", [import_guard.lock_key(Organisation)])
    finally:
        other.close()
    assert import_guard.lock_key(Organisation) != import_guard.lock_key(importer.Person)

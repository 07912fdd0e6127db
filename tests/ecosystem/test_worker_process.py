"""Real `biopark worker` processes against a database file (SQLite) or the test database (PostgreSQL): one is
killed with SIGKILL in the middle of a 20,000-row import; nothing of it is written, the job is reported
failed by the next worker's sweep, and that worker takes and completes the next job."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from biopark.ecosystem import jobs
from biopark.ecosystem.models import ImportJob, Organisation

pytestmark = pytest.mark.django_db(transaction=True)
KILLED_PREFIX = "被杀导入企业"
NEXT_PREFIX = "下一个导入企业"


def org_csv(park_id: int, n: int, prefix: str) -> bytes:
    return ("name_zh,park\n" + "".join(f"{prefix}{i:05d},{park_id}\n" for i in range(n))).encode()


def database_for_workers(tmp_path: Path) -> tuple[str, Callable[[str, list], list[tuple]]]:
    """A database URL worker processes can open, holding what this test wrote, and a way to query it.

    PostgreSQL: the test database itself (this test commits what it writes). SQLite: the tests' database
    lives in this process's memory, so it is copied into a file, which the workers and the checks then use.
    """
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        user = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
        url = f"postgresql://{user}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{quote(s['NAME'])}"

        def query_pg(sql: str, params: list) -> list[tuple]:
            with connection.cursor() as cursor:
                cursor.execute(sql.replace("?", "%s"), params)
                return cursor.fetchall()

        return url, query_pg
    path = tmp_path / "workers.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()

    def query_sqlite(sql: str, params: list) -> list[tuple]:
        with sqlite3.connect(path, timeout=30) as db:
            return db.execute(sql, params).fetchall()

    return f"sqlite:///{path}", query_sqlite


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "biopark.cli", "worker", "--interval", "0.05", "--no-startup-delay",
               "--no-reload", "-v", "1"]
    # A session of its own, so SIGKILL reaches the worker and any helper process it started, as when a
    # machine loses the worker.
    return subprocess.Popen(command, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop_worker(worker: subprocess.Popen) -> None:
    """A graceful stop between two tasks; then nothing of the worker's session may outlive the test: a helper
    process it started, or a database session of it the server has not closed yet, would keep the test database
    from being dropped at the end of the run (PostgreSQL refuses to drop a database in use)."""
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=60)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")


def wait_for(condition: Callable[[], bool], worker: subprocess.Popen, log: Path, what: str) -> None:
    deadline = time.monotonic() + 180  # a guard against hanging, not a timing assertion
    while not condition():
        if worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}) before {what}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after 180 s:\n{log.read_text()}")
        time.sleep(0.05)


def test_a_killed_worker_writes_nothing_its_job_fails_and_the_next_worker_goes_on(roles, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # what the workers' BIOPARK_DATA_DIR gives them
    operator, zone = roles["users"]["operator"], roles["zone"]
    killed = jobs.create_job(user=operator, type_name="organisation", file_name="big.csv",
                             data=org_csv(zone.pk, 20_000, KILLED_PREFIX), encoding="utf-8", dry_run=False,
                             accept_merges=False, rows_total=20_000)
    following = jobs.create_job(user=operator, type_name="organisation", file_name="next.csv",
                                data=org_csv(zone.pk, 3, NEXT_PREFIX), encoding="utf-8", dry_run=False,
                                accept_merges=False, rows_total=3)
    url, query = database_for_workers(tmp_path)
    env = {**os.environ, "BIOPARK_DATABASE_URL": url, "BIOPARK_DATA_DIR": str(tmp_path),
           "BIOPARK_JOB_HEARTBEAT_SECONDS": "0.1", "BIOPARK_JOB_STALE_SECONDS": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    jobs_table, orgs_table = ImportJob._meta.db_table, Organisation._meta.db_table
    tasks_table = DBTaskResult._meta.db_table

    def job(pk: int) -> tuple:
        return query(f"SELECT status, rows_done, error, attempts FROM {jobs_table} WHERE id = ?", [pk])[0]

    def organisations(prefix: str) -> int:
        return query(f"SELECT COUNT(*) FROM {orgs_table} WHERE name_zh LIKE ?", [prefix + "%"])[0][0]

    log = tmp_path / "workers.log"
    first = start_worker(env, log)
    try:
        wait_for(lambda: job(killed.pk)[1] > 0, first, log, "progress of the large import")
        os.killpg(first.pid, signal.SIGKILL)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    assert job(killed.pk)[0] == "running"  # the dead worker could not say anything
    assert organisations(KILLED_PREFIX) == 0

    second = start_worker(env, log)
    try:
        wait_for(lambda: job(following.pk)[0] == "succeeded" and job(killed.pk)[0] == "failed", second, log,
                 "the next job done and the killed one swept")
    finally:
        stop_worker(second)
    status, rows_done, error, attempts = job(killed.pk)
    assert (status, error, attempts) == ("failed", jobs.DIED, 1) and 0 < rows_done < 20_000
    assert organisations(KILLED_PREFIX) == 0
    assert job(following.pk) == ("succeeded", 3, "", 1) and organisations(NEXT_PREFIX) == 3
    tasks = sorted(status for (status,) in query(f"SELECT status FROM {tasks_table}", []))
    assert tasks == ["FAILED", "SUCCESSFUL"]  # the dead attempt's task is closed too
    assert not (tmp_path / "media" / "imports" / killed.stored_as).exists()


def test_a_worker_process_imports_the_merges_accepted_row_by_row(roles, tmp_path, settings, monkeypatch):
    """The review's choices travel from the page, beside the queued file, to a real `biopark worker`: it merges
    the accepted near-duplicate, skips the rejected one, and puts the row without a park in the chosen one."""
    from django.test import Client

    from biopark.ecosystem import staging
    from tests.factories import OrganisationFactory

    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setattr(jobs, "BACKGROUND_ROWS", 2)
    operator, zone = roles["users"]["operator"], roles["zone"]
    keep = OrganisationFactory(name_zh="康诺亚生物医药科技有限公司", name_en="Keymed Biosciences", aliases=["Konoya"],
                               park=zone)
    staged = staging.save(operator, "near.csv", "name_en,name_zh\nKonoya,\n,康諾亞生物醫藥科技\n,进程新企业\n".encode())
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(operator)
    response = client.post("/import/", {"staged": staged, "type": "organisations", "park": str(zone.pk),
                                        "encoding": "utf-8", "apply": "1", "merge-2": "accept", "merge-3": "reject"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and (job.dry_run, job.status) == (False, "queued")
    url, query = database_for_workers(tmp_path)
    env = {**os.environ, "BIOPARK_DATABASE_URL": url, "BIOPARK_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    jobs_table, orgs_table = ImportJob._meta.db_table, Organisation._meta.db_table

    def status() -> str:
        return query(f"SELECT status FROM {jobs_table} WHERE id = ?", [job.pk])[0][0]

    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        wait_for(lambda: status() in ("succeeded", "failed"), worker, log, "the import's end")
    finally:
        stop_worker(worker)
    assert status() == "succeeded", log.read_text()
    names = query(f"SELECT name_zh, park_id FROM {orgs_table} WHERE name_zh IN (?, ?) ORDER BY name_zh",
                  ["进程新企业", "康諾亞生物醫藥科技"])
    assert names == [("进程新企业", zone.pk)]
    (stored,) = query(f"SELECT report FROM {jobs_table} WHERE id = ?", [job.pk])[0]
    report = json.loads(stored) if isinstance(stored, str) else stored
    assert [(r["line"], r["status"]) for r in report["rows"]] == [(2, "update"), (3, "skipped"), (4, "create")]
    assert report["rows"][0]["record_id"] == keep.pk
    assert not (tmp_path / "media" / "imports" / f"{job.stored_as}.options.json").exists()

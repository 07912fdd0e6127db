"""A run queued from the web is built by a real `biopark worker` process (SQLite file or PostgreSQL), as
tests/ecosystem/test_worker_process.py drives it for imports."""

from __future__ import annotations

import os
import signal

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from biopark.accounts.policy import SYSTEM
from biopark.rankings.models import Run, RunScore
from biopark.rankings.services import run_create
from tests.ecosystem.test_worker_process import database_for_workers, start_worker, wait_for
from tests.rankings.helpers import IDATA, make_external

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_real_worker_builds_a_run_started_on_the_web(roles, tmp_path):
    framework = make_external(SYSTEM, owner_park=roles["park"])
    run_create(actor=SYSTEM, framework=framework, idata=IDATA)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(roles["users"]["operator"])
    response = client.post(f"/rankings/frameworks/{framework.key}/runs/new/", {"publish": "1"})
    queued = Run.objects.get(job_status="queued")
    assert response["Location"] == f"/rankings/runs/{queued.pk}/"
    url, query = database_for_workers(tmp_path)
    env = {**os.environ, "BIOPARK_DATABASE_URL": url, "BIOPARK_DATA_DIR": str(tmp_path),
           "BIOPARK_JOB_HEARTBEAT_SECONDS": "0.1", "BIOPARK_JOB_STALE_SECONDS": "30"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    runs, scores, tasks = Run._meta.db_table, RunScore._meta.db_table, DBTaskResult._meta.db_table

    def state() -> tuple:
        return query(f"SELECT job_status, status, n_units, attempts, job_error FROM {runs} WHERE id = ?",
                     [queued.pk])[0]

    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        wait_for(lambda: state()[0] in ("succeeded", "failed"), worker, log, "the run built")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    assert state() == ("succeeded", "published", 3, 1, "")
    index = query(f"SELECT unit_code, score, rank FROM {scores} WHERE run_id = ? AND code = 'Index' "
                  "ORDER BY rank", [queued.pk])
    assert [(u, round(s, 2), r) for u, s, r in index] == [("P3", 87.5, 1), ("P2", 62.5, 2), ("P1", 0.0, 3)]
    assert query(f"SELECT status FROM {tasks}", []) == [("SUCCESSFUL",)]

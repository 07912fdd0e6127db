"""Large web imports are queued for a background worker; the page shows a progress bar, then the report.

The queue is django-tasks' database backend, as in production; `run_queued_tasks` runs the worker loop in
this process. tests/ecosystem/test_worker_process.py runs real worker processes and kills one."""

import datetime as dt
import os
import re
import threading
import time
from contextlib import nullcontext
from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from biopark.core import background
from biopark.core.models import ChangeRecord
from biopark.ecosystem import jobs
from biopark.ecosystem.models import ImportJob, Organisation

pytestmark = pytest.mark.django_db(transaction=True)
TASK_PATH = "biopark.ecosystem.jobs.import_task"


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def org_csv(park_id: int, n: int, prefix: str = "后台导入企业") -> bytes:
    lines = ["name_zh,park"] + [f"{prefix}{i:05d},{park_id}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def post(client: Client, data: bytes, *, apply: str = "1", name: str = "orgs.csv"):
    return client.post("/import/", {"type": "organisations", "apply": apply, "file": SimpleUploadedFile(name, data)})


@pytest.fixture
def worker(monkeypatch, run_queued_tasks):
    """Files of more than two rows go to the queue; calling the fixture runs the queue in this process."""
    monkeypatch.setattr(jobs, "BACKGROUND_ROWS", 2)
    return run_queued_tasks


def task_rows() -> list[tuple[str, list, str]]:
    return [(r.task_path, r.args_kwargs["args"], r.status) for r in DBTaskResult.objects.order_by("enqueued_at")]


def make_job(user, **values) -> ImportJob:
    return ImportJob.objects.create(user=user, type_name="organisation", **{"rows_total": 10, **values})


def test_small_files_stay_synchronous(roles, worker):
    client = signed_in(roles["users"]["operator"])
    response = post(client, org_csv(roles["zone"].pk, 2))
    assert response.status_code == 200 and "new record: 2" in response.content.decode()
    assert ImportJob.objects.count() == 0 and task_rows() == []


def test_large_upload_is_queued_then_a_worker_imports_it(roles, worker):
    operator = roles["users"]["operator"]
    client = signed_in(operator)
    response = post(client, org_csv(roles["zone"].pk, 3), name="big.csv")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/import/jobs/{job.pk}/"
    # Queued: one task in the database queue names the job; nothing imported yet.
    assert task_rows() == [(TASK_PATH, [job.pk], "READY")]
    assert job.task_id == str(DBTaskResult.objects.get().id)
    assert (job.user, job.type_name, job.file_name, job.dry_run, job.accept_merges, job.status, job.attempts) == (
        operator, "organisation", "big.csv", False, False, "queued", 0)
    assert not Organisation.objects.filter(name_zh__startswith="后台导入企业").exists()
    waiting = client.get(response["Location"]).content.decode()
    assert "Waiting for a background worker to take this import" in waiting and 'hx-trigger="every 1s"' in waiting

    worker()
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_done, job.error, job.attempts) == ("succeeded", 3, 3, "", 1)
    assert task_rows() == [(TASK_PATH, [job.pk], "SUCCESSFUL")]
    assert DBTaskResult.objects.get().return_value == "succeeded"
    assert job.finished_at is not None and job.report["applied"] is True
    assert job.report["counts"] == {"create": 3, "update": 0, "unchanged": 0, "merge": 0, "skipped": 0, "error": 0}
    assert Organisation.objects.filter(name_zh__startswith="后台导入企业").count() == 3
    assert not (jobs.upload_dir() / job.stored_as).exists()  # the uploaded bytes go when the job ends
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-report"' in page and "new record: 3" in page and "后台导入企业00002" in page
    assert 'hx-trigger="every 1s"' not in page  # finished: no more polling
    assert '<progress id="import-progress" max="3" value="3">' in page and "Succeeded" in page
    listing = client.get("/import/").content.decode()
    assert 'id="import-jobs"' in listing and f'href="/import/jobs/{job.pk}/"' in listing and "big.csv" in listing


def test_job_page_shows_a_progress_bar_that_polls_until_done(roles):
    operator = roles["users"]["operator"]
    job = make_job(operator, file_name="big.csv", status="running", rows_total=4000, rows_done=1500,
                   heartbeat_at=timezone.now())
    client = signed_in(operator)
    page = client.get(f"/import/jobs/{job.pk}/").content.decode()
    assert '<progress id="import-progress" max="4000" value="1500">38%</progress>' in page
    assert f'hx-get="/import/jobs/{job.pk}/" hx-trigger="every 1s" hx-swap="outerHTML"' in page
    assert 'id="import-report"' not in page and "<html" in page and "style=" not in page
    partial = client.get(f"/import/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'value="1500"' in partial and 'hx-trigger="every 1s"' in partial
    ImportJob.objects.filter(pk=job.pk).update(status="succeeded", rows_done=4000, report={
        "type": "organisation", "ok": True, "applied": False, "file_error": "",
        "counts": {"create": 1, "update": 0, "unchanged": 3999, "merge": 0, "skipped": 0, "error": 0},
        "rows": [{"line": 2, "status": "create", "name": "新企业", "message": "", "record_id": None, "changes": {}}],
    })
    done = client.get(f"/import/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and 'value="4000"' in done
    assert 'id="import-report"' in done and "new record: 1" in done and "新企业" in done and "Dry run" in done


def test_a_bad_file_ends_as_failed_with_the_message(roles, worker):
    client = signed_in(roles["users"]["operator"])
    data = ("name_zh,park,colour\n" + "".join(f"企业{i},{roles['zone'].pk},red\n" for i in range(3))).encode()
    response = post(client, data)
    worker()
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "failed" and "colour" in job.error
    page = client.get(f"/import/jobs/{job.pk}/")
    assert page.status_code == 200 and "The import failed:" in page.content.decode()
    assert escape(job.error) in page.content.decode()
    assert not Organisation.objects.filter(name_zh__startswith="企业").exists()


def test_a_crash_in_the_job_ends_as_failed_not_500(roles, worker, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs.importer, "plan_and_apply", boom)
    client = signed_in(roles["users"]["operator"])
    response = post(client, org_csv(roles["zone"].pk, 3))
    worker()
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.error) == ("failed", "RuntimeError: disk on fire") and job.finished_at is not None
    page = client.get(f"/import/jobs/{job.pk}/")
    assert page.status_code == 200 and "RuntimeError: disk on fire" in page.content.decode()


def test_only_the_owner_or_an_admin_sees_a_job(roles):
    job = make_job(roles["users"]["operator"], file_name="x.csv")
    url = f"/import/jobs/{job.pk}/"
    # Someone else's job answers like a missing one (no existence oracle).
    assert signed_in(roles["users"]["viewer"]).get(url).status_code == 404
    assert signed_in(roles["users"]["enterprise_member"]).get(url, HTTP_HX_REQUEST="true").status_code == 404
    assert signed_in(roles["users"]["operator"]).get(url).status_code == 200
    assert signed_in(roles["users"]["admin"]).get(url).status_code == 200
    assert Client().get(url).status_code == 302  # signed out: to the login page
    assert signed_in(roles["users"]["operator"]).get("/import/jobs/999999/").status_code == 404
    # Another user's jobs are not listed on their import page either.
    assert "x.csv" not in signed_in(roles["users"]["viewer"]).get("/import/").content.decode()


def test_a_user_who_may_not_import_gets_no_job(roles, worker):
    response = post(signed_in(roles["users"]["viewer"]), org_csv(roles["zone"].pk, 3))
    assert response.status_code == 403 and ImportJob.objects.count() == 0 and task_rows() == []
    assert not Organisation.objects.filter(name_zh__startswith="后台导入企业").exists()


def test_a_dry_run_job_writes_nothing(roles, worker):
    client = signed_in(roles["users"]["operator"])
    orgs, history = Organisation.objects.count(), ChangeRecord.objects.count()
    response = post(client, org_csv(roles["zone"].pk, 3), apply="0")
    worker()
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.dry_run is True and job.status == "succeeded"
    assert job.report["applied"] is False and job.report["counts"]["create"] == 3
    assert Organisation.objects.count() == orgs and ChangeRecord.objects.count() == history
    assert "Dry run: nothing written yet" in client.get(f"/import/jobs/{job.pk}/").content.decode()


def test_a_job_is_run_only_from_queued(roles, worker):
    """A job swept as dead (or already taken) is not run when its task comes up."""
    job = make_job(roles["users"]["operator"], file_name="a.csv", status="failed", error=jobs.DIED)
    jobs.run_job(job.pk)
    after = ImportJob.objects.get(pk=job.pk)
    assert (after.status, after.error, after.attempts, after.rows_done) == ("failed", jobs.DIED, 0, 0)


def test_the_heartbeat_writes_progress_on_its_own_connection(roles, settings):
    """The progress reaches other connections while the import runs; on PostgreSQL even while the import's
    connection is inside its transaction (SQLite has one writer at a time: the import checks its rows outside
    the transaction there, which is when progress is written)."""
    settings.BIOPARK_JOBS = {"HEARTBEAT_EVERY": 0.05, "STALE_AFTER": 1.0}
    job = make_job(roles["users"]["operator"], file_name="x.csv", status="running", rows_total=2000,
                   attempts=1)
    beat = jobs._Heartbeat(job.pk, 1, "").start()
    seen = None
    try:
        with transaction.atomic() if settings.IS_POSTGRES else nullcontext():
            beat.progress(500)
            beat.progress(500)
            observer = connections.create_connection("default") if settings.IS_POSTGRES else connections["default"]
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with observer.cursor() as cursor:
                    cursor.execute(f"SELECT rows_done FROM {ImportJob._meta.db_table} WHERE id = %s", [job.pk])
                    seen = cursor.fetchone()[0]
                if seen == 1000:
                    break
                time.sleep(0.02)
            if settings.IS_POSTGRES:
                observer.close()
    finally:
        beat.stop()
    assert seen == 1000
    assert ImportJob.objects.get(pk=job.pk).heartbeat_at is not None


def test_a_worker_thread_runs_the_job_while_the_page_polls(roles, run_queued_tasks, monkeypatch, settings):
    monkeypatch.setattr(jobs, "BACKGROUND_ROWS", 100)
    settings.BIOPARK_JOBS = {"HEARTBEAT_EVERY": 0.05, "STALE_AFTER": 30.0}
    client = signed_in(roles["users"]["operator"])
    response = post(client, org_csv(roles["zone"].pk, 1200, prefix="线程企业"))
    assert response.status_code == 302
    job = ImportJob.objects.get()

    def work() -> None:
        try:
            run_queued_tasks()
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=work)
    thread.start()
    seen: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
        seen.append(partial)
        if 'data-status="succeeded"' in partial or 'data-status="failed"' in partial:
            break
        time.sleep(0.05)
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert 'data-status="succeeded"' in seen[-1], seen[-1]
    assert "hx-trigger" not in seen[-1] and "new record: 1200" in seen[-1]
    values = [int(re.search(r'<progress id="import-progress" max="1200" value="(\d+)"', s).group(1)) for s in seen]
    assert values == sorted(values) and values[-1] == 1200  # the bar only moves forward
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("succeeded", 1200, 1200)
    assert Organisation.objects.filter(name_zh__startswith="线程企业").count() == 1200


def test_a_job_whose_worker_died_is_marked_failed_when_looked_at(roles):
    operator = roles["users"]["operator"]
    now = timezone.now()
    stale = now - jobs.stale_after() - dt.timedelta(seconds=1)
    dead = make_job(operator, file_name="a.csv", rows_done=2, status="running", heartbeat_at=stale, dry_run=False,
                    attempts=1)
    orphan = make_job(operator, file_name="b.csv")  # queued, but its task was never queued
    waiting = make_job(operator, file_name="d.csv")  # queued behind busy workers: its task waits
    jobs.enqueue(waiting.pk)
    ImportJob.objects.filter(pk__in=[orphan.pk, waiting.pk]).update(created_at=stale)
    make_job(operator, file_name="c.csv", status="running", heartbeat_at=now - dt.timedelta(seconds=5))
    page = signed_in(operator).get(f"/import/jobs/{dead.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="failed"' in page and "nothing was imported" in page
    assert "hx-trigger" not in page and "<progress" not in page  # no more polling, no bar at 20 %
    states = dict(ImportJob.objects.values_list("file_name", "status"))
    assert states == {"a.csv": "failed", "b.csv": "failed", "c.csv": "running", "d.csv": "queued"}
    assert ImportJob.objects.get(pk=dead.pk).finished_at is not None
    assert jobs.expire_stale() == 0  # nothing left to mark; the busy job keeps running


def test_a_dead_dry_run_is_queued_again_once_and_a_dead_import_is_not(roles, settings):
    """A dry run writes nothing: safe to run again, once. An import that writes is reported failed."""
    operator = roles["users"]["operator"]
    stale = timezone.now() - jobs.stale_after() - dt.timedelta(seconds=1)
    check = make_job(operator, file_name="check.csv", dry_run=True)
    write = make_job(operator, file_name="write.csv", dry_run=False)
    for job in (check, write):
        jobs.enqueue(job.pk)
        job.refresh_from_db()
        # A worker claimed the task and started the job, then died (no beat since).
        DBTaskResult.objects.get(id=job.task_id).claim("dead-worker")
        ImportJob.objects.filter(pk=job.pk).update(status="running", attempts=1, heartbeat_at=stale)
    first_tasks = {job.pk: ImportJob.objects.get(pk=job.pk).task_id for job in (check, write)}

    assert background.sweep() == 2
    check.refresh_from_db()
    write.refresh_from_db()
    assert (write.status, write.error, write.attempts) == ("failed", jobs.DIED, 1)
    assert (check.status, check.attempts, check.rows_done, check.heartbeat_at) == ("queued", 1, 0, None)
    assert check.task_id not in ("", first_tasks[check.pk])
    statuses = dict(DBTaskResult.objects.values_list("id", "status"))
    assert {str(k): v for k, v in statuses.items()} == {
        first_tasks[check.pk]: "FAILED", first_tasks[write.pk]: "FAILED", check.task_id: "READY"}

    # Its second attempt dies too: that was the last one.
    DBTaskResult.objects.get(id=check.task_id).claim("dead-worker-2")
    ImportJob.objects.filter(pk=check.pk).update(status="running", attempts=2, heartbeat_at=stale)
    assert background.sweep() == 1
    check.refresh_from_db()
    assert (check.status, check.error, check.attempts) == ("failed", jobs.DIED, 2)


def test_a_dead_job_is_failed_in_chinese_too(roles):
    operator = roles["users"]["operator"]
    dead = make_job(operator, file_name="a.csv", status="running", dry_run=False,
                    heartbeat_at=timezone.now() - dt.timedelta(minutes=1))
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(operator)
    page = client.get(f"/import/jobs/{dead.pk}/").content.decode()
    assert "什么也没有导入" in page and "服务器上运行此导入的进程在完成前停止了" in page


def test_a_job_whose_upload_was_touched_lately_is_alive_though_its_database_heartbeat_is_old(roles, tmp_path,
                                                                                             settings):
    """On SQLite the import holds the write lock while it writes: a database beat may wait, but the heartbeat
    thread touches the job's upload first, and that is a sign of life too."""
    settings.MEDIA_ROOT = str(tmp_path)
    operator = roles["users"]["operator"]
    job = jobs.create_job(user=operator, type_name="organisation", file_name="a.csv", data=b"name_zh\nx\n",
                          encoding="utf-8", dry_run=False, accept_merges=False, rows_total=1)
    old = timezone.now() - dt.timedelta(minutes=5)
    ImportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=old, created_at=old, attempts=1)
    upload = jobs.upload_dir() / job.stored_as
    os.utime(upload, (old.timestamp(), old.timestamp()))
    jobs._Heartbeat(job.pk, 1, job.stored_as).beat()  # one beat, as the thread gives every HEARTBEAT_EVERY
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=old)  # as if the database write had waited
    assert jobs.expire_stale() == 0
    assert ImportJob.objects.get(pk=job.pk).status == "running"
    later = timezone.now() + jobs.stale_after() + dt.timedelta(seconds=1)  # no beat since
    assert jobs.expire_stale(now=later) == 1
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", jobs.DIED)
    assert not upload.exists()


def test_the_default_staleness_allows_several_missed_heartbeats():
    from django.conf import settings

    assert settings.BIOPARK_JOBS["STALE_AFTER"] >= 4 * settings.BIOPARK_JOBS["HEARTBEAT_EVERY"]
    assert settings.BIOPARK_JOBS["STALE_AFTER"] <= 60


def test_a_large_import_takes_the_merges_accepted_row_by_row_and_the_park_into_its_job(roles, worker):
    """As a small import does in one request: the worker's dry run lists the proposed merges with accept/reject
    per row; confirming queues the import of the checked file with those choices and the chosen park, and
    the worker merges the accepted row, skips the rejected one (saying why) and writes the rest."""
    from biopark.ecosystem import staging
    from tests.factories import OrganisationFactory

    zone = roles["zone"]
    keep = OrganisationFactory(name_zh="康诺亚生物医药科技有限公司", name_en="Keymed Biosciences", aliases=["Konoya"],
                               park=zone)
    rows = "name_en,name_zh\nKonoya,\n,康諾亞生物醫藥科技\n,后台新企业\n".encode()
    client = signed_in(roles["users"]["operator"])
    before = sorted(Organisation.objects.values_list("pk", "name_zh", "name_en", "park_id", "aliases"))
    checked = client.post("/import/", {"type": "organisations", "apply": "0", "park": str(zone.pk),
                                       "file": SimpleUploadedFile("near.csv", rows)})
    dry = ImportJob.objects.get()
    assert checked.status_code == 302 and checked["Location"] == f"/import/jobs/{dry.pk}/"
    worker()
    dry.refresh_from_db()
    assert (dry.status, dry.dry_run, dry.report["counts"]["merge"], dry.report["counts"]["create"]) == (
        "succeeded", True, 2, 1)
    assert sorted(Organisation.objects.values_list("pk", "name_zh", "name_en", "park_id", "aliases")) == before
    page = client.get(f"/import/jobs/{dry.pk}/").content.decode()
    assert '<form method="post" id="import-confirm" action="/import/">' in page
    assert 'name="merge-2" value="accept"' in page and 'name="merge-3" value="reject" checked' in page
    assert 'name="merge-4"' not in page and f'name="park" value="{zone.pk}"' in page
    staged = re.search(r'name="staged" value="([^"]+)"', page).group(1)
    # Someone else (an administrator may read the job) is not offered the owner's staged file.
    assert 'name="staged"' not in signed_in(roles["users"]["admin"]).get(f"/import/jobs/{dry.pk}/").content.decode()

    confirmed = client.post("/import/", {"staged": staged, "type": "organisations", "park": str(zone.pk),
                                         "encoding": "utf-8", "apply": "1", "merge-2": "accept", "merge-3": "reject"})
    job = ImportJob.objects.exclude(pk=dry.pk).get()
    assert confirmed.status_code == 302 and confirmed["Location"] == f"/import/jobs/{job.pk}/"
    assert (job.dry_run, job.accept_merges, job.rows_total, job.status) == (False, False, 3, "queued")
    with pytest.raises(Exception, match="no longer kept"):
        staging.load(roles["users"]["operator"], staged)  # the job holds its own copy
    worker()
    job.refresh_from_db()
    assert (job.status, job.error, job.report["applied"]) == ("succeeded", "", True)
    # The accepted merge is written as an update of the record it matched.
    assert job.report["counts"] == {"create": 1, "update": 1, "unchanged": 0, "merge": 0, "skipped": 1, "error": 0}
    by_line = {r["line"]: (r["status"], r["record_id"]) for r in job.report["rows"]}
    assert by_line[2] == ("update", keep.pk) and by_line[3][0] == "skipped" and by_line[4][0] == "create"
    assert list(Organisation.objects.filter(name_zh="后台新企业").values_list("park_id", flat=True)) == [zone.pk]
    assert not Organisation.objects.filter(name_zh="康諾亞生物醫藥科技").exists()
    assert not (jobs.upload_dir() / f"{job.stored_as}.options.json").exists()
    result = client.get(f"/import/jobs/{job.pk}/").content.decode()
    assert "<h2>Imported; 1 row skipped</h2>" in result
    line3 = result[result.index('id="line-3"'):result.index('id="line-4"')]
    assert f"not imported: the merge was not accepted (looks like the existing record #{keep.pk} " in line3
    assert 'name="staged"' not in result  # an import done is not offered again

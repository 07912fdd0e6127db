"""Large web imports run in a background thread; the page shows a progress bar, then the report."""

import os
import re
import time
from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.test import Client

from biopark.core.models import ChangeRecord
from biopark.ecosystem import jobs
from biopark.ecosystem.models import ImportJob, Organisation

pytestmark = pytest.mark.django_db(transaction=True)


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
def inline_jobs(monkeypatch):
    """Run each job in the request's thread, so a test sees its end as soon as the POST returns."""
    monkeypatch.setattr(jobs, "BACKGROUND_ROWS", 2)
    started: list[int] = []

    def run_inline(job_id, table=None):
        started.append(job_id)
        jobs.run_job(job_id, table)

    monkeypatch.setattr(jobs, "spawn", run_inline)
    return started


def test_small_files_stay_synchronous(roles, inline_jobs):
    client = signed_in(roles["users"]["operator"])
    response = post(client, org_csv(roles["zone"].pk, 2))
    assert response.status_code == 200 and "new: 2" in response.content.decode()
    assert inline_jobs == [] and ImportJob.objects.count() == 0


def test_large_upload_creates_a_job_and_redirects_to_its_report(roles, inline_jobs):
    operator = roles["users"]["operator"]
    client = signed_in(operator)
    response = post(client, org_csv(roles["zone"].pk, 3), name="big.csv")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/import/jobs/{job.pk}/"
    assert inline_jobs == [job.pk]
    assert (job.user, job.type_name, job.file_name, job.dry_run, job.accept_merges) == (
        operator, "organisation", "big.csv", False, False)
    assert (job.status, job.rows_total, job.rows_done, job.error) == ("done", 3, 3, "")
    assert job.finished_at is not None and job.report["applied"] is True
    assert job.report["counts"] == {"create": 3, "update": 0, "unchanged": 0, "merge": 0, "error": 0}
    assert Organisation.objects.filter(name_zh__startswith="后台导入企业").count() == 3
    assert not (jobs.upload_dir() / job.stored_as).exists()  # the uploaded bytes go when the job ends
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-report"' in page and "new: 3" in page and "后台导入企业00002" in page
    assert 'hx-trigger="every 1s"' not in page  # finished: no more polling
    assert '<progress id="import-progress" max="3" value="3">' in page
    listing = client.get("/import/").content.decode()
    assert 'id="import-jobs"' in listing and f'href="/import/jobs/{job.pk}/"' in listing and "big.csv" in listing


def test_job_page_shows_a_progress_bar_that_polls_until_done(roles):
    operator = roles["users"]["operator"]
    job = ImportJob.objects.create(user=operator, type_name="organisation", file_name="big.csv",
                                   status="running", rows_total=4000, rows_done=1500)
    client = signed_in(operator)
    page = client.get(f"/import/jobs/{job.pk}/").content.decode()
    assert '<progress id="import-progress" max="4000" value="1500">38%</progress>' in page
    assert f'hx-get="/import/jobs/{job.pk}/" hx-trigger="every 1s" hx-swap="outerHTML"' in page
    assert 'id="import-report"' not in page and "<html" in page and "style=" not in page
    partial = client.get(f"/import/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'value="1500"' in partial and 'hx-trigger="every 1s"' in partial
    ImportJob.objects.filter(pk=job.pk).update(status="done", rows_done=4000, report={
        "type": "organisation", "ok": True, "applied": False, "file_error": "",
        "counts": {"create": 1, "update": 0, "unchanged": 3999, "merge": 0, "error": 0},
        "rows": [{"line": 2, "status": "create", "name": "新企业", "message": "", "record_id": None, "changes": {}}],
    })
    done = client.get(f"/import/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and 'value="4000"' in done
    assert 'id="import-report"' in done and "new: 1" in done and "新企业" in done and "Dry run" in done


def test_a_bad_file_ends_as_failed_with_the_message(roles, inline_jobs):
    client = signed_in(roles["users"]["operator"])
    data = ("name_zh,park,colour\n" + "".join(f"企业{i},{roles['zone'].pk},red\n" for i in range(3))).encode()
    response = post(client, data)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "failed" and "colour" in job.error
    page = client.get(f"/import/jobs/{job.pk}/")
    assert page.status_code == 200 and "The import failed:" in page.content.decode()
    assert escape(job.error) in page.content.decode()
    assert not Organisation.objects.filter(name_zh__startswith="企业").exists()


def test_a_crash_in_the_job_ends_as_failed_not_500(roles, inline_jobs, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs.importer, "plan_and_apply", boom)
    client = signed_in(roles["users"]["operator"])
    response = post(client, org_csv(roles["zone"].pk, 3))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.error) == ("failed", "RuntimeError: disk on fire") and job.finished_at is not None
    page = client.get(f"/import/jobs/{job.pk}/")
    assert page.status_code == 200 and "RuntimeError: disk on fire" in page.content.decode()


def test_only_the_owner_or_an_admin_sees_a_job(roles):
    job = ImportJob.objects.create(user=roles["users"]["operator"], type_name="organisation", file_name="x.csv")
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


def test_a_user_who_may_not_import_gets_no_job(roles, inline_jobs):
    response = post(signed_in(roles["users"]["viewer"]), org_csv(roles["zone"].pk, 3))
    assert response.status_code == 422 and ImportJob.objects.count() == 0 and inline_jobs == []
    assert not Organisation.objects.filter(name_zh__startswith="后台导入企业").exists()


def test_a_dry_run_job_writes_nothing(roles, inline_jobs):
    client = signed_in(roles["users"]["operator"])
    orgs, history = Organisation.objects.count(), ChangeRecord.objects.count()
    response = post(client, org_csv(roles["zone"].pk, 3), apply="0")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.dry_run is True and job.status == "done"
    assert job.report["applied"] is False and job.report["counts"]["create"] == 3
    assert Organisation.objects.count() == orgs and ChangeRecord.objects.count() == history
    assert "Dry run: nothing written yet" in client.get(f"/import/jobs/{job.pk}/").content.decode()


def test_progress_is_written_on_its_own_connection(roles, settings):
    """On PostgreSQL the progress is visible to other connections while the import's connection is inside a
    transaction; on SQLite (one writer at a time) it is kept in the process and written at the end."""
    job = ImportJob.objects.create(user=roles["users"]["operator"], type_name="organisation", file_name="x.csv",
                                   rows_total=2000)
    progress = jobs._Progress(job.pk)
    try:
        with transaction.atomic():
            progress(500)
            progress(500)
            assert jobs.LIVE[job.pk] == 1000
            observer = connections.create_connection("default")
            try:
                with observer.cursor() as cursor:
                    cursor.execute(f"SELECT rows_done FROM {ImportJob._meta.db_table} WHERE id = %s", [job.pk])
                    seen = cursor.fetchone()[0]
            finally:
                observer.close()
        assert seen == (1000 if settings.IS_POSTGRES else 0)
    finally:
        progress.close()
        jobs.LIVE.pop(job.pk, None)


def test_a_real_thread_runs_the_job_while_the_page_polls(roles, monkeypatch):
    monkeypatch.setattr(jobs, "BACKGROUND_ROWS", 100)
    client = signed_in(roles["users"]["operator"])
    response = post(client, org_csv(roles["zone"].pk, 1200, prefix="线程企业"))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    thread = jobs.THREADS.pop(job.pk)
    seen: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
        seen.append(partial)
        if 'data-status="done"' in partial or 'data-status="failed"' in partial:
            break
        time.sleep(0.05)
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert 'data-status="done"' in seen[-1], seen[-1]
    assert "hx-trigger" not in seen[-1] and "new: 1200" in seen[-1]
    values = [int(re.search(r'<progress id="import-progress" max="1200" value="(\d+)"', s).group(1)) for s in seen]
    assert values == sorted(values) and values[-1] == 1200  # the bar only moves forward
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("done", 1200, 1200)
    assert Organisation.objects.filter(name_zh__startswith="线程企业").count() == 1200


def test_a_job_whose_process_died_is_marked_failed_when_looked_at(roles):
    import datetime as dt

    from django.utils import timezone

    operator = roles["users"]["operator"]
    now = timezone.now()
    stale = now - jobs.STALE_AFTER - dt.timedelta(seconds=1)
    dead = ImportJob.objects.create(user=operator, type_name="organisation", file_name="a.csv", rows_total=10,
                                    rows_done=2, status=ImportJob.Status.RUNNING, heartbeat_at=stale)
    never_started = ImportJob.objects.create(user=operator, type_name="organisation", file_name="b.csv",
                                             rows_total=10)
    ImportJob.objects.filter(pk=never_started.pk).update(created_at=stale)
    ImportJob.objects.create(user=operator, type_name="organisation", file_name="c.csv", rows_total=10,
                             status=ImportJob.Status.RUNNING, heartbeat_at=now - dt.timedelta(seconds=5))
    page = signed_in(operator).get(f"/import/jobs/{dead.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="failed"' in page and "nothing was imported" in page
    assert "hx-trigger" not in page and "<progress" not in page  # no more polling, no bar at 20 %
    states = dict(ImportJob.objects.values_list("file_name", "status"))
    assert states == {"a.csv": "failed", "b.csv": "failed", "c.csv": "running"}
    assert ImportJob.objects.get(pk=dead.pk).finished_at is not None
    assert jobs.expire_stale() == 0  # nothing left to mark; the busy job keeps running


def test_a_dead_job_is_failed_in_chinese_too(roles):
    import datetime as dt

    from django.utils import timezone

    operator = roles["users"]["operator"]
    dead = ImportJob.objects.create(user=operator, type_name="organisation", file_name="a.csv", rows_total=10,
                                    status=ImportJob.Status.RUNNING,
                                    heartbeat_at=timezone.now() - dt.timedelta(minutes=1))
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(operator)
    page = client.get(f"/import/jobs/{dead.pk}/").content.decode()
    assert "什么也没有导入" in page and "服务器上运行此导入的进程在完成前停止了" in page


def test_a_job_whose_upload_was_touched_lately_is_alive_though_its_database_heartbeat_is_old(roles, tmp_path,
                                                                                             settings):
    """On SQLite the import may hold the write lock for minutes: the heartbeat thread then touches the
    job's upload instead of writing to the database, and that is a sign of life too."""
    import datetime as dt

    from django.utils import timezone

    settings.MEDIA_ROOT = str(tmp_path)
    operator = roles["users"]["operator"]
    job = jobs.create_job(user=operator, type_name="organisation", file_name="a.csv", data=b"name_zh\nx\n",
                          encoding="utf-8", dry_run=True, accept_merges=False, rows_total=1)
    old = timezone.now() - dt.timedelta(minutes=5)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, heartbeat_at=old, created_at=old)
    upload = jobs.upload_dir() / job.stored_as
    os.utime(upload, (old.timestamp(), old.timestamp()))
    jobs._Heartbeat(job.pk, job.stored_as).beat()  # one beat, as the thread gives every HEARTBEAT_EVERY
    assert jobs.expire_stale() == 0
    assert ImportJob.objects.get(pk=job.pk).status == "running"
    later = timezone.now() + jobs.STALE_AFTER + dt.timedelta(seconds=1)  # no beat since
    assert jobs.expire_stale(now=later) == 1
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", jobs.DIED)
    assert not upload.exists()


def test_the_staleness_allows_several_missed_heartbeats():
    assert jobs.STALE_AFTER.total_seconds() >= 4 * jobs.HEARTBEAT_EVERY
    assert jobs.STALE_AFTER.total_seconds() <= 60

"""Background web imports: a file with more than BACKGROUND_ROWS rows is queued as a django-tasks task and
imported by a worker process (`biopark worker`), not by the request.

A job goes queued -> running -> succeeded | failed. The uploaded bytes are kept under
MEDIA_ROOT/imports/<uuid> while the job waits and runs (the jobs table carries no megabytes of blobs) and
removed when it ends. The importer writes all or nothing in one transaction, so a job that dies wrote
nothing. What the user chose besides the file (the park for rows without one, and which proposed merges
they accepted, row by row) waits beside it in a small JSON file, <uuid>.options.json.

A dry-run job's file is also staged (see staging.py): when its report is clean, the job's page lists the
proposed merges with accept/reject per row, and confirming queues the import of the staged file as a new
job carrying those choices, as a small import does in one request.

While a job runs, a heartbeat thread of the worker gives a sign of life every HEARTBEAT_EVERY seconds and
writes the progress (`rows_done`) with it, through the thread's own database connection (so other
processes see it while the import's connection is inside its transaction). On SQLite the import holds the
one write lock while it writes; a beat may then wait, so the thread also touches the job's upload (its
modification time), which the sweep reads as a sign of life too. A running job silent for STALE_AFTER died
with its worker: `expire_stale` (run by every worker's sweep thread and by the progress pages) marks it
failed, or queues it again when its kind is safe to run twice (see `retry_safe`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from biopark.core import background
from biopark.core.background import stale_after
from biopark.core.errors import DomainError
from biopark.ecosystem import importer, tabular
from biopark.ecosystem.models import ImportJob, Park

log = logging.getLogger(__name__)

BACKGROUND_ROWS = 2000  # files with more data rows than this are imported in the background
PROGRESS_EVERY = 500  # rows between two progress writes (the importer reports every 500 rows)
MAX_ATTEMPTS = 2  # a job safe to retry is started at most this often
DIED = gettext_noop(
    "The server process running this import stopped before it finished; nothing was imported. "
    "Upload the file again."
)
LIVE_STATES = (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def retry_safe(job: ImportJob) -> bool:
    """May a job whose worker died run again by itself? A dry run writes nothing, so yes (once more: a file
    that kills its worker, by running it out of memory say, must not kill every worker in turn). An import
    that writes does not: its owner was told it failed and may already have uploaded the file again, and a
    second run behind their back would write it twice."""
    return job.dry_run and job.attempts < MAX_ATTEMPTS


def create_job(
    *, user: Any, type_name: str, file_name: str, data: bytes, encoding: str, dry_run: bool, accept_merges: bool,
    rows_total: int, accepted_lines: frozenset[int] | None = None, park_id: int | None = None, staged: str = "",
) -> ImportJob:
    """Keep the upload, record the job, and queue its task once the job's row is committed.

    `accepted_lines`: the proposed merges the user accepted, by line (None: `accept_merges` decides for all);
    `park_id`: the park of rows without one; `staged`: the token of the staged copy of a dry run's file."""
    stored_as = uuid.uuid4().hex
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored_as).write_bytes(data)
    options = {"accepted_lines": sorted(accepted_lines) if accepted_lines is not None else None,
               "park": park_id, "staged": staged}
    _options_path(stored_as).write_text(json.dumps(options))
    job = ImportJob.objects.create(
        user=user, type_name=type_name, file_name=file_name[:255], stored_as=stored_as, encoding=encoding,
        dry_run=dry_run, accept_merges=accept_merges, rows_total=rows_total,
    )
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def _options_path(stored_as: str) -> Path:
    return upload_dir() / f"{stored_as}.options.json"


def _read_options(stored_as: str) -> dict[str, Any]:
    """The choices kept beside the upload ({} for a job queued without them)."""
    try:
        options = json.loads(_options_path(stored_as).read_text())
    except (OSError, ValueError):
        return {}
    return options if isinstance(options, dict) else {}


@task()
def import_task(job_id: int) -> str:
    """The task a worker runs: import job `job_id` to its end; returns the job's final status."""
    run_job(job_id)
    return ImportJob.objects.values_list("status", flat=True).get(pk=job_id)


def enqueue(job_id: int) -> None:
    """Queue the job's task and remember its id (the sweep asks the task backend about it)."""
    result = import_task.enqueue(job_id)
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(task_id=str(result.id))


class _Heartbeat:
    """The running job's signs of life and progress, written by a core.background.Heartbeat thread (so a long
    database statement of the import silences neither) through that thread's own connection."""

    def __init__(self, job_id: int, attempt: int, stored_as: str):
        self.job_id = job_id
        self.attempt = attempt
        self.path = upload_dir() / stored_as if stored_as else None
        self.done = 0
        self._written = 0
        self._thread = background.Heartbeat(f"import-heartbeat-{job_id}", self.beat)

    def start(self) -> _Heartbeat:
        self._thread.start()
        return self

    def progress(self, increment: int) -> None:
        """The importer's progress callback: count the rows; wake the thread when there is news to write."""
        self.done += increment
        if self.done - self._written >= PROGRESS_EVERY:
            self._thread.wake()

    def beat(self) -> None:
        now = timezone.now()
        if self.path is not None:
            try:
                os.utime(self.path, (now.timestamp(), now.timestamp()))
            except OSError:
                log.warning("import job %s: could not touch its upload", self.job_id, exc_info=True)
        done = self.done
        try:
            ImportJob.objects.filter(
                pk=self.job_id, status=ImportJob.Status.RUNNING, attempts=self.attempt
            ).update(heartbeat_at=now, rows_done=done)
            self._written = done
        except DatabaseError:  # best effort: a locked SQLite file; the upload's time still tells
            log.warning("import job %s: could not record its heartbeat", self.job_id, exc_info=True)

    def stop(self) -> None:
        self._thread.stop()


def _start(job_id: int) -> ImportJob | None:
    """queued -> running, only from queued: a job swept meanwhile, or already taken, is not run again."""
    started = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now(), rows_done=0, attempts=F("attempts") + 1,
    )
    if not started:
        log.warning("import job %s is not queued any more; not run", job_id)
        return None
    return ImportJob.objects.get(pk=job_id)


def run_job(job_id: int) -> None:
    """Run one job to its end; every outcome (including a crash) is written to the job, never raised."""
    job = _start(job_id)
    if job is None:
        return
    heartbeat = _Heartbeat(job_id, job.attempts, job.stored_as).start()
    # The outcome is written only for this attempt (a retry after a wrong sweep is a new attempt). It is
    # written even if a sweep took the job for dead meanwhile: what the import did is the truth.
    this_attempt = ImportJob.objects.filter(pk=job_id, attempts=job.attempts)
    try:
        data = (upload_dir() / job.stored_as).read_bytes()
        table = tabular.read_table(data, tabular.detect_format(job.file_name), encoding=job.encoding)
        options = _read_options(job.stored_as)
        accepted = options.get("accepted_lines")
        park = Park.objects.filter(pk=options["park"]).first() if options.get("park") else None
        report = importer.plan_and_apply(
            actor=get_user_model().objects.get(pk=job.user_id),
            type_name=job.type_name,
            table=table,
            dry_run=job.dry_run,
            accept_merges=job.accept_merges,
            progress=heartbeat.progress,
            defaults={"park": park} if park is not None else None,
            accepted_lines=frozenset(int(line) for line in accepted) if accepted is not None else None,
        )
        heartbeat.stop()
        result = report.as_dict()
        # What the job's page needs to offer the import of a checked file with the same choices.
        result["park"] = park.pk if park is not None else None
        result["staged"] = options.get("staged", "") if job.dry_run and report.ok else ""
        this_attempt.update(
            status=ImportJob.Status.FAILED if report.file_error else ImportJob.Status.SUCCEEDED,
            error=report.file_error,
            report=result,
            rows_done=len(table.rows),
            heartbeat_at=timezone.now(),
            finished_at=timezone.now(),
        )
    except Exception as exc:  # noqa: BLE001 - the job records any failure; nothing is left to raise to
        heartbeat.stop()
        message = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, DomainError):
            log.exception("import job %s failed", job_id)
        try:
            this_attempt.update(
                status=ImportJob.Status.FAILED, error=message, rows_done=heartbeat.done, finished_at=timezone.now()
            )
        except DatabaseError:
            log.exception("import job %s: could not record the failure", job_id)
    finally:
        heartbeat.stop()
        _remove_upload(job.stored_as)


def _remove_upload(stored_as: str) -> None:
    if not stored_as:
        return
    try:
        (upload_dir() / stored_as).unlink(missing_ok=True)
        _options_path(stored_as).unlink(missing_ok=True)
    except OSError:
        log.warning("could not remove the uploaded file %s", stored_as, exc_info=True)


def _upload_touched_at(stored_as: str) -> dt.datetime | None:
    """When the job's heartbeat last touched its upload (None when the file is gone)."""
    if not stored_as:
        return None
    try:
        return dt.datetime.fromtimestamp((upload_dir() / stored_as).stat().st_mtime, tz=dt.UTC)
    except OSError:
        return None


def _fail_task(task_id: str) -> None:
    """Close the task result of a dead attempt, which its worker left 'running' (the backend has no public
    call for it: its model's own method records the failure)."""
    if not task_id:
        return
    result = DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).first()
    if result is not None:
        result.set_failed(RuntimeError("the worker running this task stopped (its heartbeat went stale)"))


def _dead_jobs(now: dt.datetime) -> list[ImportJob]:
    """Running jobs without a sign of life since the cutoff, and queued ones whose task is gone."""
    cutoff = now - stale_after()
    running = ImportJob.objects.filter(status=ImportJob.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    dead = []
    for job in running.only("pk", "status", "stored_as", "dry_run", "attempts", "task_id"):
        touched = _upload_touched_at(job.stored_as)
        if touched is None or touched < cutoff:
            dead.append(job)
    # A queued job waits as long as its task does (every worker may be busy); it is dead when the task is
    # gone: the process that queued it died between its commit and the queueing, say.
    queued = ImportJob.objects.filter(status=ImportJob.Status.QUEUED, created_at__lt=cutoff)
    dead += [job for job in queued.only("pk", "status", "stored_as", "dry_run", "attempts", "task_id")
             if not background.task_waiting(import_task, job.task_id)]
    return dead


def expire_stale(now: dt.datetime | None = None) -> int:
    """Mark failed (or queue again, when `retry_safe`) the jobs whose worker died. Returns how many."""
    now = now or timezone.now()
    marked = 0
    for job in _dead_jobs(now):
        alive = ImportJob.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts)
        if job.status == ImportJob.Status.RUNNING and retry_safe(job):
            if alive.update(status=ImportJob.Status.QUEUED, heartbeat_at=None, rows_done=0, task_id=""):
                _fail_task(job.task_id)
                enqueue(job.pk)
                marked += 1
            continue
        if alive.update(status=ImportJob.Status.FAILED, error=DIED, finished_at=now):
            _fail_task(job.task_id)
            _remove_upload(job.stored_as)
            marked += 1
    return marked

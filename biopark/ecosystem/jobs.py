"""Background web imports: a file with more than BACKGROUND_ROWS rows is imported by a thread, not the request.

The uploaded bytes are kept under MEDIA_ROOT/imports/<uuid> while the job runs (so the job can be re-read from
its own record, and the jobs table does not carry megabytes of blobs) and removed when it ends. The thread
reports progress in `ImportJob.rows_done` through a SEPARATE database connection in autocommit mode, so a
polling request served by any worker process sees it even while the import's own connection is inside a
transaction. The same numbers are also kept in `LIVE` (this process only) as a fallback.

While a job runs, a heartbeat thread gives a sign of life every HEARTBEAT_EVERY seconds: it touches the
job's uploaded file (its modification time) and, on PostgreSQL, sets `heartbeat_at`. (On SQLite the import
may hold the one write lock for a long time, so the file carries the beat there.) A queued or running job
with no sign of life for STALE_AFTER died with its process; `expire_stale` marks it failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import uuid
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, connections
from django.db.models import Q
from django.db.models.sql import UpdateQuery
from django.db.models.sql.constants import NO_RESULTS
from django.utils import timezone
from django.utils.translation import gettext_noop

from biopark.core.errors import DomainError
from biopark.ecosystem import importer, tabular
from biopark.ecosystem.models import ImportJob

log = logging.getLogger(__name__)

BACKGROUND_ROWS = 2000  # files with more data rows than this are imported in the background
HEARTBEAT_EVERY = 10.0  # seconds between two signs of life of a running job
# A job silent this long died with its process. Four beats may be missed before a live job is taken for
# dead (a loaded 2-core machine, a long pause of the database or the disk), yet the page says within a
# minute that a killed import is gone and stops polling (it used to show "running" for ten minutes).
STALE_AFTER = dt.timedelta(seconds=45)
DIED = gettext_noop(
    "The server process running this import stopped before it finished; nothing was imported. "
    "Upload the file again."
)
PROGRESS_EVERY = 500  # rows between two progress writes
LIVE: dict[int, int] = {}  # job id -> rows done, for polls served by this process
THREADS: dict[int, threading.Thread] = {}  # job id -> its thread (tests join it)


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def create_job(
    *, user: Any, type_name: str, file_name: str, data: bytes, encoding: str, dry_run: bool, accept_merges: bool,
    rows_total: int,
) -> ImportJob:
    stored_as = uuid.uuid4().hex
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored_as).write_bytes(data)
    return ImportJob.objects.create(
        user=user, type_name=type_name, file_name=file_name[:255], stored_as=stored_as, encoding=encoding,
        dry_run=dry_run, accept_merges=accept_merges, rows_total=rows_total,
    )


def spawn(job_id: int, table: tabular.Table | None = None) -> threading.Thread:
    """Start the job's thread (tests may replace this to run the job inline)."""
    thread = threading.Thread(target=_thread_main, args=(job_id, table), name=f"import-job-{job_id}", daemon=True)
    THREADS[job_id] = thread
    thread.start()
    return thread


class _Progress:
    """The importer's progress callback: counts rows, writes rows_done at most every PROGRESS_EVERY rows."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.done = 0
        self.written = 0
        self._conn: Any = None

    def __call__(self, increment: int) -> None:
        self.done += increment
        LIVE[self.job_id] = self.done
        if self.done - self.written >= PROGRESS_EVERY:
            self.write()

    def write(self) -> None:
        # On SQLite a second connection cannot write while the import's connection holds the write lock: skip
        # (the in-process number and the final write still tell); PostgreSQL has no such lock.
        if connection.vendor == "sqlite" and connection.in_atomic_block:
            return
        try:
            if self._conn is None:
                self._conn = connections.create_connection("default")
            query = cast(UpdateQuery, ImportJob.objects.filter(pk=self.job_id).query.chain(UpdateQuery))
            query.add_update_values({"rows_done": self.done, "heartbeat_at": timezone.now()})
            query.get_compiler(connection=self._conn).execute_sql(NO_RESULTS)
            self.written = self.done
        except DatabaseError:  # progress is best effort: never fail an import for it
            log.warning("import job %s: could not record progress", self.job_id, exc_info=True)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class _Heartbeat:
    """Signs of life of a running job, from a thread of their own (so a long database statement of the
    import does not silence them): the upload's modification time and, on PostgreSQL, `heartbeat_at`."""

    def __init__(self, job_id: int, stored_as: str):
        self.job_id = job_id
        self.path = upload_dir() / stored_as if stored_as else None
        self.vendor = connection.vendor
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"import-heartbeat-{job_id}", daemon=True)

    def start(self) -> _Heartbeat:
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_EVERY):
                self.beat()
        finally:
            connection.close()  # this thread's own connection

    def beat(self) -> None:
        now = timezone.now()
        if self.path is not None:
            try:
                os.utime(self.path, (now.timestamp(), now.timestamp()))
            except OSError:
                log.warning("import job %s: could not touch its upload", self.job_id, exc_info=True)
        if self.vendor != "postgresql":
            return  # SQLite: the import may hold the write lock; a write here would wait for it
        try:
            ImportJob.objects.filter(pk=self.job_id, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]).update(
                heartbeat_at=now
            )
        except DatabaseError:  # a heartbeat is best effort; the file's time still tells
            log.warning("import job %s: could not record its heartbeat", self.job_id, exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        if self.thread.is_alive():
            self.thread.join()


def _thread_main(job_id: int, table: tabular.Table | None) -> None:
    try:
        run_job(job_id, table)
    finally:
        connection.close()  # this thread's own connection: do not leave it to the garbage collector


def run_job(job_id: int, table: tabular.Table | None = None) -> None:
    """Run one job to its end; every outcome (including a crash) is written to the job, never raised."""
    progress = _Progress(job_id)
    heartbeat: _Heartbeat | None = None
    try:
        ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now())
        job = ImportJob.objects.select_related("user").get(pk=job_id)
        heartbeat = _Heartbeat(job_id, job.stored_as).start()
        if table is None:
            data = (upload_dir() / job.stored_as).read_bytes()
            table = tabular.read_table(data, tabular.detect_format(job.file_name), encoding=job.encoding)
        report = importer.plan_and_apply(
            actor=get_user_model().objects.get(pk=job.user_id),
            type_name=job.type_name,
            table=table,
            dry_run=job.dry_run,
            accept_merges=job.accept_merges,
            progress=progress,
        )
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED if report.file_error else ImportJob.Status.DONE,
            error=report.file_error,
            report=report.as_dict(),
            rows_done=len(table.rows),
            finished_at=timezone.now(),
        )
    except Exception as exc:  # noqa: BLE001 - the job records any failure; nothing is left to raise to
        message = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, DomainError):
            log.exception("import job %s failed", job_id)
        try:
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportJob.Status.FAILED, error=message, rows_done=progress.done, finished_at=timezone.now()
            )
        except DatabaseError:
            log.exception("import job %s: could not record the failure", job_id)
    finally:
        if heartbeat is not None:
            heartbeat.stop()
        progress.close()
        LIVE.pop(job_id, None)
        _remove_upload(job_id)


def _remove_upload(job_id: int) -> None:
    try:
        stored = ImportJob.objects.filter(pk=job_id).values_list("stored_as", flat=True).first()
        if stored:
            (upload_dir() / stored).unlink(missing_ok=True)
    except (DatabaseError, OSError):
        log.warning("import job %s: could not remove the uploaded file", job_id, exc_info=True)


def rows_done(job: ImportJob) -> int:
    """The freshest progress: the database's, or this process's if it is ahead."""
    return max(job.rows_done, LIVE.get(job.pk, 0))


def _upload_touched_at(stored_as: str) -> dt.datetime | None:
    """When the job's heartbeat last touched its upload (None when the file is gone)."""
    if not stored_as:
        return None
    try:
        return dt.datetime.fromtimestamp((upload_dir() / stored_as).stat().st_mtime, tz=dt.UTC)
    except OSError:
        return None


def expire_stale(now: dt.datetime | None = None) -> int:
    """Mark failed the queued or running jobs whose process is gone (no sign of life for STALE_AFTER).

    An import writes all or nothing in one transaction, so a job that died wrote nothing: the message
    says so. Jobs whose thread is alive in this process are left alone whatever their heartbeat.
    Returns how many jobs were marked."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    alive = [job_id for job_id, thread in THREADS.items() if thread.is_alive()]
    silent = (
        ImportJob.objects.filter(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
        .exclude(pk__in=alive)
        .values_list("pk", "stored_as")
    )
    ids = []
    for job_id, stored_as in silent:
        touched = _upload_touched_at(stored_as)
        if touched is None or touched < cutoff:
            ids.append(job_id)
    if not ids:
        return 0
    marked = ImportJob.objects.filter(
        pk__in=ids, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
    ).update(status=ImportJob.Status.FAILED, error=DIED, finished_at=now)
    for job_id in ids:
        _remove_upload(job_id)
    return marked

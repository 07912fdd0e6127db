"""Batches of documents ingested by a worker (`biopark worker`), not by the request or the command.

A batch goes queued -> running -> succeeded | failed. Its files wait under MEDIA_ROOT/news-batches/<uuid>
and are removed when the batch ends. Each document is ingested in a transaction of its own, so a file that
cannot be read is reported by name and the others still come in; `done` counts the files handled so far
and `heartbeat_at` moves with it, so a page shows the progress while the batch runs. A running batch silent
for STALE_AFTER died with its worker: the sweep marks it failed (the documents it finished stay, each one
whole)."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import task

from biopark.accounts import policy
from biopark.core.background import stale_after
from biopark.core.errors import DomainError
from biopark.news import services
from biopark.news.models import IngestBatch

log = logging.getLogger(__name__)

BACKGROUND_FILES = 3  # more files than this, from the command line, go to the worker
DIED = gettext_noop("The server process running this batch stopped before it finished; the documents listed "
                    "were ingested, the others were not. Upload those again.")


def batch_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "news-batches"


def create_batch(*, actor: Any, files: list[tuple[str, bytes]], publisher: str = "") -> IngestBatch:
    """Keep the files, record the batch, and queue its task once the row is committed."""
    policy.require(actor, policy.CREATE, IngestBatch)
    folder = batch_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stored = []
    for name, data in files:
        stored_as = uuid.uuid4().hex
        (folder / stored_as).write_bytes(data)
        stored.append({"name": name[:255], "stored_as": stored_as})
    user = policy.user_of(actor)
    batch = IngestBatch.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None, park_id=policy.actor_for(actor).park_id,
        files=stored, total=len(stored), publisher=publisher[:300],
    )
    transaction.on_commit(lambda: enqueue(batch.pk))
    return batch


@task()
def ingest_task(batch_id: int) -> str:
    run_batch(batch_id)
    return IngestBatch.objects.values_list("status", flat=True).get(pk=batch_id)


def enqueue(batch_id: int) -> None:
    result = ingest_task.enqueue(batch_id)
    IngestBatch.objects.filter(pk=batch_id, status=IngestBatch.Status.QUEUED).update(task_id=str(result.id))


def run_batch(batch_id: int) -> None:
    """Ingest every file of a queued batch; every outcome is written to the batch, never raised."""
    started = IngestBatch.objects.filter(pk=batch_id, status=IngestBatch.Status.QUEUED).update(
        status=IngestBatch.Status.RUNNING, heartbeat_at=timezone.now())
    if not started:
        return
    batch = IngestBatch.objects.get(pk=batch_id)
    actor: Any = get_user_model().objects.filter(pk=batch.user_id).first() if batch.user_id else policy.SYSTEM
    errors: list[dict[str, str]] = []
    try:
        for done, item in enumerate(batch.files, start=1):
            path = batch_dir() / item["stored_as"]
            try:
                services.document_ingest(
                    actor=actor, park_id=batch.park_id, batch_id=batch.pk,
                    incoming=services.Incoming(file_name=item["name"], content=path.read_bytes(),
                                               publisher=batch.publisher),
                )
            except DomainError as exc:
                errors.append({"file": item["name"], "message": exc.message})
            except OSError as exc:
                errors.append({"file": item["name"], "message": str(exc)})
            IngestBatch.objects.filter(pk=batch_id).update(done=done, errors=errors, heartbeat_at=timezone.now())
        IngestBatch.objects.filter(pk=batch_id).update(
            status=IngestBatch.Status.SUCCEEDED, finished_at=timezone.now(), errors=errors)
    except Exception as exc:  # noqa: BLE001 - the batch records any failure
        log.exception("news batch %s failed", batch_id)
        try:
            IngestBatch.objects.filter(pk=batch_id).update(
                status=IngestBatch.Status.FAILED, finished_at=timezone.now(),
                errors=[*errors, {"file": "", "message": f"{type(exc).__name__}: {exc}"}])
        except DatabaseError:
            log.exception("news batch %s: could not record the failure", batch_id)
    finally:
        _remove_files(batch)


def _remove_files(batch: IngestBatch) -> None:
    for item in batch.files:
        try:
            (batch_dir() / item["stored_as"]).unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove %s", item["stored_as"], exc_info=True)


def expire_stale(now: dt.datetime | None = None) -> int:
    """Mark failed the running batches whose worker died (no progress since STALE_AFTER)."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    marked = 0
    for batch in IngestBatch.objects.filter(status=IngestBatch.Status.RUNNING).filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)):
        if IngestBatch.objects.filter(pk=batch.pk, status=IngestBatch.Status.RUNNING).update(
                status=IngestBatch.Status.FAILED, finished_at=now,
                errors=[*batch.errors, {"file": "", "message": DIED}]):
            _remove_files(batch)
            marked += 1
    return marked

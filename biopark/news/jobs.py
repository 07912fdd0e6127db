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
from django.utils.translation import gettext, gettext_noop
from django_tasks import task

from biopark.accounts import policy
from biopark.core.background import stale_after
from biopark.core.errors import DomainError, PermissionRefused
from biopark.news import services
from biopark.news.documents import PROBLEMS, DocumentError, problem_text
from biopark.news.models import IngestBatch

log = logging.getLogger(__name__)

BACKGROUND_FILES = 3  # more files than this, from the command line, go to the worker
DIED = gettext_noop("The server process running this batch stopped before it finished; the documents listed "
                    "were ingested, the others were not. Upload those again.")
# A batch's errors are stored as {"file", "code", "params"} and put into words when shown, in the reader's
# language (not the language of whoever queued the batch). These codes add to those of news.documents.
BATCH_PROBLEMS = {
    "died": DIED,
    "refused": gettext_noop("the person who queued this batch may no longer ingest documents"),
    "file_gone": gettext_noop("the uploaded file could not be read back on the server (%(reason)s); upload it again"),
    "failed": gettext_noop("the batch stopped on an unexpected error (%(error)s)"),
    "invalid": gettext_noop("the document was refused: %(reason)s"),
}


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
    errors: list[dict[str, Any]] = []
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
                errors.append({"file": item["name"], **_problem(exc)})
            except OSError as exc:
                errors.append({"file": item["name"], "code": "file_gone", "params": {"reason": exc.strerror or ""}})
            IngestBatch.objects.filter(pk=batch_id).update(done=done, errors=errors, heartbeat_at=timezone.now())
        IngestBatch.objects.filter(pk=batch_id).update(
            status=IngestBatch.Status.SUCCEEDED, finished_at=timezone.now(), errors=errors)
    except Exception as exc:  # noqa: BLE001 - the batch records any failure
        log.exception("news batch %s failed", batch_id)
        try:
            IngestBatch.objects.filter(pk=batch_id).update(
                status=IngestBatch.Status.FAILED, finished_at=timezone.now(),
                errors=[*errors, {"file": "", "code": "failed", "params": {"error": f"{type(exc).__name__}: {exc}"}}])
        except DatabaseError:
            log.exception("news batch %s: could not record the failure", batch_id)
    finally:
        _remove_files(batch)


def _problem(exc: DomainError) -> dict[str, Any]:
    """The code and parameters of a refused document (a file that cannot be read keeps its own code)."""
    cause = exc.__cause__
    if isinstance(cause, DocumentError):
        return {"code": cause.code, "params": cause.params}
    if isinstance(exc, PermissionRefused):
        return {"code": "refused", "params": {}}
    # Anything else the services refuse is kept in the words it was given (no code to translate it later).
    return {"code": "invalid", "params": {"reason": exc.message}}


def error_text(entry: dict[str, Any]) -> str:
    """One stored error in the active language: "file: why" (a file problem's sentence names the file)."""
    code, params, name = entry.get("code", ""), entry.get("params") or {}, entry.get("file") or ""
    try:
        if code in PROBLEMS:
            return problem_text(code, params)
        if code in BATCH_PROBLEMS:
            why = gettext(BATCH_PROBLEMS[code]) % params
        elif code:
            why = gettext("unknown problem %(code)s") % {"code": code}
        else:  # stored before errors had codes: a message, translated if it is a sentence of ours
            why = gettext(str(entry.get("message", "")))
    except (KeyError, TypeError, ValueError):  # parameters that do not fit the sentence: never a 500
        why = gettext("unknown problem %(code)s") % {"code": code}
    return f"{name}: {why}" if name else why


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
                errors=[*batch.errors, {"file": "", "code": "died", "params": {}}]):
            _remove_files(batch)
            marked += 1
    return marked

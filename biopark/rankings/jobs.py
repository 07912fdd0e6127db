"""Runs built in the background: a run started from the web (or the API with ``background``) is a row in
state queued, and a django-tasks task on the database backend that a worker (`biopark worker`) takes.

The run goes queued -> running -> succeeded | failed, as the imports of biopark.ecosystem.jobs do, and is
tracked the same way: the worker writes a heartbeat from a thread of its own (so a long uncertainty analysis
still shows a sign of life) together with the stage it is in (reading the data, building, storing); a run
silent for STALE_AFTER died with its worker and is marked failed by the sweep every worker runs (and by the
run's page). Building a run writes nothing until its results are stored in one transaction, so a run that
dies leaves no half-written scores.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import task

from biopark.core import background
from biopark.core.background import stale_after
from biopark.core.errors import DomainError
from biopark.rankings.models import JobStatus, Run

log = logging.getLogger(__name__)

# Stages of a run, in order (the page shows them as steps of a progress bar).
STAGES = ("data", "build", "store")
DIED = gettext_noop("The worker building this run stopped before it finished; nothing was stored. "
                    "Start the run again.")


@task()
def build_run_task(run_id: int) -> str:
    """The task a worker runs: build run ``run_id`` to its end; returns the run's final job status."""
    execute(run_id)
    return Run.objects.values_list("job_status", flat=True).get(pk=run_id)


def enqueue(run_id: int) -> None:
    """Queue the run's task and remember its id (the sweep asks the backend whether it still waits)."""
    result = build_run_task.enqueue(run_id)
    Run.objects.filter(pk=run_id, job_status=JobStatus.QUEUED).update(task_id=str(result.id))


def _heartbeat(run_id: int, attempt: int) -> background.Heartbeat:
    """Signs of life of a running run, written from a thread with its own database connection."""

    def beat() -> None:
        try:
            Run.objects.filter(pk=run_id, job_status=JobStatus.RUNNING,
                               attempts=attempt).update(heartbeat_at=timezone.now())
        except DatabaseError:  # best effort (a locked SQLite file): the next beat tries again
            log.warning("run %s: could not record its heartbeat", run_id, exc_info=True)

    return background.Heartbeat(f"run-heartbeat-{run_id}", beat)


def _start(run_id: int) -> Run | None:
    """queued -> running, only from queued: a run swept meanwhile, or already taken, is not built again."""
    now = timezone.now()
    started = Run.objects.filter(pk=run_id, job_status=JobStatus.QUEUED).update(
        job_status=JobStatus.RUNNING, heartbeat_at=now, started_at=now, job_stage=STAGES[0],
        attempts=F("attempts") + 1,
    )
    if not started:
        log.warning("run %s is not queued any more; not built", run_id)
        return None
    return Run.objects.select_related("framework", "version", "version__framework", "created_by").get(pk=run_id)


# What builds a started run: rankings.services.run_build_queued, registered by RankingsConfig.ready (the services
# queue runs through this module, so this module does not import them).
_BUILD: Callable[..., object] | None = None


def register_builder(build: Callable[..., object]) -> None:
    global _BUILD
    _BUILD = build


def execute(run_id: int) -> None:
    """Build one queued run to its end; every outcome (a crash too) is written to the run, never raised."""
    if _BUILD is None:
        raise RuntimeError("no run builder registered: RankingsConfig.ready has not run")
    run = _start(run_id)
    if run is None:
        return
    heartbeat = _heartbeat(run_id, run.attempts).start()
    this_attempt = Run.objects.filter(pk=run_id, attempts=run.attempts)

    def stage(name: str) -> None:
        # Kept on the object too: the build saves the run whole when it stores the results.
        run.job_stage, run.heartbeat_at = name, timezone.now()
        this_attempt.update(job_stage=name, heartbeat_at=run.heartbeat_at)

    try:
        _BUILD(run=run, stage=stage)
    except Exception as exc:  # noqa: BLE001 - the run records any failure; nothing is left to raise to
        heartbeat.stop()
        message = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, DomainError):
            log.exception("run %s failed", run_id)
        try:
            this_attempt.update(job_status=JobStatus.FAILED, job_error=message, finished_at=timezone.now())
        except DatabaseError:
            log.exception("run %s: could not record the failure", run_id)
    finally:
        heartbeat.stop()


def expire_stale(now: dt.datetime | None = None) -> int:
    """Mark failed the runs whose worker died (silent running ones; queued ones whose task is gone)."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    running = Run.objects.filter(job_status=JobStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
    dead = [(r.pk, r.job_status, r.attempts) for r in running.only("pk", "job_status", "attempts")]
    queued = Run.objects.filter(job_status=JobStatus.QUEUED, created_at__lt=cutoff)
    dead += [(r.pk, r.job_status, r.attempts) for r in queued.only("pk", "job_status", "attempts", "task_id")
             if not background.task_waiting(build_run_task, r.task_id)]
    marked = 0
    for pk, status, attempts in dead:
        with transaction.atomic():
            marked += Run.objects.filter(pk=pk, job_status=status, attempts=attempts).update(
                job_status=JobStatus.FAILED, job_error=DIED, finished_at=now)
    return marked

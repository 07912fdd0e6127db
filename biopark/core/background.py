"""What every worker does besides running tasks: sweep the jobs whose worker died.

Apps register a sweeper (a function that marks failed, or queues again, the jobs of theirs whose heartbeat
went stale, and returns how many it marked) in their AppConfig.ready(). `biopark worker` runs every sweeper
when it starts and then every few seconds from a thread of its own, so a dead job is found while the
system runs even when no one looks at it, and even while this worker is busy with a long task.
Core imports no app: the apps come to it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

log = logging.getLogger(__name__)

Sweeper = Callable[[], int]
_SWEEPERS: dict[str, Sweeper] = {}


def register_sweeper(name: str, sweeper: Sweeper) -> None:
    """Register (or replace) the sweeper called `name`."""
    _SWEEPERS[name] = sweeper


def sweepers() -> dict[str, Sweeper]:
    return dict(_SWEEPERS)


def sweep() -> int:
    """Run every sweeper once; a failing sweeper is logged and does not stop the others."""
    marked = 0
    for name, sweeper in sweepers().items():
        try:
            marked += sweeper()
        except DatabaseError:  # a locked SQLite file or a lost connection: the next sweep tries again
            log.warning("sweeper %s could not run", name, exc_info=True)
    return marked


def sweep_every() -> float:
    """Seconds between two sweeps of a worker: often enough that a dead job is reported soon after it goes
    stale, rarely enough to cost nothing."""
    return max(0.05, min(10.0, float(settings.BIOPARK_JOBS["STALE_AFTER"]) / 3))


class SweepThread:
    """Sweeps at once, then every sweep_every() seconds, until stopped (a daemon: it dies with the worker)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="job-sweeper", daemon=True)

    def start(self) -> SweepThread:
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            while True:
                sweep()
                if self._stop.wait(sweep_every()):
                    return
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self._stop.set()
        self.thread.join()


# --- what every job of every app shares: its heartbeat and how its task is looked up --------------------------


def heartbeat_every() -> float:
    """Seconds between two signs of life of a running job."""
    return float(settings.BIOPARK_JOBS["HEARTBEAT_EVERY"])


def stale_after() -> dt.timedelta:
    """A running job silent this long died with its worker."""
    return dt.timedelta(seconds=float(settings.BIOPARK_JOBS["STALE_AFTER"]))


def task_waiting(task: Any, task_id: str) -> bool:
    """Is the job's task (a django-tasks task, and the id its enqueue gave) still queued or being taken?"""
    if not task_id:
        return False
    try:
        status = task.get_backend().get_result(task_id).status
    except TaskResultDoesNotExist:
        return False
    return status in (TaskResultStatus.READY, TaskResultStatus.RUNNING)


class Heartbeat:
    """Calls `beat` every heartbeat_every() seconds, or sooner when woken (news to write), from a thread with
    its own database connection, so a long statement of the job's own connection silences nothing."""

    def __init__(self, name: str, beat: Callable[[], None]):
        self.beat = beat
        self._wake = threading.Event()
        self._stopping = False
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> Heartbeat:
        self.thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        try:
            while not self._stopping:
                self._wake.wait(heartbeat_every())
                self._wake.clear()
                if not self._stopping:
                    self.beat()
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self.thread.is_alive():
            self.thread.join()

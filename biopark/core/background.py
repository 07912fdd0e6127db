"""What every worker does besides running tasks: sweep the jobs whose worker died.

Apps register a sweeper (a function that marks failed, or queues again, the jobs of theirs whose heartbeat
went stale, and returns how many it marked) in their AppConfig.ready(). `biopark worker` runs every sweeper
when it starts and then every few seconds from a thread of its own, so a dead job is found while the
system runs even when no one looks at it, and even while this worker is busy with a long task.
Core imports no app: the apps come to it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection

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

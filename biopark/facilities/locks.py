"""On SQLite, booking writes queue on a file lock before they open their (IMMEDIATE) transaction.

SQLite serialises writers anyway, but a writer that finds the database locked sleeps in SQLite's busy handler
(1, 2, 5 ... 100 ms steps) and retries, so under contention writers wake late and the tail latency grows. A
blocking `flock` wakes the next writer as soon as the previous one releases it. PostgreSQL needs none of
this (row locks queue waiters), nor do in-memory databases or calls already inside a transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

try:
    import fcntl
except ImportError:  # not on POSIX: SQLite's busy handler still serialises, just less promptly
    fcntl = None  # type: ignore[assignment]


@contextmanager
def booking_write_lock() -> Iterator[None]:
    name = str(connection.settings_dict.get("NAME") or "")
    if (
        fcntl is None
        or connection.vendor != "sqlite"
        or connection.in_atomic_block
        or not name
        or name == ":memory:"
        or "mode=memory" in name
    ):
        yield
        return
    with open(f"{name}.booking-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

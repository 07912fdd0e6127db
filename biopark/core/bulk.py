"""Bulk writes for imports (PostgreSQL): ids reserved from a table's sequence, rows streamed with COPY
(an order of magnitude faster than multi-row INSERTs built by the ORM) while the caller keeps working;
and a pause of the garbage collector for the duration of a bulk operation."""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Take `count` ids from the table's sequence (PostgreSQL); unused ones are simply gaps."""
    meta = model._meta
    assert meta.pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


# json.dumps with any option builds a new encoder per call; one encoder serves every row.
json_text = json.JSONEncoder(ensure_ascii=False).encode


class EncodedJson(str):
    """A JSON column's value encoded already: CopyStream sends it as it is."""


class CopyStream:
    """Rows streamed into one table by COPY while the caller goes on working (PostgreSQL only).

    PostgreSQL inserts and indexes the rows in its own process as they arrive, so the caller's CPU work
    (validating the next rows) and the database's (maintaining indexes) overlap on two cores. While the
    stream is open the connection can run no other statement: `open()` installs a guard that says so
    instead of letting the driver fail obscurely.
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        self.columns = list(columns)
        fields = [by_attname[c] for c in self.columns]
        self._json = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
        quoted = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        self._sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({quoted}) FROM STDIN"
        self._cursor: Any = None
        self._copy: Any = None
        self._copy_context: Any = None
        self._wrap_errors = connection.wrap_database_errors
        self._guard: Any = None
        self.count = 0

    def open(self) -> CopyStream:
        self._cursor = connection.cursor()
        self._copy_context = self._cursor.cursor.copy(self._sql)
        self._copy = self._copy_context.__enter__()
        self._guard = connection.execute_wrapper(_refuse_during_copy)
        self._guard.__enter__()
        return self

    def write(self, row: Sequence[Any]) -> None:
        """One row: values in the order of `columns`; JSON columns as Python lists or dicts."""
        if self._json:
            row = list(row)
            for i in self._json:
                if not isinstance(row[i], EncodedJson):
                    row[i] = json_text(row[i])
        try:
            self._copy.write_row(row)
        except Exception:
            with self._wrap_errors:  # the driver's error as Django's (IntegrityError, DataError, ...)
                raise
        self.count += 1

    def close(self, exc: BaseException | None = None) -> None:
        """Finish the COPY (waits for the database to take the last rows); raises its errors."""
        if self._copy is None:
            return
        self._guard.__exit__(None, None, None)
        context, self._copy = self._copy_context, None
        try:
            with connection.wrap_database_errors:
                context.__exit__(type(exc) if exc else None, exc, None)
        finally:
            self._cursor.close()


def _refuse_during_copy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    raise RuntimeError(f"a query was sent while rows are being streamed by COPY: {sql[:80]}")


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY `rows` (tuples in the order of `columns`) into the model's table; returns the row count."""
    stream = CopyStream(model, columns).open()
    try:
        for row in rows:
            stream.write(row)
    except BaseException as exc:
        stream.close(exc)
        raise
    stream.close()
    return stream.count


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk operation.

    An import holds a few hundred thousand live objects (rows, results, memoised text); each full
    collection walks all of them, and the collector's thresholds trigger one every few thousand rows:
    a third of a 100,000-row import's time went there. Reference counting still frees everything that
    is not a cycle; the collector runs once at the end. It is process-wide, so other threads skip
    cycle collection for the duration too.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(1)

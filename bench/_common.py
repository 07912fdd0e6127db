"""What the benchmarks share besides the HTTP server: their size, and bulk rows written from model metadata.

Size: every benchmark runs at `full` (the size its published figures were measured at) unless told
otherwise, by `--size tiny|small|full` or the environment variable BIOPARK_BENCH_SIZE. `tiny` runs in
seconds from an empty database; tests/test_bench_smoke.py runs each benchmark at that size in CI, so a
benchmark that no longer matches the models fails there and not in front of the next person to measure.
A variable BENCH_<PARAMETER> (e.g. BENCH_BOOKINGS=200000) overrides one parameter of the chosen size.

Rows: `write_rows` takes rows as {attribute name: value} and derives the table's columns from the model's
`_meta.concrete_fields`, so a benchmark never carries a column list of its own that could go stale.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

SIZES = ("tiny", "small", "full")
SIZE_VARIABLE = "BIOPARK_BENCH_SIZE"


def bench_size(description: str | None = None, argv: list[str] | None = None) -> str:
    """The size asked for: `--size` on the command line, else BIOPARK_BENCH_SIZE, else `full`."""
    default = os.environ.get(SIZE_VARIABLE) or "full"
    if default not in SIZES:
        raise SystemExit(f"{SIZE_VARIABLE}={default!r}: expected one of {', '.join(SIZES)}")
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=SIZES, default=default,
                        help=f"data and load size (default: ${SIZE_VARIABLE} or full)")
    return str(parser.parse_args(sys.argv[1:] if argv is None else argv).size)


def sized(size: str, table: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    """The parameters of `size` from `table` ({size: {name: value}}), each overridable by BENCH_<NAME>."""
    chosen = dict(table[size])
    for name in chosen:
        override = os.environ.get(f"BENCH_{name.upper()}")
        if override:
            chosen[name] = int(override)
    return chosen


def _columns(model: Any) -> list[Any]:
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


def _row_maker(model: Any, given: Iterable[str]) -> tuple[list[Any], Any]:
    """The fields written and a function turning one row dict into values in their order.

    Names are attribute names (`resource_id`, not `resource`). A name the model does not have, or a field
    that has neither a value nor a default and cannot be NULL, raises at once, naming the model and field.
    """
    from django.utils import timezone

    fields = _columns(model)
    by_attname = {f.attname: f for f in fields}
    given = set(given)
    unknown = sorted(given - set(by_attname))
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(unknown)} (fields: {', '.join(by_attname)})")
    now = timezone.now()
    fillers: list[tuple[str, Any]] = []  # (attname, value when the row leaves it out)
    written = []
    for f in fields:
        if f.primary_key and f.attname not in given:
            continue  # the database numbers the rows
        if f.attname in given:
            fillers.append((f.attname, None))
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fillers.append((f.attname, now))
        elif f.has_default() or f.null or f.empty_strings_allowed:
            fillers.append((f.attname, f.get_default()))
        else:
            raise ValueError(f"{model.__name__}.{f.attname} has no default and the rows do not give it")
        written.append(f)

    def values(row: Mapping[str, Any]) -> list[Any]:
        return [row.get(name, default) for name, default in fillers]

    return written, values


def write_rows(model: Any, rows: Iterable[Mapping[str, Any]], *, batch: int = 20000) -> int:
    """Insert `rows` ({attribute name: value}, all with the same names) into the model's table; returns
    the row count. COPY on PostgreSQL (biopark.core.bulk), executemany in one transaction elsewhere.
    Fields a row leaves out take their defaults; auto_now(_add) fields the current time. Nothing calls
    save() or sends signals: a benchmark fills derived columns itself, as the services would."""
    from django.db import connection, transaction

    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    fields, values = _row_maker(model, first.keys())

    def all_rows() -> Iterator[Mapping[str, Any]]:
        yield first
        yield from iterator

    if connection.vendor == "postgresql":
        from biopark.core.bulk import copy_rows

        return copy_rows(model, [f.attname for f in fields], (values(r) for r in all_rows()))

    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    count = 0
    pending: list[list[Any]] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for row in all_rows():
            pending.append([f.get_db_prep_save(v, connection) for f, v in zip(fields, values(row), strict=True)])
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                count += len(pending)
                pending.clear()
        if pending:
            cursor.executemany(sql, pending)
            count += len(pending)
    return count


def next_ids(model: Any, count: int) -> list[int]:
    """`count` unused primary keys for rows written with explicit ids (so that other rows can point to them):
    taken from the sequence on PostgreSQL, above the largest id elsewhere."""
    from django.db import connection
    from django.db.models import Max

    if connection.vendor == "postgresql":
        from biopark.core.bulk import reserve_ids

        return reserve_ids(model, count)
    top = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
    return list(range(top + 1, top + 1 + count))

"""Dump every table of a demo database as text, to check that a change to the demo loader builds the same demo.

    BIOPARK_DATABASE_URL=sqlite:////tmp/before.sqlite3 .venv/bin/python tests/demo/demo_dump.py > before.txt
    (change the loader, build the demo into a fresh copy of the same migrated database, dump it again, diff)

Every table Django knows (models, many-to-many tables) and every other table of the database, all rows, all
columns, sorted, except the columns that hold the moment of writing (`auto_now`, `auto_now_add`, a callable
datetime default such as `timezone.now`) and the random ones (`RANDOM_COLUMNS`): those are listed at the
top of the dump instead of their values.
Not a test: a tool for the person who changes the demo (see docs/performance.md, "Demo build").
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import Any

import django

# Columns drawn at random on every build: a password hash's salt (and unusable passwords), the home tiles'
# cache version tokens.
RANDOM_COLUMNS = {"auth_user": {"password"}, "biopark_cache": {"value"}}
# Tables whose synthetic moments are counted back from the time of the build (a lead entered its stage 40
# days ago): their date-times are dumped as dates, so two builds minutes apart compare equal.
NOW_RELATIVE = {"promotion_lead", "promotion_stagechange", "services_servicerequest"}


def _shown(value: Any, table: str) -> str:
    if table in NOW_RELATIVE and isinstance(value, dt.datetime):
        return repr(value.date())
    return repr(value)


def moment_columns() -> dict[str, set[str]]:
    """{table: {column}} of the columns whose value is the moment the row was written."""
    from django.apps import apps
    from django.db import models

    out: dict[str, set[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            if isinstance(field, models.DateTimeField) and field.has_default() and callable(field.default):
                stamped = True
            if stamped:
                out.setdefault(model._meta.db_table, set()).add(str(field.column))
    return out


def dump(write: Any = sys.stdout.write) -> None:
    from django.db import connection

    skipped = moment_columns()
    for table, columns in RANDOM_COLUMNS.items():
        skipped.setdefault(table, set()).update(columns)
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        write("# columns left out (the moment of writing; random values):\n")
        for table in sorted(skipped):
            write(f"#   {table}: {', '.join(sorted(skipped[table]))}\n")
        for table in tables:
            if table.startswith("sqlite_"):
                continue
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            kept = [c for c in columns if c not in skipped.get(table, set())]
            qn = connection.ops.quote_name
            cursor.execute(f"SELECT {', '.join(qn(c) for c in kept)} FROM {qn(table)}")  # noqa: S608 - names from the schema
            rows = sorted(tuple(_shown(v, table) for v in row) for row in cursor.fetchall())
            write(f"== {table} ({len(rows)} rows) {' | '.join(kept)}\n")
            for row in rows:
                write(" | ".join(row) + "\n")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "biopark.settings")
    django.setup()
    dump()

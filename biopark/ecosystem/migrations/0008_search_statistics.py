"""Finer statistics on the search columns (PostgreSQL), so that the planner sees how rare a term is.

With the default statistics target a term matching a few hundred of 100,000 records ("deyuan", "海达")
was estimated at 1 % and answered by walking the primary key with a filter until a page was full:
80 ms, most of the registry search benchmark's p95. With 1,000 histogram entries the estimate is close
and the trigram index answers it (docs/performance.md).
"""

from django.db import migrations

TABLES = ["ecosystem_park", "ecosystem_organisation", "ecosystem_person", "ecosystem_platform"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for column in ("search_text", "search_grams"):
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STATISTICS 1000")
        schema_editor.execute(f"ANALYZE {table}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for column in ("search_text", "search_grams"):
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("ecosystem", "0007_lean_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]

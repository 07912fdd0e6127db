"""On PostgreSQL, trigram GIN indexes make `search_text LIKE '%term%'` an index scan.
SQLite has no such index; its scan of the stored, lower-cased text is what the benchmarks measure."""

from django.db import migrations

TABLES = ["ecosystem_park", "ecosystem_organisation", "ecosystem_person", "ecosystem_platform"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} USING gin (search_text gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("ecosystem", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

"""Index the bigram column as a set of words instead of as trigrams (PostgreSQL).

A two-character query is a whole word of `search_grams`; a GIN index over its words answers
`@> ARRAY['亦庄']` directly and holds one entry per bigram, where the trigram index held about three:
importing 100,000 organisations spent 3.1 s of the database's time on the trigram index and spends
1.4 s on this one (docs/performance.md).
"""

from django.db import migrations

TABLES = ["ecosystem_park", "ecosystem_organisation", "ecosystem_person", "ecosystem_platform"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_grams_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_grams_words ON {table} "
            "USING gin (string_to_array(btrim(search_grams), ' '))"
        )
        # Statistics of the indexed expression, so that the planner uses the index for rare words.
        schema_editor.execute(f"ANALYZE {table}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_grams_words")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_grams_trgm ON {table} USING gin (search_grams gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("ecosystem", "0006_import_job")]

    operations = [migrations.RunPython(forwards, backwards)]

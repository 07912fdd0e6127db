"""One plain index on the organisations' duplicate key (db_index=True also made a LIKE-pattern index
on PostgreSQL, which no query uses and every insert paid for).

On SQLite, altering a field rebuilds the table, and the rebuild drops the triggers that keep the FTS
index of migration 0005 in step: they are created again (and the index rebuilt) at the end. Any later
migration that alters a registry table must do the same.
"""

import importlib

from django.db import migrations, models


def restore_fts_triggers(apps, schema_editor):
    fts = importlib.import_module("biopark.ecosystem.migrations.0005_sqlite_fts")
    fts.forwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("ecosystem", "0006_import_job"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organisation",
            name="match_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=300),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["match_key"], name="ecosystem_org_match_key"),
        ),
        migrations.RunPython(restore_fts_triggers, migrations.RunPython.noop),
    ]

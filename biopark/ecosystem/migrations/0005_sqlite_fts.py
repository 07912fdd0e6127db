"""On SQLite, an FTS5 trigram index over the search columns (kept in step by triggers), so that
substring search does not scan every row. PostgreSQL uses its trigram GIN indexes instead (0002, 0004)."""

from django.db import migrations

TABLES = ["ecosystem_park", "ecosystem_organisation", "ecosystem_person", "ecosystem_platform"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for t in TABLES:
        fts = f"{t}_fts"
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_text, search_grams, "
            f"content='{t}', content_rowid='id', tokenize='trigram')"
        )
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {t}_fts_ai AFTER INSERT ON {t} BEGIN "
            f"INSERT INTO {fts}(rowid, search_text, search_grams) VALUES (new.id, new.search_text, new.search_grams); END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {t}_fts_ad AFTER DELETE ON {t} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, search_text, search_grams) "
            f"VALUES ('delete', old.id, old.search_text, old.search_grams); END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {t}_fts_au AFTER UPDATE OF search_text, search_grams ON {t} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, search_text, search_grams) "
            f"VALUES ('delete', old.id, old.search_text, old.search_grams); "
            f"INSERT INTO {fts}(rowid, search_text, search_grams) VALUES (new.id, new.search_text, new.search_grams); END"
        )
        schema_editor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for t in TABLES:
        for suffix in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {t}_fts_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {t}_fts")


class Migration(migrations.Migration):
    dependencies = [("ecosystem", "0004_search_grams")]
    operations = [migrations.RunPython(forwards, backwards)]

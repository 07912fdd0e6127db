"""On PostgreSQL the database itself makes overlapping bookings impossible: an exclusion constraint over
(resource, unit, time range) for active booking units, whatever code path writes them.
SQLite has no exclusion constraints; there bookings are serialised by IMMEDIATE transactions and the service
counts overlaps inside them."""

from django.db import migrations

CREATE = """
ALTER TABLE facilities_bookingunit ADD CONSTRAINT facilities_bookingunit_no_overlap
EXCLUDE USING gist (
    resource_id WITH =,
    unit_no WITH =,
    tstzrange(start, blocked_until, '[)') WITH &&
) WHERE (active)
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE facilities_bookingunit DROP CONSTRAINT IF EXISTS facilities_bookingunit_no_overlap"
    )


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

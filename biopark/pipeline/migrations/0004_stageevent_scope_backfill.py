"""Fill the stage events' copies of their project's park, organisation and modality (added in 0003).

A separate migration so that, on PostgreSQL, the rows' deferred foreign-key checks are not pending while 0003
alters the table."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    """Copy every project's park, organisation and modality onto its stage events (one portable UPDATE)."""
    StageEvent = apps.get_model("pipeline", "StageEvent")
    Project = apps.get_model("pipeline", "Project")
    project = Project.objects.filter(pk=OuterRef("project_id"))
    StageEvent.objects.update(
        park_id=Subquery(project.values("park_id")[:1]),
        organisation_id=Subquery(project.values("organisation_id")[:1]),
        modality=Subquery(project.values("modality")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0003_stageevent_scope")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

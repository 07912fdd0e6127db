"""Bookings link to a pipeline project. The old free-text `project` column is renamed to `project_label` (its
texts are kept, shown as the booking's project note) and a nullable foreign key `project` is added."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0004_resource_longest_booking"),
        ("pipeline", "0004_stageevent_scope_backfill"),
    ]

    operations = [
        migrations.RenameField(model_name="booking", old_name="project", new_name="project_label"),
        migrations.AlterField(
            model_name="booking",
            name="project_label",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="project note"),
        ),
        migrations.AddField(
            model_name="booking",
            name="project",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="bookings",
                to="pipeline.project",
                verbose_name="project",
            ),
        ),
    ]

"""Seed the financing pipeline: the investors a park brings to its projects (roadshow follow-ups open leads in
it). Written with the historical models only."""

from django.db import migrations

STAGES = [
    ("follow_up", "待跟进", "Follow-up", "open"),
    ("meeting", "已会谈", "Meeting held", "open"),
    ("due_diligence", "尽职调查", "Due diligence", "open"),
    ("term_sheet", "投资条款", "Term sheet", "open"),
    ("invested", "已投资", "Invested", "won"),
    ("lost", "未成", "Lost", "lost"),
]


def seed(apps, schema_editor):
    Pipeline = apps.get_model("promotion", "Pipeline")
    Stage = apps.get_model("promotion", "Stage")
    pipeline, _ = Pipeline.objects.get_or_create(
        key="financing", defaults={"kind": "financing", "name_zh": "融资对接", "name_en": "Financing", "position": 3},
    )
    for position, (code, zh, en, outcome) in enumerate(STAGES, start=1):
        Stage.objects.get_or_create(
            pipeline=pipeline, code=code,
            defaults={"name_zh": zh, "name_en": en, "position": position, "outcome": outcome},
        )


def unseed(apps, schema_editor):
    apps.get_model("promotion", "Pipeline").objects.filter(key="financing", leads__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("promotion", "0003_lead_recent_index")]
    operations = [migrations.RunPython(seed, unseed)]

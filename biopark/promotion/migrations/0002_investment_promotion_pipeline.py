"""Seed the investment promotion pipeline (招商) with its stages. Written with the historical models only."""

from django.db import migrations

STAGES = [
    ("lead", "线索", "Lead", "open"),
    ("contacted", "已接洽", "Contacted", "open"),
    ("visited", "已考察", "Visited", "open"),
    ("negotiating", "洽谈中", "Negotiating", "open"),
    ("signed", "已签约", "Signed", "won"),
    ("registered", "已注册", "Registered", "won"),
    ("construction", "在建", "Under construction", "won"),
    ("operating", "已投产运营", "Operating", "won"),
    ("lost", "已流失", "Lost", "lost"),
]


def seed(apps, schema_editor):
    Pipeline = apps.get_model("promotion", "Pipeline")
    Stage = apps.get_model("promotion", "Stage")
    pipeline, _ = Pipeline.objects.get_or_create(
        key="investment-promotion",
        defaults={"kind": "promotion", "name_zh": "招商引资", "name_en": "Investment promotion", "position": 1},
    )
    for position, (code, zh, en, outcome) in enumerate(STAGES, start=1):
        Stage.objects.get_or_create(
            pipeline=pipeline, code=code,
            defaults={"name_zh": zh, "name_en": en, "position": position, "outcome": outcome},
        )


def unseed(apps, schema_editor):
    apps.get_model("promotion", "Pipeline").objects.filter(key="investment-promotion", leads__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("promotion", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

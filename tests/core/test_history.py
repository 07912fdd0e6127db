"""History as people read it: fields by their label, related records by their name, codes by their label."""

from __future__ import annotations

import pytest
from django.utils import translation

from biopark.core.audit import record_change
from biopark.core.history import ChangeLine, describe
from biopark.core.models import ChangeRecord
from tests.factories import ParkFactory
from tests.pipeline.factories import ProjectFactory


@pytest.fixture
def record(db):
    old = ParkFactory(name_zh="成都天府国际生物城", name_en="Chengdu Tianfu International Bio-City")
    new = ParkFactory(name_zh="中关村生命科学园", name_en="Zhongguancun Life Science Park")
    project = ProjectFactory(park=old)
    return record_change(
        actor=None,
        obj=project,
        action=ChangeRecord.UPDATE,
        changes={
            "park_id": [old.pk, new.pk],
            "modality": ["antibody", "adc"],
            "therapeutic_areas": [["oncology"], ["oncology", "罕见病", "my own words"]],
            "highest_stage": ["", "phase1"],
            "last_event_on": [None, "2026-03-23"],
            "stage[Haemophilia A]": ["ind", "phase1"],
            "direction": [None, "skip"],
        },
    )


def _lines(record, language: str) -> list[ChangeLine]:
    with translation.override(language):
        (entry,) = describe([ChangeRecord.objects.get(pk=record.pk)])
        # PostgreSQL's jsonb keeps keys in its own order: compare the lines whatever their order.
        return sorted(entry.lines, key=repr)


def test_history_in_chinese(record):
    assert _lines(record, "zh-hans") == sorted([
        ChangeLine("园区", "成都天府国际生物城", "中关村生命科学园"),
        ChangeLine("技术类型", "抗体", "抗体偶联药物（ADC）"),
        ChangeLine("治疗领域", "肿瘤", "肿瘤, 罕见病, my own words"),
        ChangeLine("最高阶段", "—", "I 期临床"),
        ChangeLine("最近进展", "—", "2026年3月23日"),
        ChangeLine("阶段 (Haemophilia A)", "临床申请（IND）", "I 期临床"),
        ChangeLine("变化", "—", "跳过阶段"),
    ], key=repr)


def test_history_in_english(record):
    assert _lines(record, "en") == sorted([
        ChangeLine("park", "Chengdu Tianfu International Bio-City", "Zhongguancun Life Science Park"),
        ChangeLine("modality", "Antibody", "Antibody-drug conjugate (ADC)"),
        ChangeLine("therapeutic areas", "Oncology", "Oncology, Rare disease, my own words"),
        ChangeLine("highest stage", "—", "Phase 1"),
        ChangeLine("last progress", "—", "23 Mar 2026"),
        ChangeLine("stage (Haemophilia A)", "Clinical application (IND)", "Phase 1"),
        ChangeLine("move", "—", "skipped a stage"),
    ], key=repr)


def test_related_names_are_read_once_for_the_whole_list(record, django_assert_num_queries):
    records = list(ChangeRecord.objects.filter(pk=record.pk)) * 5
    with django_assert_num_queries(1):  # the parks, once; content types come from their cache
        describe(records)


def test_the_platform_as_actor_is_named_in_the_page_language(record):
    assert ChangeRecord.objects.get(pk=record.pk).actor_label == "system"  # stored as the code it always was
    with translation.override("zh-hans"):
        (entry,) = describe([ChangeRecord.objects.get(pk=record.pk)])
        assert entry.record.actor_label == "平台（自动）"
    with translation.override("en"):
        (entry,) = describe([ChangeRecord.objects.get(pk=record.pk)])
        assert entry.record.actor_label == "the platform (automatic)"
    assert ChangeRecord.objects.get(pk=record.pk).actor_label == "system"

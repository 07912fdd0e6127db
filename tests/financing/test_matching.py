"""Explainable matching: exact points and reasons per criterion, in both languages, and the vectorised totals
equal to the explained ones."""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
from django.utils import translation

from biopark.ecosystem.models import STAGE_CODES
from biopark.financing.matching import MandateFacts, NeedFacts, match, rank
from biopark.financing.matrix import MandateMatrix, NeedMatrix, best_per_group, top

MANDATE = MandateFacts(
    id=1, organisation_id=10, stages=frozenset({"preclinical", "ind", "phase1", "phase2"}),
    modalities=frozenset({"antibody", "adc"}), areas=frozenset({"oncology"}), rounds=frozenset({"a", "b"}),
    regions=("Sichuan",), ticket_min=Decimal("20000000"), ticket_max=Decimal("80000000"), currency="CNY",
)
NEED = NeedFacts(project_id=5, need_id=7, stage="phase1", modality="adc", areas=frozenset({"oncology"}), round="a",
                 amount=Decimal("50000000"), currency="CNY", places=("Chengdu", "sichuan", "CN"))


def reasons(m, n):
    return [(c.key, c.points, c.reason) for c in match(m, n).criteria]


def test_a_full_fit_scores_every_criterion_with_its_reason_in_english():
    with translation.override("en"):
        assert reasons(MANDATE, NEED) == [
            ("stage", 30, "stage fits: Phase 1 within the mandate Preclinical–Phase 2"),
            ("area", 24, "therapeutic area fits: Oncology"),
            ("modality", 14, "modality fits: Antibody-drug conjugate (ADC)"),
            ("ticket", 20, "ticket: 50 M CNY sought, mandate 20–80 M"),
            ("region", 6, "region fits: Sichuan"),
            ("round", 6, "round fits: Series A"),
        ]
        assert match(MANDATE, NEED).score == 100


def test_the_reasons_are_translated_into_chinese():
    with translation.override("zh-hans"):
        got = reasons(MANDATE, NEED)
    assert got[0] == ("stage", 30, "阶段符合：I 期临床在投资范围 临床前研究–II 期临床 内")
    assert got[3] == ("ticket", 20, "投资额：寻求 5000 万元，投资范围 2000–8000 万元")
    assert got[5] == ("round", 6, "轮次符合：A 轮")


def test_misses_near_misses_and_open_preferences():
    need = NeedFacts(project_id=6, stage="phase3", modality="vaccine", areas=frozenset({"neurology"}), round="c",
                     amount=Decimal("150000000"), currency="CNY", places=("Beijing",))
    with translation.override("en"):
        got = reasons(MANDATE, need)
        assert got == [
            ("stage", 10, "stage close: Phase 3 is one step from the mandate Preclinical–Phase 2"),
            ("area", 0, "therapeutic area outside: Neurology; the mandate covers Oncology"),
            ("modality", 0, "modality outside: Vaccine; the mandate covers Antibody-drug conjugate (ADC), Antibody"),
            ("ticket", 8, "ticket close: 150 M CNY sought, mandate 20–80 M"),
            ("region", 0, "region outside: the mandate covers Sichuan"),
            ("round", 0, "round outside: Series C; the mandate invests in Series A, Series B"),
        ]
        open_mandate = MandateFacts(id=2, organisation_id=11, ticket_min=Decimal(1), ticket_max=Decimal(2),
                                    currency="USD")
        assert reasons(open_mandate, need) == [
            ("stage", 15, "stage: the mandate takes any stage"),
            ("area", 12, "therapeutic area: the mandate takes any area"),
            ("modality", 7, "modality: the mandate takes any modality"),
            ("ticket", 0, "ticket: 150 M CNY sought, the mandate is in USD (not converted)"),
            ("region", 3, "region: the mandate takes any region"),
            ("round", 3, "round: the mandate takes any round"),
        ]


def test_a_project_without_a_round_or_stage_earns_nothing_there():
    need = NeedFacts(project_id=8, modality="antibody")
    with translation.override("en"):
        got = dict((k, (p, r)) for k, p, r in reasons(MANDATE, need))
    assert got["stage"] == (0, "stage: the project has no stage recorded")
    assert got["ticket"] == (0, "ticket: the project seeks no financing now")
    assert got["round"] == (0, "round: the project seeks no financing now")
    assert got["area"] == (0, "therapeutic area: the project names none")


def test_rank_orders_best_first_with_ties_by_mandate_id():
    other = MandateFacts(id=0, organisation_id=12, stages=frozenset({"phase3"}), ticket_min=Decimal(1),
                         ticket_max=Decimal(2))
    twin = MandateFacts(**{**MANDATE.__dict__, "id": 3})
    assert [(m.mandate_id, m.score) for m in rank([(twin, NEED), (other, NEED), (MANDATE, NEED)])] == [
        (1, 100), (3, 100), (0, 25)]


def _random_mandate(rng: random.Random, i: int) -> MandateFacts:
    low = Decimal(rng.choice([1, 5, 10, 20, 50])) * 10**6
    return MandateFacts(
        id=i, organisation_id=rng.randrange(5),
        stages=frozenset(rng.sample(STAGE_CODES, rng.randrange(0, 4))),
        modalities=frozenset(rng.sample(["antibody", "adc", "vaccine", "small_molecule"], rng.randrange(0, 3))),
        areas=frozenset(rng.sample(["oncology", "neurology", "immunology", "free text"], rng.randrange(0, 3))),
        rounds=frozenset(rng.sample(["seed", "a", "b", "c"], rng.randrange(0, 3))),
        regions=tuple(rng.sample(["Sichuan", "北京", "CN"], rng.randrange(0, 2))),
        ticket_min=low, ticket_max=low * rng.choice([2, 4]), currency=rng.choice(["CNY", "USD"]),
    )


def _random_need(rng: random.Random, i: int) -> NeedFacts:
    seeking = rng.random() < 0.8
    return NeedFacts(
        project_id=i, need_id=i if seeking else None, stage=rng.choice([*STAGE_CODES, ""]),
        modality=rng.choice(["antibody", "adc", "vaccine", "other"]),
        areas=frozenset(rng.sample(["oncology", "neurology", "immunology", "free text"], rng.randrange(0, 3))),
        round=rng.choice(["seed", "a", "b", "c"]) if seeking else "",
        amount=Decimal(rng.choice([1, 3, 10, 40, 90, 300])) * 10**6 if seeking else None,
        currency=rng.choice(["CNY", "USD"]) if seeking else "",
        places=tuple(rng.sample(["sichuan", "北京", "CN", "Shanghai"], rng.randrange(0, 3))),
    )


def test_vectorised_totals_equal_the_explained_scores_both_ways():
    rng = random.Random(3)
    mandates = [_random_mandate(rng, i) for i in range(120)]
    needs = [_random_need(rng, i) for i in range(120)]
    by_mandate = MandateMatrix(mandates)
    by_need = NeedMatrix(needs)
    for n in needs[:40]:
        assert by_mandate.score_need(n).tolist() == [match(m, n).score for m in mandates]
    for m in mandates[:40]:
        assert by_need.score_mandate(m).tolist() == [match(m, n).score for n in needs]


def test_top_and_best_per_group_keep_ties_in_key_order():
    scores = np.array([5, 9, 9, 1, 7])
    keys = np.array([10, 12, 11, 13, 14])
    assert top(scores, keys, 3).tolist() == [2, 1, 4]
    assert top(scores, keys, 5, mask=np.array([True, False, True, True, False])).tolist() == [2, 0, 3]
    groups = np.array([1, 1, 2, 2, 3])
    assert best_per_group(scores, keys, groups, 10).tolist() == [2, 1, 4]

"""Financing demo: mandates for the registry's investors, financing needs on synthetic demo projects, the real
roadshow the articles report and a synthetic one with applications and feedback.

Facts from the articles cite their passage: the 2023 China Biotechnology Innovation Conference's Financial
Capital Branch, where Junlian Capital (Legend Capital) and other investment institutions heard a list of
technology-achievement roadshow projects (003, characters 4863–5172; the conference opened on October 19th,
characters 1–167). Everything else is synthetic and says so: mandates (`synthetic`), needs (`synthetic`),
the spring roadshow (`synthetic`) with its applications and feedback on synthetic projects.

`load(log)` needs only the registry (called by biopark.demo.loader.load_demo); `build_demo()` needs the pipeline's
synthetic projects (run by `biopark demo` after the pipeline's demo). Both add nothing when run again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from biopark.accounts.policy import SYSTEM
from biopark.core.models import Source
from biopark.deals.models import Event
from biopark.ecosystem import services as registry
from biopark.ecosystem.models import Organisation, Park
from biopark.financing import demo_texts, services
from biopark.financing.models import FinancingNeed, Mandate, Roadshow, RoadshowApplication, RoadshowFeedback
from biopark.pipeline.models import Project

ARTICLE = "003_bde207d968dfe5fb.txt"
BRANCH_SPAN = (4863, 5172)  # the Financial Capital Branch: Junlian Capital, investors, roadshow project list
OPENING_SPAN = (1, 167)  # "On October 19th, the 2023 China Biotechnology Innovation Conference ... opened"
REAL_EVENT = "event:2023-cbic-financial-capital-roadshow"
SYNTHETIC_EVENT = "event:synthetic-spring-roadshow"

# Synthetic mandates by investor key (names in Chinese, shown by language through biopark.financing.demo_texts); any other investor of the registry gets GENERIC.
MANDATES: dict[str, dict[str, Any]] = {
    "org:junlian-capital": {
        "name": demo_texts.MANDATE_EARLY,
        "stages": ["preclinical", "ind", "phase1", "phase2"], "modalities": ["antibody", "adc", "small_molecule"],
        "therapeutic_areas": ["oncology", "immunology"], "rounds": ["a", "b"], "regions": [],
        "ticket_min": "20000000", "ticket_max": "80000000", "currency": "CNY", "co_investment": "lead"},
    "org:chengdu-hitech-investment": {
        "name": demo_texts.MANDATE_PARK,
        "stages": ["ind", "phase1", "phase2", "phase3"], "modalities": [], "therapeutic_areas": [],
        "rounds": ["a", "b", "c"], "regions": ["四川", "Sichuan", "成都", "Chengdu"],
        "ticket_min": "10000000", "ticket_max": "100000000", "currency": "CNY", "co_investment": "follow"},
}
GENERIC: dict[str, Any] = {
    "name": demo_texts.MANDATE_GENERIC, "stages": ["preclinical", "ind", "phase1"],
    "ticket_min": "5000000", "ticket_max": "30000000", "currency": "CNY"}
# Synthetic needs: (round, amount in CNY, visibility, use of funds) for the first synthetic projects in turn.
NEEDS = [
    ("a", "50000000", "investors", demo_texts.USE_PHASE1),
    ("pre_a", "15000000", "investors", demo_texts.USE_IND),
    ("b", "120000000", "investors", demo_texts.USE_PHASE2),
    ("seed", "3000000", "park", demo_texts.USE_POC),
    ("a", "60000000", "public", demo_texts.USE_GMP),
    ("c", "300000000", "investors", demo_texts.USE_PHASE3),
]


def _park() -> Park | None:
    return Park.objects.filter(key="park:chengdu-hitech").first()


def _cite(record: Any, span: tuple[int, int], field: str = "") -> None:
    source = Source.objects.filter(key=ARTICLE).first()
    if source is not None:
        registry.citation_add(actor=SYSTEM, record=record, source=source, span=span, field=field)


def _mandates() -> int:
    made = 0
    for org in Organisation.objects.filter(kind=Organisation.Kind.INVESTOR).order_by("id"):
        if Mandate.objects.filter(organisation=org, synthetic=True).exists():
            continue
        services.mandate_create(actor=SYSTEM, organisation=org, data=MANDATES.get(org.key or "", GENERIC),
                                synthetic=True)
        made += 1
    return made


def _real_roadshow() -> Roadshow:
    """The Financial Capital Branch of the 2023 conference: a roadshow of technology-achievement projects heard
    by investment institutions including Junlian Capital (the article names no other investor and no project)."""
    event, _created = Event.objects.update_or_create(key=REAL_EVENT, defaults={
        "kind": Event.Kind.ROADSHOW, "title_zh": "2023中国生物技术创新大会金融资本分会科技成果路演",
        "title_en": "2023 China Biotechnology Innovation Conference, Financial Capital Branch: technology "
                    "achievement roadshow", "starts_on": dt.date(2023, 10, 1), "starts_precision": "month",
        "place_zh": "成都高新区", "place_en": "Chengdu High-tech Zone", "park": _park()})
    _cite(event, BRANCH_SPAN)
    _cite(event, OPENING_SPAN, field="starts_on")
    roadshow = Roadshow.objects.filter(event=event).first() or services.roadshow_create(
        actor=SYSTEM, event=event, data={
            "call_zh": "分会发布了科技成果路演项目名单（文章未列出项目）。",
            "call_en": "The branch released a list of technology-achievement roadshow projects (the article does "
                       "not list them)."})
    _cite(roadshow, BRANCH_SPAN)
    junlian = Organisation.objects.filter(key="org:junlian-capital").first()
    if junlian is not None:
        services.roadshow_investor_add(actor=SYSTEM, roadshow=roadshow, organisation=junlian)
    return roadshow


def load(log: Callable[[str], None] = print) -> dict[str, int]:
    """The registry-level part (called from biopark.demo.loader.load_demo)."""
    made = _mandates()
    _real_roadshow()
    log(_("Financing: %(count)s synthetic mandates") % {"count": made})
    return {"mandates": made}


def _needs(projects: list[Project]) -> int:
    made = 0
    for project, (round_, amount, visibility, use) in zip(projects, NEEDS, strict=False):
        if FinancingNeed.objects.filter(project=project, synthetic=True).exists():
            continue
        services.need_create(actor=SYSTEM, project=project, synthetic=True, data={
            "round": round_, "amount": amount, "currency": "CNY", "visibility": visibility, "use_of_funds": use})
        made += 1
    return made


def _synthetic_roadshow(projects: list[Project]) -> None:
    today = timezone.localdate()
    event, created = Event.objects.get_or_create(key=SYNTHETIC_EVENT, defaults={
        "kind": Event.Kind.ROADSHOW, "title_zh": "合成示例：春季生物医药投融资路演",
        "title_en": "Synthetic demo: spring biomedicine financing roadshow", "starts_on": today + dt.timedelta(days=30),
        "starts_precision": "day", "park": _park(), "synthetic": True})
    roadshow = Roadshow.objects.filter(event=event).first()
    if roadshow is not None:
        return
    roadshow = services.roadshow_create(actor=SYSTEM, event=event, synthetic=True, data={
        "call_zh": "合成示例：园区内处于临床前至 II 期临床的项目可报名。",
        "call_en": "Synthetic demo: projects of the park from preclinical to phase 2 may apply.",
        "deadline": (today + dt.timedelta(days=14)).isoformat()})
    investors = list(Organisation.objects.filter(kind=Organisation.Kind.INVESTOR).order_by("id"))
    for org in investors:
        services.roadshow_investor_add(actor=SYSTEM, roadshow=roadshow, organisation=org)
    for i, project in enumerate(projects[:4]):
        application = services.application_submit(actor=SYSTEM, roadshow=roadshow, project=project,
                                                  pitch=demo_texts.PITCH)
        status = RoadshowApplication.Status.REJECTED if i == 3 else RoadshowApplication.Status.SELECTED
        services.application_decide(actor=SYSTEM, application=application, status=status)
    selected = projects[:3]
    for j, org in enumerate(investors[:2]):
        for k, project in enumerate(selected):
            if RoadshowFeedback.objects.filter(roadshow=roadshow, investor=org, project=project).exists():
                continue
            services.feedback_give(actor=SYSTEM, roadshow=roadshow, investor=org, project=project,
                                   rating=5 - ((j + k) % 3), comment=demo_texts.FEEDBACK,
                                   follow_up=(j + k) % 2 == 0)


def build_demo() -> dict[str, int]:
    """The project-level part, once the pipeline's synthetic projects exist (run by `biopark demo`)."""
    with transaction.atomic():
        load(log=lambda _msg: None)  # mandates first, whichever demo ran before
        projects = list(Project.objects.filter(synthetic=True, park__isnull=False)
                        .exclude(highest_stage__in=["", "suspended", "discontinued"]).order_by("id")[:len(NEEDS)])
        made = _needs(projects)
        if projects:
            _synthetic_roadshow(projects)
    return {"financing_needs": made}

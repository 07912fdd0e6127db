"""Demo service desk: a catalogue built from the registry's functional platforms and park organisations,
and some requests in various states (all clearly made up for the demo).

    from biopark.services.demo import build_demo
    build_demo()            # idempotent; run after the registry loader and biopark.pipeline.demo.build_demo()
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.ecosystem.models import STAGE_CODES, Organisation, Platform
from biopark.pipeline.models import Project
from biopark.services import services
from biopark.services.demo_texts import EARLIER_TITLE, REQUEST_TITLES
from biopark.services.models import Category, Service, ServiceRequest

KIND_CATEGORY = {
    "glp_safety": ("preclinical", ["preclinical", "ind"]),
    "screening": ("rd_support", ["discovery", "preclinical"]),
    "cro": ("clinical", ["ind", "phase1", "phase2", "phase3"]),
    "animal_facility": ("preclinical", ["discovery", "preclinical"]),
    "gmp_pilot": ("production", ["phase1", "phase2", "phase3", "production"]),
    "parallel_lab": ("rd_support", ["discovery", "preclinical"]),
    "clinical_research": ("clinical", ["phase1", "phase2", "phase3"]),
    "data_computing": ("rd_support", ["discovery", "preclinical"]),
    "innovation_center": ("rd_support", ["discovery", "preclinical", "ind"]),
    "incubator": ("space", ["discovery", "preclinical"]),
    "testing": ("regulatory", ["registration", "approved", "production"]),
    "other": ("rd_support", ["discovery", "preclinical"]),
}
TARGET_DAYS = {"rd_support": 10, "preclinical": 20, "clinical": 30, "regulatory": 15, "production": 30,
               "market_access": 20, "financing": 15, "ip": 10, "talent": 10, "policy": 5, "space": 7}
PARK_SERVICES = [
    ("regulatory", ["ind", "registration"], "注册申报辅导", "Registration and filing guidance"),
    ("financing", ["preclinical", "ind", "phase1", "phase2"], "投融资对接", "Investor matchmaking"),
    ("ip", ["discovery", "preclinical"], "专利检索与布局", "Patent search and strategy"),
    ("policy", STAGE_CODES, "产业政策兑现咨询", "Industrial policy and subsidy advice"),
    ("talent", STAGE_CODES, "人才引进服务", "Talent recruitment support"),
    ("market_access", ["approved", "market"], "医保与挂网准入咨询", "Market access and reimbursement advice"),
]


def _catalogue() -> list[Service]:
    made = []
    for platform in Platform.objects.select_related("operator").order_by("id"):
        key = f"service:{platform.key or platform.pk}"
        service = Service.objects.filter(key=key).first()
        if service is None:
            category, default_stages = KIND_CATEGORY.get(platform.kind, KIND_CATEGORY["other"])
            stages = [s for s in (platform.stages or default_stages) if s in STAGE_CODES] or default_stages
            service = services.service_create(
                actor=policy.SYSTEM,
                provider_platform=platform,
                provider_organisation=platform.operator,
                data={"key": key, "name_zh": f"{platform.name_zh or platform.name_en}服务",
                      "name_en": f"{platform.name_en or platform.name_zh} services", "category": category,
                      "stages": stages, "target_days": TARGET_DAYS[category], "price_model": "quote",
                      "description_zh": platform.description_zh, "description_en": platform.description_en},
            )
        made.append(service)
    provider = (
        Organisation.objects.filter(key="org:chengdu-hitech-admin").first()
        or Organisation.objects.filter(kind=Organisation.Kind.OPERATOR).order_by("id").first()
        or Organisation.objects.filter(park__isnull=False).order_by("id").first()
    )
    if provider is not None:
        for category, stages, zh, en in PARK_SERVICES:
            key = f"service:park-{category}"
            service = Service.objects.filter(key=key).first() or services.service_create(
                actor=policy.SYSTEM, provider_organisation=provider,
                data={"key": key, "name_zh": zh, "name_en": en, "category": category, "stages": list(stages),
                      "target_days": TARGET_DAYS[category],
                      "price_model": "free" if category in ("policy", "talent") else "subsidised",
                      "description_zh": "园区服务台提供的示例服务条目。",
                      "description_en": "Demo catalogue entry offered by the park's service desk."},
            )
            made.append(service)
    return made


# (service index, path of states to walk, rating at close) of each demo request in turn
_PATHS: list[tuple[int, list[str], int | None]] = [
    (0, [], None),
    (1, ["accepted"], None),
    (2, ["accepted", "in_progress"], None),
    (3, ["accepted", "in_progress", "delivered"], None),
    (4, ["accepted", "in_progress", "delivered", "closed"], 5),
    (5, ["rejected"], None),
    (0, ["withdrawn"], None),
    (1, ["accepted", "in_progress", "delivered", "closed"], 4),
]
# Titles in Chinese, the park's working language; pages show them by language (biopark.services.demo_texts).
DEMO_REQUESTS: list[tuple[int, str, list[str], int | None]] = [
    (index, zh, path, rating) for (index, path, rating), (zh, _label, _en) in zip(_PATHS, REQUEST_TITLES, strict=True)
]


def _requests(catalogue: list[Service]) -> int:
    if not catalogue:
        return 0
    requester = (
        Organisation.objects.filter(key="org:rongsheng").first()
        or Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE, park__isnull=False).order_by("id").first()
    )
    if requester is None:
        return 0
    member = policy.Actor(role=Role.ENTERPRISE_MEMBER, organisation_id=requester.pk)
    project = Project.objects.filter(organisation=requester).order_by("id").first()
    made = 0
    start = timezone.now() - dt.timedelta(days=60)
    for i, (index, title, path, rating) in enumerate(DEMO_REQUESTS):
        if ServiceRequest.objects.filter(title__in=[title, EARLIER_TITLE[title]],
                                         requester_organisation=requester).exists():
            continue
        service = catalogue[index % len(catalogue)]
        at = start + dt.timedelta(days=6 * i)
        with transaction.atomic():
            req = services.request_submit(actor=member, service=service, title=title, project=project, now=at)
            for step, state in enumerate(path, start=1):
                who: Any = member if state in ("closed", "withdrawn") else policy.SYSTEM
                services.request_transition(
                    actor=who, request=req, to_state=state, now=at + dt.timedelta(days=2 * step),
                    reason="demo: outside the provider's scope" if state == "rejected" else "",
                    rating=rating if state == "closed" else None,
                )
        made += 1
    return made


def build_demo() -> dict[str, int]:
    """Build the catalogue and the demo requests; running it again adds nothing."""
    catalogue = _catalogue()
    return {"services": len(catalogue), "requests_added": _requests(catalogue)}


__all__ = ["build_demo", "Category"]

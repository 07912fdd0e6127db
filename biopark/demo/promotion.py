"""Investment promotion in the demo: the promotion fact the articles state, as a lead with its activity citing
the passage, and a clearly labelled synthetic deal flow (made-up organisations, made-up leads marked
`synthetic`) so that the board, the list and the statistics have something to show.

Idempotent: a second run finds the rows made by the first and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from biopark.accounts.models import Profile, Role
from biopark.accounts.policy import SYSTEM
from biopark.core.models import Source
from biopark.deals.models import Event
from biopark.ecosystem import services as registry
from biopark.ecosystem.models import Organisation, Park
from biopark.promotion import demo_texts, services
from biopark.promotion.models import Lead, Pipeline, Stage

ARTICLE_002 = "002_a814931e3d59256b.txt"
# Offsets into the article (Python str offsets, as the other demo data): the visit and its purpose; the
# center's hope of joint roadshow promotion; the bureau chief's briefing.
VISIT_SPAN, PURPOSE_SPAN, ROADSHOW_SPAN = (118, 393), (394, 839), (3053, 3394)
DEMO_PARK = "park:chengdu-hitech"
STAFF = [("promo-demo-wang", "王", "示例"), ("promo-demo-zhao", "赵", "示例")]
# Where the synthetic leads stand today: stage code -> how many.
FLOW = {"lead": 6, "contacted": 7, "visited": 6, "negotiating": 5, "signed": 3, "registered": 3,
        "construction": 2, "operating": 2, "lost": 6}
PROJECTS = list(demo_texts.PROJECTS)  # stored in Chinese, shown by language (demo_texts)
SOURCES = ["referral", "event", "inbound", "delegation", "roadshow", "partner", "outreach"]
LOST_REASONS = ["other_location", "policy", "space", "funding", "timing", "no_response"]


def load_promotion(records: dict[str, Any]) -> dict[str, int]:
    """Called by biopark.demo.loader.load_demo after the registry is loaded (`records`: its rows by key): the
    facts of the articles only."""
    return {"promotion fact leads": _fact_lead(records)}


def build_demo() -> dict[str, int]:
    """The synthetic deal flow, run by `biopark demo` after the demo sign-ins and the pipeline's synthetic
    portfolio exist (its made-up organisations are the prospects here too, so the registry gets no new ones)."""
    park = Park.objects.filter(key=DEMO_PARK).first()
    if park is None or Lead.objects.filter(synthetic=True).exists():
        return {"synthetic leads": 0}
    return {"synthetic leads": _synthetic_flow(park)}


def _fact_lead(records: dict[str, Any]) -> int:
    """Article 002: Jingyue's investment promotion bureau receiving the Changchun foreign affairs office's
    delegation, whose purpose was to widen the zone's channels for attracting investment."""
    park, fao = records.get("park:jingyue"), records.get("org:changchun-fao")
    source = Source.objects.filter(key=ARTICLE_002).first()
    pipeline = Pipeline.objects.filter(key="investment-promotion").first()
    if park is None or fao is None or source is None or pipeline is None:
        return 0
    project = demo_texts.FACT_PROJECT
    if Lead.objects.filter(park=park, organisation=fao,
                           project__in=[project, demo_texts.EARLIER_FACT_PROJECT]).exists():
        return 0
    visited = pipeline.stages.get(code="visited")
    on = dt.datetime(2022, 5, 18, 9, 0, tzinfo=dt.UTC)
    lead = services.lead_create(
        actor=SYSTEM,
        data={"pipeline": pipeline, "park": park, "organisation": fao, "project": project, "source": "delegation",
              "description": demo_texts.FACT_DESCRIPTION, "next_action": demo_texts.FACT_NEXT_ACTION},
        stage=visited, now=on,
    )
    people = [p for p in (records.get(f"person:{k}") for k in
                          ("xue-chunzhi", "ou-shuo", "bai-song", "ju-li", "liu-zhengrui", "sun-yang")) if p]
    activity = services.activity_record(
        actor=SYSTEM, lead=lead, kind="visit", on=on.date(), people=people,
        summary=demo_texts.FACT_SUMMARY,
    )
    for span in (VISIT_SPAN, PURPOSE_SPAN, ROADSHOW_SPAN):
        registry.citation_add(actor=SYSTEM, record=lead, source=source, span=span)
    registry.citation_add(actor=SYSTEM, record=activity, source=source, span=VISIT_SPAN)
    return 1


def _staff(park: Park) -> list[Any]:
    """The demo operator and two made-up promotion officers of the demo park (no password: they cannot sign
    in)."""
    operator = get_user_model().objects.filter(username="operator", profile__park=park).first()
    users = [operator] if operator is not None else []
    for username, last, first in STAFF:
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Profile.objects.update_or_create(user=user, defaults={"role": Role.OPERATOR, "park": park})
        users.append(user)
    return users


def _organisations(park: Park, count: int) -> list[Organisation]:
    """The pipeline demo's made-up organisations when it ran, else made-up prospects of our own."""
    found = list(Organisation.objects.filter(key__startswith="org:synthetic-").order_by("key"))
    if found:
        return [found[n % len(found)] for n in range(count)]
    orgs = []
    for n in range(1, count + 1):
        key = f"org:demo-prospect-{n:02d}"
        org = Organisation.objects.filter(key=key).first() or registry.organisation_create(actor=SYSTEM, data={
            "key": key, "name_zh": f"示例招商企业{n:02d}", "name_en": f"Demo Prospect {n:02d}",
            "kind": Organisation.Kind.ENTERPRISE,
            "description_zh": "合成演示数据：为招商看板虚构的企业。",
            "description_en": "Synthetic demo data: a made-up company for the investment promotion board.",
        })
        orgs.append(org)
    return orgs


def _synthetic_flow(park: Park) -> int:
    rng = random.Random(13)
    pipeline = Pipeline.objects.get(key="investment-promotion")
    stages = {s.code: s for s in pipeline.stages.all()}
    ladder = [s for s in sorted(stages.values(), key=lambda s: s.position) if s.outcome != Stage.Outcome.LOST]
    owners = _staff(park)
    event = Event.objects.filter(kind=Event.Kind.PROMOTION).order_by("id").first()
    orgs = _organisations(park, 40)
    now = timezone.now()
    today = timezone.localdate()
    made = 0
    targets = [code for code, n in FLOW.items() for _ in range(n)]
    for index, target in enumerate(targets):
        source = SOURCES[index % len(SOURCES)]
        started = now - dt.timedelta(days=rng.randint(120, 540))
        amount = Decimal(rng.choice([5, 8, 12, 20, 30, 50, 80, 120])) * Decimal(10_000_000)
        lead = services.lead_create(actor=SYSTEM, now=started, synthetic=True, data={
            "pipeline": pipeline, "park": park, "organisation": orgs[index], "project": PROJECTS[index % len(PROJECTS)],
            "source": source, "source_event": event if source == "event" else None,
            "owner": owners[index % len(owners)], "investment_amount": amount, "investment_currency": "CNY",
            "jobs": rng.randint(2, 60) * 10, "space_m2": Decimal(rng.randint(5, 80) * 500),
        })
        # Walk up the ladder to the target (or to where it was lost), a few weeks per stage.
        top = rng.randint(1, 4) if target == "lost" else next(i for i, s in enumerate(ladder) if s.code == target)
        when = started
        for stage in ladder[1: top + 1]:
            when += dt.timedelta(days=rng.randint(7, 60), hours=rng.randint(0, 23))
            services.lead_move(actor=SYSTEM, lead=lead, to_stage=stage, now=min(when, now))
        if target == "lost":
            when += dt.timedelta(days=rng.randint(7, 45))
            services.lead_lose(actor=SYSTEM, lead=lead, reason=LOST_REASONS[index % len(LOST_REASONS)],
                               note=demo_texts.LOST_NOTE, now=min(when, now))
        elif stages[target].outcome == Stage.Outcome.OPEN:
            due = today + dt.timedelta(days=rng.randint(-10, 20))
            services.lead_update(actor=SYSTEM, lead=lead, data={
                "next_action": rng.choice(list(demo_texts.NEXT_ACTIONS)),
                "next_action_due": due,
            })
            if stages[target].code == "negotiating":
                services.lead_update(actor=SYSTEM, lead=lead, data={
                    "policy_package": demo_texts.POLICY_PACKAGE,
                    "policy_amount": amount / 10, "policy_currency": "CNY"})
        made += 1
    return made

"""A small financing world, built once per module: two parks, two enterprises with a project each, two
investor organisations with a mandate each, financing needs, one roadshow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from biopark.accounts.models import Role
from biopark.accounts.policy import SYSTEM
from biopark.deals.models import Event
from biopark.ecosystem.models import Organisation
from biopark.financing import services
from biopark.financing.models import InterestState
from biopark.pipeline.models import Project
from tests.factories import OrganisationFactory, ParkFactory, make_user
from tests.pipeline.factories import ProjectFactory


def build() -> dict[str, Any]:
    park = ParkFactory(name_zh="高新区", name_en="Hi-tech Zone", province_en="Sichuan", city_en="Chengdu")
    zone = ParkFactory(name_zh="生物城", name_en="Bio-City", parent=park, province_en="Sichuan", city_en="Chengdu")
    other_park = ParkFactory(name_en="Other Park", city_en="Beijing")
    enterprise = OrganisationFactory(park=zone, name_en="Own Bio")
    other_enterprise = OrganisationFactory(park=other_park, name_en="Rival Bio")
    fund_a = OrganisationFactory(park=None, name_en="Fund A", kind=Organisation.Kind.INVESTOR)
    fund_b = OrganisationFactory(park=None, name_en="Fund B", kind=Organisation.Kind.INVESTOR)
    users = {
        "admin": make_user(Role.ADMIN),
        "operator": make_user(Role.OPERATOR, park=park),
        "other_operator": make_user(Role.OPERATOR, park=other_park),
        "member": make_user(Role.ENTERPRISE_MEMBER, organisation=enterprise, email="member@example.org"),
        "other_member": make_user(Role.ENTERPRISE_MEMBER, organisation=other_enterprise),
        "investor_a": make_user(Role.INVESTOR, organisation=fund_a, email="a@example.org"),
        "investor_b": make_user(Role.INVESTOR, organisation=fund_b),
        "lone_investor": make_user(Role.INVESTOR),
        "viewer": make_user(Role.VIEWER),
    }
    project = ProjectFactory(organisation=enterprise, park=zone, modality="adc", therapeutic_areas=["oncology"],
                             name_en="ADC one", name_zh="偶联药一号")
    Project.objects.filter(pk=project.pk).update(highest_stage="phase1")
    project.refresh_from_db()
    other_project = ProjectFactory(organisation=other_enterprise, park=other_park, modality="vaccine",
                                   name_en="Vaccine two")
    need = services.need_create(actor=SYSTEM, project=project, data={
        "round": "a", "amount": "50000000", "currency": "CNY", "visibility": "investors",
        "use_of_funds": "Phase 2 trial"})
    other_need = services.need_create(actor=SYSTEM, project=other_project, data={
        "round": "b", "amount": "30000000", "currency": "CNY", "visibility": "park"})
    mandate_a = services.mandate_create(actor=SYSTEM, organisation=fund_a, data={
        "name": "Oncology fund", "stages": ["preclinical", "ind", "phase1", "phase2"], "modalities": ["adc"],
        "therapeutic_areas": ["肿瘤"], "rounds": ["a", "b"], "regions": "Sichuan", "ticket_min": "20000000",
        "ticket_max": "80000000", "currency": "CNY"})
    mandate_b = services.mandate_create(actor=SYSTEM, organisation=fund_b, data={
        "stages": ["phase3"], "ticket_min": "1000000", "ticket_max": "5000000", "currency": "USD"})
    event = Event.objects.create(kind=Event.Kind.ROADSHOW, title_en="Spring roadshow", park=park,
                                 starts_on=timezone.localdate() + dt.timedelta(days=20))
    roadshow = services.roadshow_create(actor=SYSTEM, event=event, data={
        "call_en": "Apply by the deadline", "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat()})
    application = services.application_submit(actor=users["member"], roadshow=roadshow, project=project)
    services.roadshow_investor_add(actor=SYSTEM, roadshow=roadshow, organisation=fund_a)
    interest = services.interest_set(actor=users["investor_a"], investor=fund_a, project=project,
                                     state=InterestState.OBSERVING)
    note = services.note_add(actor=users["investor_a"], investor=fund_a, project=project, text="Strong team")
    return {
        "park": park, "zone": zone, "other_park": other_park, "enterprise": enterprise,
        "other_enterprise": other_enterprise, "fund_a": fund_a, "fund_b": fund_b, "users": users,
        "project": project, "other_project": other_project, "need": need, "other_need": other_need,
        "mandate_a": mandate_a, "mandate_b": mandate_b, "event": event, "roadshow": roadshow,
        "application": application, "interest": interest, "note": note, "amount": Decimal("50000000.00"),
    }


@pytest.fixture(scope="module")
def fin(module_db: None, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return build()


@pytest.fixture(autouse=True)
def _matching_checks_every_read(settings: Any) -> None:
    """Each test's rows differ from the last test's: the matching arrays check for changes on every read."""
    settings.BIOPARK_MATCHING_REFRESH_MS = 0

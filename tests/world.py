"""One small world with a record of every kind that has a page or an API route, for the tests that walk every
route (hostile parameters, schemathesis, the existence oracle): ids to fill the routes' path parameters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from biopark.accounts.models import Role
from biopark.accounts.policy import SYSTEM
from tests.factories import OrganisationFactory, ParkFactory, PersonFactory, PlatformFactory, make_user


def build_world() -> dict[str, Any]:
    from biopark.ecosystem.models import Relation
    from biopark.facilities import services as facility_services
    from biopark.rankings.services import run_create
    from biopark.services import services as desk_services
    from tests.facilities.factories import ResourceFactory
    from tests.pipeline.factories import IndicationFactory, ProjectFactory
    from tests.promotion.factories import LeadFactory
    from tests.rankings.helpers import IDATA, make_external
    from tests.services.factories import ServiceFactory

    park = ParkFactory(name_en="Hi-tech Zone", public_directory=True)
    zone = ParkFactory(name_en="Bio-City", parent=park, public_directory=True)
    other_park = ParkFactory(name_en="Other Park", public_directory=False)
    enterprise = OrganisationFactory(park=zone, name_en="Own Bio")
    other_enterprise = OrganisationFactory(park=other_park, name_en="Rival Bio")
    users = {
        "admin": make_user(Role.ADMIN),
        "operator": make_user(Role.OPERATOR, park=park),
        "member": make_user(Role.ENTERPRISE_MEMBER, organisation=enterprise),
        "platform_manager": make_user(Role.PLATFORM_MANAGER, organisation=enterprise),
        "other_member": make_user(Role.ENTERPRISE_MEMBER, organisation=other_enterprise),
    }
    person = PersonFactory()
    platform = PlatformFactory(operator=enterprise, park=zone)
    resource = ResourceFactory(platform=platform)
    relation = Relation.objects.create(subject_type="organisation", subject_id=enterprise.pk, predicate="partner_of",
                                       object_type="organisation", object_id=other_enterprise.pk)
    project = ProjectFactory(organisation=enterprise, park=zone, visibility="private")
    IndicationFactory(project=project)
    hidden_project = ProjectFactory(organisation=other_enterprise, park=other_park, visibility="private")
    service = ServiceFactory(provider_organisation=enterprise, park=zone)
    request = desk_services.request_submit(actor=users["member"], service=service, title="GLP study")
    start = (timezone.now() + dt.timedelta(days=7)).replace(hour=2, minute=0, second=0, microsecond=0)
    booking = facility_services.booking_create(
        actor=users["member"], resource=resource, start=start, end=start + dt.timedelta(hours=1)
    )
    framework = make_external(SYSTEM)
    run = run_create(actor=SYSTEM, framework=framework, idata=IDATA)
    lead = LeadFactory(park=zone, organisation=other_enterprise, owner=users["operator"])
    deals = _deals(users, enterprise, other_enterprise, zone, person, project)
    deals.update(_financing_and_targets(park, zone, project))
    return {
        "users": users, "park": park, "zone": zone, "other_park": other_park, "enterprise": enterprise,
        "other_enterprise": other_enterprise, "person": person, "platform": platform, "resource": resource,
        "relation": relation, "project": project, "hidden_project": hidden_project, "service": service,
        "request": request, "booking": booking, "framework": framework, "run": run, "year": start.year,
        "month": start.month, "lead": lead, **deals, "news_document": _news(users["operator"], enterprise, other_enterprise, platform),
    }


def _news(operator: Any, enterprise: Any, other: Any, platform: Any) -> Any:
    """A document in the operator's review queue, naming the enterprise (the review page is crawled too): its
    sentences give a proposal of every type, so that every review form is seen and submitted."""
    from biopark.news import services as news_services

    text = (f"{enterprise.name_zh}与苏州沐光生物科技有限公司签署合作协议，总投资约3亿元。"
            f"{enterprise.name_zh}的新药进入临床II期。园区目标到2028年企业超过500家。"
            f"{other.name_zh}旗下{enterprise.name_zh}启动{platform.name_zh}。")
    return news_services.document_ingest(actor=operator, incoming=news_services.Incoming(text=text))


def _deals(users: dict[str, Any], enterprise: Any, other: Any, zone: Any, person: Any, project: Any) -> dict[str, Any]:
    from biopark.deals import services as deal_services

    event = deal_services.event_create(actor=SYSTEM, data={"kind": "signing", "title_en": "Signing day",
                                                           "starts_on": "2024-05", "park": zone},
                                       participants=[deal_services.ParticipantIn(person=person)])
    asset = deal_services.ip_asset_create(actor=SYSTEM, data={"number": "CN2024100001.X", "title_en": "Antibody"},
                                          owners=[enterprise], projects=[project])
    agreement = deal_services.agreement_create(
        actor=SYSTEM, data={"title_en": "Licence of antibody", "kind": "licensing", "value_amount": "5000000",
                            "value_currency": "CNY", "event": event, "signed_on": "2024-05-02"},
        parties=[(enterprise, "licensor"), (other, "licensee")], ip_assets=[asset], projects=[project],
        signatories=[deal_services.SignatoryIn(person=person)],
    )
    deal_services.licence_terms_set(actor=SYSTEM, agreement=agreement, data={"currency": "CNY"},
                                    milestones=[{"kind": "regulatory", "amount": "1000000"}],
                                    royalty_tiers=[{"sales_from": "0", "rate": "5"}])
    return {"agreement": agreement, "deal_event": event, "ip_asset": asset}


def _financing_and_targets(park: Any, zone: Any, project: Any) -> dict[str, Any]:
    """A financing need, an investor's mandate, a roadshow and a park target: their detail and edit pages."""
    from biopark.deals.models import Event
    from biopark.ecosystem.models import Organisation
    from biopark.financing import services as financing
    from biopark.metrics.services import indicator_create
    from biopark.metrics.targets import target_create

    fund = OrganisationFactory(park=None, name_en="Fund A", kind=Organisation.Kind.INVESTOR)
    need = financing.need_create(actor=SYSTEM, project=project, data={
        "round": "a", "amount": "50000000", "currency": "CNY", "visibility": "investors"})
    mandate = financing.mandate_create(actor=SYSTEM, organisation=fund, data={
        "name": "Oncology fund", "stages": ["phase1"], "ticket_min": "20000000", "ticket_max": "80000000",
        "currency": "CNY"})
    event = Event.objects.create(kind=Event.Kind.ROADSHOW, title_en="Spring roadshow", park=park,
                                 starts_on=timezone.localdate() + dt.timedelta(days=20))
    roadshow = financing.roadshow_create(actor=SYSTEM, event=event, data={
        "call_en": "Apply by the deadline", "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat()})
    indicator_create(actor=SYSTEM, data={"key": "output", "name_en": "Output value", "name_zh": "产值",
                                         "unit": "亿元"})
    target = target_create(actor=SYSTEM, data={
        "park": zone.pk, "indicator": "output", "start_year": "2021", "end_year": "2030",
        "baseline_value": "100", "target_value": "123456", "qualifier": "at_least"})
    return {"fund": fund, "need": need, "mandate": mandate, "roadshow": roadshow, "target": target}


def path_values(world: dict[str, Any]) -> dict[str, Any]:
    """The value for a path parameter, by the route segment before it ("resources/<pk>" -> a resource id)."""
    return {
        "parks": world["park"].pk, "organisations": world["enterprise"].pk, "people": world["person"].pk,
        "platforms": world["platform"].pk, "relations": world["relation"].pk, "resources": world["resource"].pk,
        "bookings": world["booking"].pk, "projects": world["project"].pk, "pipeline": world["project"].pk,
        "catalogue": world["service"].pk, "services": world["service"].pk, "requests": world["request"].pk,
        "runs": world["run"].pk, "frameworks": world["framework"].key, "versions": 1, "units": "P1",
        "jobs": 1, "attachments": 1, "files": 1, "statements": world["enterprise"].pk,
        "leads": world["lead"].pk, "documents": 1,
        "deals": world["agreement"].pk, "agreements": world["agreement"].pk, "ip-assets": world["ip_asset"].pk,
        "ip": world["ip_asset"].pk, "events": world["deal_event"].pk, "rows": "party",
        "mandates": world["mandate"].pk, "roadshows": world["roadshow"].pk, "targets": world["target"].pk,
    }

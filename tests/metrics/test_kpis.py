"""Each live KPI on a hand-built data set, with exact expected values (biopark.core.kpis and the apps' kpis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from biopark.accounts.policy import park_subtree
from biopark.core import kpis
from biopark.deals.models import Agreement, AgreementParty
from biopark.ecosystem.models import Organisation, Relation
from biopark.facilities.models import Booking, Outage
from biopark.pipeline.models import StageEvent
from biopark.services.models import ServiceRequest
from tests.facilities.factories import ResourceFactory
from tests.factories import OrganisationFactory, ParkFactory, PlatformFactory, make_user
from tests.pipeline.factories import IndicationFactory, ProjectFactory
from tests.services.factories import ServiceFactory

pytestmark = pytest.mark.django_db

Y2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture
def world():
    park = ParkFactory(name_en="Hi-tech Zone")
    zone = ParkFactory(name_en="Bio-City", parent=park)
    other = ParkFactory(name_en="Elsewhere")
    orgs = {
        "e1": OrganisationFactory(park=park, kind=Organisation.Kind.ENTERPRISE),
        "e2": OrganisationFactory(park=zone, kind=Organisation.Kind.ENTERPRISE),
        "u1": OrganisationFactory(park=zone, kind=Organisation.Kind.UNIVERSITY),
        "x": OrganisationFactory(park=other, kind=Organisation.Kind.ENTERPRISE),
        "outside": OrganisationFactory(park=None, kind=Organisation.Kind.HOSPITAL),
    }
    return {"park": park, "zone": zone, "other": other, "orgs": orgs}


def scope(world, start=Y2024[0], end=Y2024[1], platform_id=None) -> kpis.Scope:
    return kpis.Scope(park_ids=park_subtree(world["park"].pk), start=start, end=end, platform_id=platform_id)


def test_every_app_registers_its_kpis_with_a_definition_and_unit():
    keys = {k.key for k in kpis.all_kpis()}
    assert {"organisations_settled", "organisations_settled.enterprise", "functional_platforms",
            "high_tech_enterprises", "cooperating_organisations", "agreements_signed", "ip_rights", "projects",
            "projects.phase1", "new_approvals", "service_requests_delivered", "service_satisfaction", "bookings",
            "platform_utilisation"} <= keys
    assert all(str(k.definition) and str(k.unit) for k in kpis.all_kpis())
    assert kpis.compute("no_such_kpi", kpis.Scope(frozenset(), *Y2024)) is None


def test_organisations_settled_by_kind_count_the_park_and_its_zones(world):
    s = scope(world)
    assert kpis.compute("organisations_settled", s) == Decimal(3)
    assert kpis.compute("organisations_settled.enterprise", s) == Decimal(2)
    assert kpis.compute("organisations_settled.university", s) == Decimal(1)
    assert kpis.compute("organisations_settled.hospital", s) == Decimal(0)


def test_high_tech_enterprises_and_ip_rights_are_not_computable_yet(world):
    assert kpis.compute("high_tech_enterprises", scope(world)) is None
    assert kpis.compute("ip_rights", scope(world)) is None


def test_functional_platforms_in_the_park_or_one_platform(world):
    p1 = PlatformFactory(park=world["park"])
    PlatformFactory(park=world["zone"])
    PlatformFactory(park=world["other"])
    assert kpis.compute("functional_platforms", scope(world)) == Decimal(2)
    assert kpis.compute("functional_platforms", scope(world, platform_id=p1.pk)) == Decimal(1)


def test_cooperating_organisations_from_agreements_in_the_period_and_partner_relations(world):
    orgs = world["orgs"]
    inside = Agreement.objects.create(kind="cooperation", park=world["zone"], signed_on=dt.date(2024, 3, 1))
    AgreementParty.objects.create(agreement=inside, organisation=orgs["e1"])
    AgreementParty.objects.create(agreement=inside, organisation=orgs["outside"])
    before = Agreement.objects.create(kind="cooperation", park=world["park"], signed_on=dt.date(2023, 12, 31))
    AgreementParty.objects.create(agreement=before, organisation=orgs["x"])
    elsewhere = Agreement.objects.create(kind="cooperation", park=world["other"], signed_on=dt.date(2024, 5, 1))
    AgreementParty.objects.create(agreement=elsewhere, organisation=orgs["u1"])
    # A partner relation either way round; e1 is counted once though it also signed.
    Relation.objects.create(subject_type="organisation", subject_id=orgs["u1"].pk, predicate="partner_of",
                            object_type="park", object_id=world["park"].pk)
    Relation.objects.create(subject_type="park", subject_id=world["zone"].pk, predicate="partner_of",
                            object_type="organisation", object_id=orgs["e1"].pk)
    Relation.objects.create(subject_type="organisation", subject_id=orgs["e2"].pk, predicate="member_of",
                            object_type="park", object_id=world["park"].pk)
    assert kpis.compute("cooperating_organisations", scope(world)) == Decimal(3)  # e1, outside, u1
    assert kpis.compute("agreements_signed", scope(world)) == Decimal(1)


def _event(project, stage: str, on: dt.date, direction: str = "forward") -> None:
    indication = IndicationFactory(project=project)
    StageEvent.objects.create(project=project, indication=indication, stage=stage, occurred_on=on,
                              direction=direction, park=project.park, organisation=project.organisation)


def test_projects_by_stage_and_new_approvals(world):
    orgs = world["orgs"]
    a = ProjectFactory(organisation=orgs["e1"], highest_stage="phase1")
    b = ProjectFactory(organisation=orgs["e2"], highest_stage="approved")
    ProjectFactory(organisation=orgs["x"], highest_stage="approved")
    _event(b, "approved", dt.date(2024, 6, 1))
    _event(b, "approved", dt.date(2023, 6, 1))
    _event(a, "approved", dt.date(2024, 7, 1), direction="back")
    x_project = ProjectFactory(organisation=orgs["x"])
    _event(x_project, "approved", dt.date(2024, 6, 1))
    s = scope(world)
    assert kpis.compute("projects", s) == Decimal(2)
    assert kpis.compute("projects.phase1", s) == Decimal(1)
    assert kpis.compute("projects.approved", s) == Decimal(1)
    assert kpis.compute("new_approvals", s) == Decimal(1)


def test_service_requests_delivered_and_satisfaction(world):
    orgs = world["orgs"]
    service = ServiceFactory(provider_organisation=orgs["u1"])

    def request(park, delivered, rating):
        ServiceRequest.objects.create(service=service, requester_organisation=orgs["e1"], park=park, title="t",
                                      submitted_at=_utc(2024, 1, 1), delivered_at=delivered, rating=rating,
                                      state="delivered" if delivered else "submitted")

    request(world["park"], _utc(2024, 2, 1), 5)
    request(world["zone"], _utc(2024, 12, 31, 23), 4)
    request(world["zone"], _utc(2024, 3, 1), None)
    request(world["park"], _utc(2025, 1, 1), 1)  # after the period
    request(world["park"], None, None)  # not delivered
    request(world["other"], _utc(2024, 2, 1), 1)  # another park
    s = scope(world)
    assert kpis.compute("service_requests_delivered", s) == Decimal(3)
    assert kpis.compute("service_satisfaction", s) == Decimal("4.50")
    assert kpis.compute("service_satisfaction", scope(world, end=dt.date(2024, 1, 31))) is None


def test_bookings_and_utilisation_of_the_park_platforms(world):
    user = make_user("enterprise_member", organisation=world["orgs"]["e1"])
    platform = PlatformFactory(park=world["park"])
    open_9_to_17 = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    resource = ResourceFactory(platform=platform, capacity=2, opening_hours=open_9_to_17)
    elsewhere = ResourceFactory(platform=PlatformFactory(park=world["other"]))

    def book(res, start, hours, status="confirmed", quantity=1):
        Booking.objects.create(resource=res, user=user, organisation=world["orgs"]["e1"], start=start,
                               end=start + dt.timedelta(hours=hours), status=status, quantity=quantity)

    # Park time (Asia/Shanghai, UTC+8): 09:00–17:00 local is 01:00–09:00 UTC.
    book(resource, _utc(2024, 3, 4, 1), 4, quantity=2)  # 8 unit-hours
    book(resource, _utc(2024, 3, 5, 2), 2)  # 2 unit-hours
    book(resource, _utc(2024, 3, 6, 2), 3, status="cancelled")
    book(elsewhere, _utc(2024, 3, 4, 1), 4)
    Outage.objects.create(resource=resource, start=_utc(2024, 3, 7, 1), end=_utc(2024, 3, 7, 9))
    week = scope(world, start=dt.date(2024, 3, 4), end=dt.date(2024, 3, 10))
    assert kpis.compute("bookings", week) == Decimal(2)
    # Open: 7 days x 8 h x 2 units = 112, minus the outage day's 16 = 96 unit-hours; booked 10 → 10.4 %.
    assert kpis.compute("platform_utilisation", week) == Decimal("10.4")
    assert kpis.compute("platform_utilisation", scope(world, platform_id=elsewhere.platform_id)) is None

"""Who may see and change leads, per role; refused actions leave the lead as it was."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.forms.models import model_to_dict
from django.utils import translation

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.core.errors import PermissionRefused, ValidationFailed
from biopark.promotion import services
from biopark.promotion.models import Activity, Lead, Pipeline, Stage, StageChange
from tests.factories import OrganisationFactory, ParkFactory, make_user
from tests.promotion.factories import LeadFactory, stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    park = ParkFactory()
    zone = ParkFactory(parent=park)
    other = ParkFactory()
    org = OrganisationFactory(park=zone)
    users = {
        "admin": make_user(Role.ADMIN),
        "operator": make_user(Role.OPERATOR, park=park),
        "other_operator": make_user(Role.OPERATOR, park=other),
        "platform_manager": make_user(Role.PLATFORM_MANAGER, organisation=org),
        "member": make_user(Role.ENTERPRISE_MEMBER, organisation=org),
        "investor": make_user(Role.INVESTOR),
        "viewer": make_user(Role.VIEWER),
    }
    lead = LeadFactory(park=zone, organisation=org)
    return {"park": park, "zone": zone, "other": other, "users": users, "lead": lead}


def row(lead: Lead) -> dict:
    return model_to_dict(Lead.objects.get(pk=lead.pk))


def test_each_role_sees_exactly_what_the_rule_allows(world):
    lead = world["lead"]
    seen = {
        name: list(Lead.objects.filter(policy.visible_filter(user, Lead)).values_list("pk", flat=True))
        for name, user in {**world["users"], "anonymous": AnonymousUser()}.items()
    }
    assert seen == {
        "admin": [lead.pk], "operator": [lead.pk], "other_operator": [], "platform_manager": [], "member": [],
        "investor": [], "viewer": [], "anonymous": [],
    }
    for name, user in world["users"].items():
        assert policy.decide(user, policy.VIEW, lead).allowed == (name in ("admin", "operator")), name


@pytest.mark.parametrize("name", ["other_operator", "platform_manager", "member", "investor", "viewer"])
def test_other_roles_cannot_change_a_lead_and_it_stays_unchanged(world, name):
    lead, before = world["lead"], row(world["lead"])
    user = world["users"][name]
    with pytest.raises(PermissionRefused):
        services.lead_update(actor=user, lead=lead, data={"project": "Hijacked"})
    with pytest.raises(PermissionRefused):
        services.lead_move(actor=user, lead=lead, to_stage=stage("contacted"))
    with pytest.raises(PermissionRefused):
        services.activity_record(actor=user, lead=lead, kind="call", on="2026-01-05", summary="x")
    assert row(lead) == before
    assert StageChange.objects.filter(lead=lead).count() == 0
    assert not Activity.objects.exists()


@pytest.mark.parametrize("name", ["platform_manager", "member", "investor", "viewer"])
def test_other_roles_cannot_create_leads(world, name):
    with pytest.raises(PermissionRefused):
        services.lead_create(actor=world["users"][name], data={
            "park": world["zone"].pk, "organisation": world["lead"].organisation_id, "project": "X",
            "source": "inbound"})
    assert Lead.objects.count() == 1


def test_operator_cannot_move_a_lead_to_another_park_and_it_stays(world):
    lead, before = world["lead"], row(world["lead"])
    with pytest.raises(PermissionRefused):
        services.lead_update(actor=world["users"]["operator"], lead=lead, data={"park": world["other"].pk})
    assert row(lead) == before
    # Within its own park tree the move is allowed.
    services.lead_update(actor=world["users"]["operator"], lead=lead, data={"park": world["park"].pk})
    assert Lead.objects.get(pk=lead.pk).park_id == world["park"].pk


def test_operator_cannot_create_a_lead_for_another_park(world):
    with pytest.raises(PermissionRefused):
        services.lead_create(actor=world["users"]["operator"], data={
            "park": world["other"].pk, "organisation": world["lead"].organisation_id, "project": "X",
            "source": "inbound"})
    assert Lead.objects.count() == 1


def test_operator_and_admin_write(world):
    lead = world["lead"]
    services.lead_update(actor=world["users"]["operator"], lead=lead,
                         data={"investment_amount": "500000000", "investment_currency": "CNY", "jobs": "300"})
    services.lead_update(actor=world["users"]["admin"], lead=lead, data={"next_action": "Send the policy offer"})
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.investment_amount, fresh.investment_currency, fresh.jobs, fresh.next_action, fresh.version) == (
        Decimal("500000000.00"), "CNY", 300, "Send the policy offer", 3)


def test_pipelines_are_read_by_staff_and_changed_by_administrators(world):
    pipeline = Pipeline.objects.get(key="investment-promotion")
    assert policy.decide(world["users"]["operator"], policy.VIEW, pipeline)
    assert not policy.decide(world["users"]["operator"], policy.CHANGE, pipeline)
    assert policy.decide(world["users"]["admin"], policy.CHANGE, pipeline)
    assert not policy.decide(world["users"]["member"], policy.VIEW, Stage)


def test_owner_must_be_an_operator_of_the_park(world):
    lead, before = world["lead"], row(world["lead"])
    with pytest.raises(ValidationFailed) as info:
        services.lead_update(actor=world["users"]["operator"], lead=lead,
                             data={"owner": world["users"]["other_operator"].pk})
    assert info.value.fields == {"owner": "the owner must be an operator of the lead's park"}
    assert row(lead) == before
    services.lead_update(actor=world["users"]["admin"], lead=lead, data={"owner": world["users"]["operator"].pk})
    assert Lead.objects.get(pk=lead.pk).owner_id == world["users"]["operator"].pk

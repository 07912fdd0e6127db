"""The permission matrix: every role against every kind of record, and refusals that change nothing."""

import pytest
from django.utils import translation

from biopark.accounts import policy
from biopark.core.errors import PermissionRefused
from biopark.ecosystem import services
from biopark.ecosystem.models import Organisation, Park
from tests.factories import PlatformFactory

pytestmark = pytest.mark.django_db

# role -> (own enterprise, other park's enterprise, park zone, other park, platform of own org, platform elsewhere)
CHANGE_MATRIX = {
    "admin": (True, True, True, True, True, True),
    "operator": (True, False, True, False, True, False),
    "platform_manager": (True, False, False, False, True, False),
    "enterprise_member": (True, False, False, False, False, False),
    "investor": (False, False, False, False, False, False),
    "viewer": (False, False, False, False, False, False),
}


@pytest.mark.parametrize("role", list(CHANGE_MATRIX))
def test_change_matrix(roles, role):
    own_platform = PlatformFactory(operator=roles["enterprise"], park=roles["zone"])
    other_platform = PlatformFactory(operator=roles["other_enterprise"], park=roles["other_park"])
    targets = (
        roles["enterprise"],
        roles["other_enterprise"],
        roles["zone"],
        roles["other_park"],
        own_platform,
        other_platform,
    )
    user = roles["users"][role]
    got = tuple(policy.decide(user, policy.CHANGE, t).allowed for t in targets)
    assert got == CHANGE_MATRIX[role]


@pytest.mark.parametrize(
    "role,allowed",
    [("admin", True), ("operator", True), ("platform_manager", False), ("enterprise_member", False),
     ("investor", False), ("viewer", False)],
)
def test_import_and_create_matrix(roles, role, allowed):
    user = roles["users"][role]
    assert policy.decide(user, policy.IMPORT, Organisation).allowed is allowed
    assert policy.decide(user, policy.CREATE, Organisation).allowed is allowed


def test_every_signed_in_role_reads_and_exports(roles):
    for user in roles["users"].values():
        assert policy.decide(user, policy.VIEW, roles["other_enterprise"]).allowed
        assert policy.decide(user, policy.EXPORT, Organisation).allowed


def test_anonymous_reads_only_public_directories(roles):
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    assert not policy.decide(anon, policy.VIEW, roles["enterprise"]).allowed
    roles["park"].public_directory = True
    roles["park"].save()
    # The zone inside the open park is public too; the other park stays closed.
    assert policy.decide(anon, policy.VIEW, roles["enterprise"]).allowed
    assert policy.decide(anon, policy.VIEW, roles["zone"]).allowed
    assert not policy.decide(anon, policy.VIEW, roles["other_enterprise"]).allowed
    with translation.override("en"):
        decision = policy.decide(anon, policy.CHANGE, roles["enterprise"])
    assert not decision.allowed and decision.reason == "sign in first"
    with translation.override("zh-hans"):
        assert policy.decide(anon, policy.CHANGE, roles["enterprise"]).reason == "请先登录"


def test_refusal_names_its_reason_and_changes_nothing(roles):
    member = roles["users"]["enterprise_member"]
    other = roles["other_enterprise"]
    before = Organisation.objects.values().get(pk=other.pk)
    with pytest.raises(PermissionRefused) as exc, translation.override("en"):
        services.organisation_update(actor=member, organisation=other, data={"name_en": "Hijacked"})
    assert "own organisation" in exc.value.message
    assert Organisation.objects.values().get(pk=other.pk) == before


def test_operator_cannot_create_in_another_park(roles):
    operator = roles["users"]["operator"]
    count = Organisation.objects.count()
    with pytest.raises(PermissionRefused):
        services.organisation_create(actor=operator, data={"name_zh": "外园企业", "park": roles["other_park"].pk})
    assert Organisation.objects.count() == count
    made = services.organisation_create(actor=operator, data={"name_zh": "园内企业", "park": roles["zone"].pk})
    assert made.park_id == roles["zone"].pk


def test_operator_scope_covers_nested_zones(roles):
    actor = policy.actor_for(roles["users"]["operator"])
    assert actor.park_scope == frozenset({roles["park"].pk, roles["zone"].pk})
    assert Park.objects.count() == 3

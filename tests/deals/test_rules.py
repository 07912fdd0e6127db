"""Who sees and changes agreements and IP assets: confidentiality both ways, per role; the queryset filter agrees
with the object decision; refused writes leave the row as it was."""

from __future__ import annotations

import pytest

from biopark.accounts import policy
from biopark.core.errors import PermissionRefused
from biopark.deals import services
from biopark.deals.models import Agreement, AgreementParty, IPAsset

pytestmark = pytest.mark.django_db

# Who sees an agreement (and an IP asset) of each confidentiality. Its parties: "member" and "manager" belong
# to the licensor (in the zone); "operator" runs the park above the zone; "neighbour" is another organisation
# of the same park tree; "rival" and "other_operator" belong to another park.
SEES = {
    "public": {"admin", "operator", "other_operator", "member", "manager", "neighbour", "rival", "investor",
               "viewer", "anonymous"},
    "park": {"admin", "operator", "member", "manager", "neighbour"},
    "parties": {"admin", "operator", "member", "manager"},
}


@pytest.mark.parametrize("model_key", ["agreements", "assets"])
def test_each_confidentiality_is_seen_by_exactly_these_roles(deals_world, model_key):
    for level, expected in SEES.items():
        record = deals_world[model_key][level]
        decided = {name for name, user in deals_world["users"].items() if policy.decide(user, policy.VIEW, record)}
        assert decided == expected, level
        filtered = {
            name for name, user in deals_world["users"].items()
            if type(record).objects.filter(policy.visible_filter(user, type(record))).filter(pk=record.pk).exists()
        }
        assert filtered == expected, level


def test_an_anonymous_refusal_says_to_sign_in(deals_world):
    decision = policy.decide(deals_world["users"]["anonymous"], policy.VIEW, deals_world["agreements"]["park"])
    assert (decision.allowed, decision.reason) == (False, "该交易未公开，请先登录")


def test_children_follow_their_agreement(deals_world):
    link = AgreementParty.objects.filter(agreement=deals_world["agreements"]["parties"]).first()
    assert policy.decide(deals_world["users"]["member"], policy.VIEW, link).allowed
    assert not policy.decide(deals_world["users"]["neighbour"], policy.VIEW, link).allowed
    seen = AgreementParty.objects.filter(policy.visible_filter(deals_world["users"]["neighbour"], AgreementParty))
    assert set(seen.values_list("agreement__confidentiality", flat=True)) == {"park", "public"}


WRITERS = {"admin", "operator", "member", "manager"}


def test_who_may_change_a_parties_only_agreement(deals_world):
    agreement = deals_world["agreements"]["parties"]
    allowed = {name for name, user in deals_world["users"].items() if policy.decide(user, policy.CHANGE, agreement)}
    assert allowed == WRITERS


@pytest.mark.parametrize("name", ["neighbour", "rival", "other_operator", "investor", "viewer", "anonymous"])
def test_a_refused_update_leaves_the_agreement_as_it_was(deals_world, name):
    agreement = deals_world["agreements"]["public"]
    before = Agreement.objects.values().get(pk=agreement.pk)
    parties = list(agreement.party_links.values_list("organisation_id", "role"))
    with pytest.raises(PermissionRefused):
        services.agreement_update(actor=deals_world["users"][name], agreement=agreement,
                                  data={"title_en": "taken over", "status": "terminated"},
                                  parties=[(deals_world["rival"], "partner")])
    assert Agreement.objects.values().get(pk=agreement.pk) == before
    assert list(agreement.party_links.values_list("organisation_id", "role")) == parties


def test_a_member_may_not_write_their_organisation_out_of_an_agreement(deals_world):
    """Checked as it would be: after the change the member's organisation would no longer be a party."""
    agreement = deals_world["agreements"]["park"]
    before = Agreement.objects.values().get(pk=agreement.pk)
    parties = list(agreement.party_links.values_list("organisation_id", "role"))
    with pytest.raises(PermissionRefused):
        services.agreement_update(actor=deals_world["users"]["member"], agreement=agreement,
                                  data={"title_en": "renamed"}, parties=[(deals_world["abroad"], "licensee")])
    assert Agreement.objects.values().get(pk=agreement.pk) == before
    assert list(agreement.party_links.values_list("organisation_id", "role")) == parties


def test_a_member_records_and_changes_their_own_deal(deals_world):
    member = deals_world["users"]["member"]
    agreement = services.agreement_create(
        actor=member, data={"title_en": "NDA", "kind": "nda", "confidentiality": "parties"},
        parties=[(deals_world["own"], "partner"), (deals_world["abroad"], "partner")],
    )
    assert (agreement.park_id, agreement.confidentiality) == (deals_world["zone"].pk, "parties")
    services.agreement_update(actor=member, agreement=agreement, data={"status": "in_force"})
    assert Agreement.objects.get(pk=agreement.pk).status == "in_force"


def test_a_member_may_not_record_a_deal_between_other_organisations(deals_world):
    count = Agreement.objects.count()
    with pytest.raises(PermissionRefused):
        services.agreement_create(actor=deals_world["users"]["member"], data={"title_en": "x", "kind": "nda"},
                                  parties=[(deals_world["rival"], "partner")])
    assert Agreement.objects.count() == count


def test_an_operator_may_not_record_a_deal_of_another_park(deals_world):
    count = Agreement.objects.count()
    with pytest.raises(PermissionRefused):
        services.agreement_create(actor=deals_world["users"]["operator"], data={"title_en": "x", "kind": "lease"},
                                  parties=[(deals_world["rival"], "tenant")])
    assert Agreement.objects.count() == count


def test_a_refused_ip_update_leaves_the_asset_as_it_was(deals_world):
    asset = deals_world["assets"]["public"]
    before = IPAsset.objects.values().get(pk=asset.pk)
    with pytest.raises(PermissionRefused):
        services.ip_asset_update(actor=deals_world["users"]["rival"], asset=asset, data={"status": "lapsed"})
    assert IPAsset.objects.values().get(pk=asset.pk) == before

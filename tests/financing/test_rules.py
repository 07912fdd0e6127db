"""The financing policy per role, both ways: who sees and changes mandates, needs, interests, notes,
introductions, applications and feedback; each list filter agrees with its object decision."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from biopark.accounts import policy
from biopark.financing.models import (
    FinancingNeed,
    Interest,
    Introduction,
    InvestorNote,
    Mandate,
    RoadshowApplication,
)

pytestmark = pytest.mark.django_db


def visible(user, model):
    return set(model.objects.filter(policy.visible_filter(user, model)).values_list("pk", flat=True))


def may(user, action, obj):
    return policy.decide(user, action, obj).allowed


def test_investors_see_only_their_own_mandates_and_the_park_reads_all(fin):
    u, a, b = fin["users"], fin["mandate_a"].pk, fin["mandate_b"].pk
    assert visible(u["investor_a"], Mandate) == {a}
    assert visible(u["investor_b"], Mandate) == {b}
    assert visible(u["lone_investor"], Mandate) == set()
    assert visible(u["operator"], Mandate) == {a, b}
    assert visible(u["member"], Mandate) == {a, b}
    assert visible(u["viewer"], Mandate) == set()
    assert visible(AnonymousUser(), Mandate) == set()
    assert may(u["investor_a"], policy.CHANGE, fin["mandate_a"])
    assert not may(u["investor_b"], policy.CHANGE, fin["mandate_a"])
    assert not may(u["operator"], policy.CHANGE, fin["mandate_a"])
    assert not may(u["member"], policy.CHANGE, fin["mandate_a"])


def test_financing_needs_follow_their_visibility(fin):
    u, need, other = fin["users"], fin["need"].pk, fin["other_need"].pk
    assert visible(u["member"], FinancingNeed) == {need}  # its own project's
    assert visible(u["other_member"], FinancingNeed) == {other}
    assert visible(u["operator"], FinancingNeed) == {need}  # its park's
    assert visible(u["other_operator"], FinancingNeed) == {other}
    assert visible(u["investor_a"], FinancingNeed) == {need}  # shared with investors
    assert visible(u["lone_investor"], FinancingNeed) == {need}
    assert visible(u["viewer"], FinancingNeed) == set()
    assert visible(AnonymousUser(), FinancingNeed) == set()
    assert may(u["member"], policy.CHANGE, fin["need"])
    assert not may(u["other_member"], policy.CHANGE, fin["need"])
    assert not may(u["investor_a"], policy.CHANGE, fin["need"])


def test_interests_belong_to_the_investor_and_its_park_operators_read_them(fin):
    u, pk = fin["users"], fin["interest"].pk
    assert visible(u["investor_a"], Interest) == {pk}
    assert visible(u["investor_b"], Interest) == set()
    assert visible(u["operator"], Interest) == {pk}
    assert visible(u["other_operator"], Interest) == set()
    assert visible(u["member"], Interest) == set()
    assert not may(u["operator"], policy.CHANGE, fin["interest"])
    assert may(u["investor_a"], policy.CHANGE, fin["interest"])
    assert not may(u["investor_b"], policy.CHANGE, fin["interest"])


def test_notes_are_private_to_the_investor_administrators_read_them_and_write_none(fin):
    u, note = fin["users"], fin["note"]
    assert visible(u["investor_a"], InvestorNote) == {note.pk}
    assert visible(u["admin"], InvestorNote) == {note.pk}
    assert may(u["admin"], policy.VIEW, note)
    assert not may(u["admin"], policy.CREATE, note) and not may(u["admin"], policy.DELETE, note)
    for who in ("investor_b", "operator", "member", "viewer", "lone_investor"):
        assert visible(u[who], InvestorNote) == set(), who
        assert not may(u[who], policy.VIEW, note), who


def test_applications_are_seen_by_the_applicant_the_operators_and_once_selected_by_attending_investors(fin):
    u, app = fin["users"], fin["application"]
    assert visible(u["member"], RoadshowApplication) == {app.pk}
    assert visible(u["operator"], RoadshowApplication) == {app.pk}
    assert visible(u["investor_a"], RoadshowApplication) == set()  # applied, not selected yet
    assert visible(u["other_member"], RoadshowApplication) == set()
    assert not may(u["member"], policy.CHANGE, app)  # the applicant cannot select itself
    assert may(u["operator"], policy.CHANGE, app)
    assert not may(u["other_operator"], policy.CHANGE, app)


@pytest.mark.parametrize("model", [Mandate, FinancingNeed, Interest, InvestorNote, Introduction,
                                   RoadshowApplication])
def test_every_filter_agrees_with_its_decision_for_every_role(fin, model):
    for name, user in [*fin["users"].items(), ("anonymous", AnonymousUser())]:
        shown = visible(user, model)
        decided = {o.pk for o in model.objects.all() if policy.decide(user, policy.VIEW, o).allowed}
        assert shown == decided, (model.__name__, name)


def test_the_matching_visibility_mask_keeps_exactly_what_the_filter_keeps(fin):
    from biopark.financing import selectors
    from biopark.financing.rules import need_visible_mask

    index = selectors.need_index()
    for name, user in [*fin["users"].items(), ("anonymous", AnonymousUser())]:
        mask = need_visible_mask(policy.actor_for(user), index.visibility, index.organisation_ids, index.park_ids)
        by_filter = set(FinancingNeed.objects.filter(open=True).filter(
            policy.visible_filter(user, FinancingNeed)).values_list("pk", flat=True))
        assert set(index.need_ids[mask].tolist()) == by_filter, name

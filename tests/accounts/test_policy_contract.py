"""The policy's contract: every model of every app has an explicit rule; what it does not know it refuses;
each rule's queryset filter returns exactly the records its object decision lets a role see."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from biopark.accounts import policy
from biopark.accounts.demo_users import DEMO_USERS
from biopark.core import policy as core_policy
from biopark.ecosystem.models import Organisation
from tests.factories import make_user

OUR_APPS = {"accounts", "core", "deals", "ecosystem", "facilities", "financing", "metrics", "news", "pipeline", "promotion",
            "rankings", "services"}
# Every action some rule decides: the contract asks each model about each of them.
ALL_ACTIONS = sorted(
    {action for model in apps.get_models() if policy.has_rule(model) for action in policy.rule_set(model).actions}
)


def our_models() -> list[type]:
    found = [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]
    return [*found, get_user_model()]


def test_every_model_of_every_app_has_an_explicit_rule():
    missing = [m._meta.label for m in our_models() if not policy.has_rule(m)]
    assert missing == []


def test_every_rule_lists_its_actions_and_move_where_it_has_scope_fields():
    for model in our_models():
        rules = policy.rule_set(model)
        assert policy.VIEW in rules.actions, model
        if rules.scope_fields:
            assert policy.MOVE in rules.actions, model
        for name in rules.scope_fields:
            model._meta.get_field(name)  # a renamed field fails here, not in production


@pytest.mark.django_db
def test_a_model_without_a_rule_is_refused_every_action_even_to_an_administrator():
    class Unruled:
        pass

    admin = make_user("admin")
    for action in (*ALL_ACTIONS, "view"):
        decision = policy.decide(admin, action, Unruled)
        assert not decision.allowed and decision.reason
    assert not policy.decide(admin, policy.VIEW, Unruled()).allowed


@pytest.mark.django_db
def test_an_action_a_rule_does_not_know_is_refused_for_every_model_and_role():
    users = [make_user(role) for role in ("admin", "operator", "platform_manager", "enterprise_member", "viewer")]
    for model in our_models():
        for user in [*users, AnonymousUser()]:
            decision = policy.decide(user, "frobnicate", model)
            assert not decision.allowed and decision.reason, (model, user)


@pytest.fixture
def demo_world(demo_data, db):
    users = {username: get_user_model().objects.get(username=username) for username, *_rest in DEMO_USERS}
    return users


# What each model's object decision reads through a foreign key (each read was one query per row): loaded
# with the rows, the decisions see the same related records without a query each.
RELATED_READS = {
    "facilities.Booking": ("resource__platform",),
    "facilities.UsageRecord": ("resource__platform",),
    "facilities.BookingUnit": ("booking__resource__platform",),
    "rankings.RunScore": ("run",),
    "pipeline.StageEvent": ("project",),
    "pipeline.Indication": ("project",),
    "promotion.StageChange": ("lead",),
}


def test_each_rules_filter_returns_exactly_what_its_decision_allows(demo_world):
    """For every role of the demo (and an anonymous visitor), every model: the queryset filter and the
    object decision agree record by record."""
    checked = 0
    actors = {**demo_world, "anonymous": AnonymousUser()}
    # The park tree read once for the whole comparison, as within one request (each anonymous decision read the
    # park table again: 17,500 queries). Correct here: nothing writes while the comparison runs.
    with core_policy.request_memo():
        for model in our_models():
            related = RELATED_READS.get(model._meta.label, ())
            rows = list(model._default_manager.select_related(*related).order_by("pk")[:400])
            if not rows:
                continue
            pks = [row.pk for row in rows]
            for name, user in actors.items():
                filtered = set(
                    model._default_manager.filter(pk__in=pks)
                    .filter(policy.visible_filter(user, model))
                    .values_list("pk", flat=True)
                )
                decided = {row.pk for row in rows if policy.decide(user, policy.VIEW, row).allowed}
                assert filtered == decided, (model._meta.label, name, sorted(filtered ^ decided)[:10])
                checked += 1
    # The demo fills the registry, facilities, pipeline, services and rankings: most models were compared.
    assert checked >= 7 * 20


def test_the_demo_gives_each_role_a_different_view_of_bookings(demo_world):
    """A guard that the agreement above is not trivial: roles see different, non-empty slices."""
    from biopark.facilities.models import Booking

    seen = {
        name: Booking.objects.filter(policy.visible_filter(user, Booking)).count()
        for name, user in demo_world.items()
    }
    assert seen["admin"] == Booking.objects.count() > 0
    assert 0 < seen["enterprise"] < seen["admin"]
    assert seen["viewer"] == 0


def test_statements_are_decided_by_the_policy():
    from biopark.facilities.permissions import STATEMENT

    assert policy.decide(AnonymousUser(), STATEMENT, Organisation(pk=1)).allowed is False

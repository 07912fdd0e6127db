"""The policy's rule for API and feed tokens, and its queryset filter returning exactly what it allows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from biopark.accounts import policy
from biopark.accounts.models import ApiToken, FeedToken
from biopark.accounts.permissions import tokens_visible
from biopark.accounts.services import api_token_create, feed_token_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [ApiToken, FeedToken])
def test_filter_agrees_with_the_decision_for_every_role(roles, model):
    users = roles["users"]
    for user in users.values():
        if model is ApiToken:
            api_token_create(actor=user, name="t")
        else:
            feed_token_create(actor=user, kind="bookings")
    everyone = list(model.objects.order_by("pk"))
    for role, user in [*users.items(), ("anonymous", AnonymousUser())]:
        actor = policy.actor_for(user)
        allowed = [t.pk for t in everyone if policy.decide(user, policy.VIEW, t)]
        condition = tokens_visible(actor)
        filtered = [] if condition is None else list(model.objects.filter(condition).order_by("pk")
                                                     .values_list("pk", flat=True))
        assert filtered == allowed, role
        deletable = [t.pk for t in everyone if policy.decide(user, policy.DELETE, t)]
        assert deletable == allowed, role
    own = [t.pk for t in everyone if t.user_id == users["viewer"].pk]
    assert [t.pk for t in everyone if policy.decide(users["viewer"], policy.VIEW, t)] == own
    assert [t.pk for t in everyone if policy.decide(users["admin"], policy.VIEW, t)] == [t.pk for t in everyone]


def test_nobody_changes_or_exports_a_token(roles):
    admin = roles["users"]["admin"]
    token, _ = api_token_create(actor=admin, name="t")
    for action in (policy.CHANGE, policy.EXPORT, policy.IMPORT):
        assert not policy.decide(admin, action, token)
    assert not policy.decide(AnonymousUser(), policy.VIEW, ApiToken)
    assert policy.decide(roles["users"]["viewer"], policy.CREATE, ApiToken)

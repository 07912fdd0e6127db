"""The policy's rule for calendar-feed tokens, and its queryset filter returning exactly what it allows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from biopark.accounts import policy
from biopark.accounts.models import FeedToken
from biopark.accounts.services import feed_token_create

pytestmark = pytest.mark.django_db


def test_feed_token_filter_agrees_with_the_decision_for_every_role(roles):
    users = roles["users"]
    for user in users.values():
        feed_token_create(actor=user, kind="bookings")
    everyone = list(FeedToken.objects.order_by("pk"))
    for role, user in [*users.items(), ("anonymous", AnonymousUser())]:
        allowed = [t.pk for t in everyone if policy.decide(user, policy.VIEW, t)]
        filtered = list(FeedToken.objects.filter(policy.visible_filter(user, FeedToken)).order_by("pk")
                        .values_list("pk", flat=True))
        assert filtered == allowed, role
        assert [t.pk for t in everyone if policy.decide(user, policy.DELETE, t)] == allowed, role
    own = [t.pk for t in everyone if t.user_id == users["viewer"].pk]
    assert len(own) == 1
    assert [t.pk for t in everyone if policy.decide(users["viewer"], policy.VIEW, t)] == own
    assert [t.pk for t in everyone if policy.decide(users["admin"], policy.VIEW, t)] == [t.pk for t in everyone]
    assert [t.pk for t in everyone if policy.decide(AnonymousUser(), policy.VIEW, t)] == []


def test_nobody_changes_or_exports_a_feed_token(roles):
    admin = roles["users"]["admin"]
    token, _ = feed_token_create(actor=admin, kind="bookings")
    for action in (policy.CHANGE, policy.EXPORT, policy.IMPORT):
        assert not policy.decide(admin, action, token)
    assert not policy.decide(AnonymousUser(), policy.VIEW, FeedToken)
    assert policy.decide(roles["users"]["viewer"], policy.CREATE, FeedToken)
    assert not policy.decide(roles["users"]["viewer"], policy.CREATE, FeedToken(user=admin))

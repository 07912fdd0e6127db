"""The promotion app's navigation link and home tile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.core.nav import links_for
from biopark.core.tiles import tiles_for
from tests.factories import ParkFactory, make_user
from tests.promotion.factories import LeadFactory, stage

pytestmark = pytest.mark.django_db


def test_nav_link_only_for_operators_and_administrators():
    park = ParkFactory()
    for role, shown in [(Role.ADMIN, True), (Role.OPERATOR, True), (Role.PLATFORM_MANAGER, False),
                        (Role.ENTERPRISE_MEMBER, False), (Role.INVESTOR, False), (Role.VIEWER, False)]:
        actor = policy.actor_for(make_user(role, park=park if role == Role.OPERATOR else None))
        assert ("promotion" in [link.key for link in links_for(actor)]) is shown, role


def test_tile_lists_due_and_overdue_leads_of_the_operators_park():
    park = ParkFactory()
    operator = make_user(Role.OPERATOR, park=park)
    today = timezone.localdate()
    overdue = LeadFactory(park=park, next_action="Call back", next_action_due=today - dt.timedelta(days=3))
    LeadFactory(park=park, next_action_due=today, stage=stage("contacted"))
    LeadFactory(park=park, next_action_due=today + dt.timedelta(days=3))
    LeadFactory(park=park, next_action_due=today - dt.timedelta(days=9), stage=stage("lost"))
    LeadFactory(next_action_due=today - dt.timedelta(days=3))  # another park
    tile = next(t for t in tiles_for(Role.OPERATOR) if t.key == "promotion.due")
    with translation.override("en"):
        data = tile.build(policy.actor_for(operator))
    assert data is not None
    assert (data.value, data.href) == ("2", "/promotion/leads/?due=1")
    assert [(i.href, i.status) for i in data.items] == [
        (f"/promotion/leads/{overdue.pk}/", "overdue"), (data.items[1].href, "due")]
    assert tile.build(policy.actor_for(make_user(Role.INVESTOR))) is None

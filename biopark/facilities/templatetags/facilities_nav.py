"""What the facilities sub-navigation offers: only pages the user may open (no link leads to a refusal)."""

from __future__ import annotations

from typing import Any

from django import template

from biopark.accounts import policy
from biopark.ecosystem.models import Organisation
from biopark.facilities import selectors
from biopark.facilities.permissions import STATEMENT

register = template.Library()


@register.simple_tag
def may_manage(user: Any) -> bool:
    """The manage page's own test: an administrator, or someone who manages at least one resource."""
    if not getattr(user, "is_authenticated", False):
        return False
    return policy.actor_for(user).is_admin or selectors.managed_resources(user=user).exists()


@register.simple_tag
def may_read_statements(user: Any) -> bool:
    """The statement page's own test (policy action STATEMENT): the user's organisation, else any billed
    organisation the user sees, must be one whose statement the policy lets this user read."""
    if not getattr(user, "is_authenticated", False):
        return False
    actor = policy.actor_for(user)
    own = Organisation.objects.filter(pk=actor.organisation_id).first() if actor.organisation_id else None
    if own is not None and policy.decide(user, STATEMENT, own):
        return True
    return any(policy.decide(user, STATEMENT, org) for org in selectors.billed_organisations(user=user).iterator())

"""What the facilities sub-navigation offers: only pages the user may open (no link leads to a refusal)."""

from __future__ import annotations

from typing import Any

from django import template

from biopark.accounts import policy
from biopark.facilities import selectors

register = template.Library()


@register.simple_tag
def may_manage(user: Any) -> bool:
    """The manage page's own test: an administrator, or someone who manages at least one resource."""
    if not getattr(user, "is_authenticated", False):
        return False
    return policy.actor_for(user).is_admin or selectors.managed_resources(user=user).exists()

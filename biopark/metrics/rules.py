"""Permission rules for indicators and observations (registered with the one policy module).

Everyone signed in reads (anonymous visitors too when any park has a public directory); park operators
and administrators write. Viewers and investors are the read-only analysts. An operator writes only
observations of its own park and the zones below it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.metrics.models import Indicator, Observation

READ_ACTIONS = (policy.VIEW, policy.EXPORT)


def read_decision(actor: policy.Actor) -> policy.Decision:
    if actor.is_authenticated:
        return policy.ALLOW
    if policy.public_park_ids():
        return policy.ALLOW
    return policy.refuse(_("sign in to see the competitiveness data"))


def writer_decision(actor: policy.Actor) -> policy.Decision:
    """May this actor write competitiveness data at all (before any per-object check)?"""
    if not actor.is_authenticated:
        return policy.refuse(_("sign in first"))
    if actor.is_admin:
        return policy.ALLOW
    if actor.role == Role.OPERATOR:
        return policy.ALLOW
    if actor.role in (Role.VIEWER, Role.INVESTOR):
        return policy.refuse(_("the %(role)s role may only read") % {"role": Role(actor.role).label})
    return policy.refuse(_("only park operators and administrators manage indicators, frameworks and runs"))


WRITE_ACTIONS = (policy.CREATE, policy.CHANGE, policy.DELETE, policy.IMPORT)


def indicator_rule(actor: policy.Actor, action: str, obj: Any) -> policy.Decision:
    if action in READ_ACTIONS:
        return read_decision(actor)
    if action not in WRITE_ACTIONS:
        return policy.refuse(_("not allowed"))
    return writer_decision(actor)


indicator_visible = policy.signed_in_or_public_filter  # read_decision's filter: signed in, or an open directory


def observation_rule(actor: policy.Actor, action: str, obj: Any) -> policy.Decision:
    if action in READ_ACTIONS:
        if not actor.is_authenticated and not isinstance(obj, type):
            # Anonymous visitors see the figures of parks with an open directory only.
            if obj.park_id in policy.public_park_ids():
                return policy.ALLOW
            return policy.refuse(_("sign in to see the competitiveness data"))
        return read_decision(actor)
    if action not in (*WRITE_ACTIONS, policy.MOVE):
        return policy.refuse(_("not allowed"))
    decision = writer_decision(actor)
    if not decision or actor.is_admin or isinstance(obj, type):
        return decision
    if not actor.park_scope:
        return policy.refuse(_("your operator account is not attached to a park"))
    if obj.park_id in actor.park_scope:
        return policy.ALLOW
    return policy.refuse(_("this observation is not about your park"))


def observation_visible(actor: policy.Actor) -> Q:
    if actor.is_authenticated:
        return Q()
    public = policy.public_park_ids()
    return Q(park_id__in=public) if public else policy.NOTHING


def register() -> None:
    """Called by MetricsConfig.ready."""
    policy.register_rule(
        Indicator, indicator_rule, visible=indicator_visible, actions=(*policy.BASIC_ACTIONS, policy.IMPORT)
    )
    policy.register_rule(
        Observation, observation_rule, visible=observation_visible, scope_fields=("park",),
        actions=(*policy.BASIC_ACTIONS, policy.IMPORT, policy.MOVE),
    )

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
from biopark.metrics.models import Indicator, Observation, ObservationRequest, Target

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


def target_rule(actor: policy.Actor, action: str, obj: Any) -> policy.Decision:
    """Targets read like the figures; an operator sets the targets of its own park and the zones below it."""
    if action in READ_ACTIONS:
        if not actor.is_authenticated and not isinstance(obj, type):
            if obj.park_id in policy.public_park_ids():
                return policy.ALLOW
            return policy.refuse(_("sign in to see the park's targets"))
        return read_decision(actor)
    if action not in (policy.CREATE, policy.CHANGE, policy.DELETE, policy.MOVE):
        return policy.refuse(_("not allowed"))
    if not actor.is_authenticated:
        return policy.refuse(_("sign in first"))
    if actor.is_admin:
        return policy.ALLOW
    if actor.role != Role.OPERATOR:
        return policy.refuse(_("only park operators and administrators set targets"))
    if not actor.park_scope:
        return policy.refuse(_("your operator account is not attached to a park"))
    if isinstance(obj, type) or obj.park_id in actor.park_scope:
        return policy.ALLOW
    return policy.refuse(_("this target is not about your park"))


target_visible = observation_visible  # the same rows: signed in, or a park with an open directory


def request_rule(actor: policy.Actor, action: str, obj: Any) -> policy.Decision:
    """Figure requests: the operator of the park asks, a member of the organisation asked reports."""
    if not actor.is_authenticated:
        return policy.refuse(_("sign in first"))
    if actor.is_admin:
        return policy.ALLOW
    operator = actor.role == Role.OPERATOR
    member = actor.role in (Role.ENTERPRISE_MEMBER, Role.PLATFORM_MANAGER) and actor.organisation_id is not None
    if action in (policy.CREATE, policy.DELETE):
        if not operator:
            return policy.refuse(_("only park operators ask organisations for figures"))
        if isinstance(obj, type) or obj.park_id in actor.park_scope:
            return policy.ALLOW
        return policy.refuse(_("this request is not about your park"))
    if action not in (policy.VIEW, policy.CHANGE):
        return policy.refuse(_("not allowed"))
    if isinstance(obj, type):
        return policy.ALLOW if operator or member else policy.refuse(_("figure requests are for operators and "
                                                                       "the organisations asked"))
    if operator and obj.park_id in actor.park_scope:
        return policy.ALLOW
    if member and obj.organisation_id == actor.organisation_id:
        return policy.ALLOW
    return policy.refuse(_("this figure request is not addressed to your organisation"))


def request_visible(actor: policy.Actor) -> Q:
    if actor.is_admin:
        return Q()
    if actor.role == Role.OPERATOR:
        return Q(park_id__in=actor.park_scope) if actor.park_scope else policy.NOTHING
    if actor.role in (Role.ENTERPRISE_MEMBER, Role.PLATFORM_MANAGER) and actor.organisation_id is not None:
        return Q(organisation_id=actor.organisation_id)
    return policy.NOTHING


def register() -> None:
    """Called by MetricsConfig.ready."""
    policy.register_rule(
        Indicator, indicator_rule, visible=indicator_visible, actions=(*policy.BASIC_ACTIONS, policy.IMPORT)
    )
    policy.register_rule(
        Observation, observation_rule, visible=observation_visible, scope_fields=("park",),
        actions=(*policy.BASIC_ACTIONS, policy.IMPORT, policy.MOVE),
    )
    policy.register_rule(
        Target, target_rule, visible=target_visible, scope_fields=("park",),
        actions=(*policy.BASIC_ACTIONS, policy.MOVE),
    )
    policy.register_rule(
        ObservationRequest, request_rule, visible=request_visible, scope_fields=("park", "organisation"),
        actions=(policy.VIEW, policy.CREATE, policy.CHANGE, policy.DELETE, policy.MOVE),
    )

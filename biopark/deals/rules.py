"""Who may record agreements, registered with the one policy in DealsConfig.ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from biopark.core.policy import (
    ALLOW,
    CHANGE,
    CREATE,
    DELETE,
    EXPORT,
    VIEW,
    Actor,
    Decision,
    refuse,
    register_rule,
    signed_in_filter,
)
from biopark.core.roles import Role
from biopark.deals.models import Agreement, AgreementParty, Event


def _agreement_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """Agreements: signed-in users read (today they are published signings); administrators and the
    operators of a party's park write."""
    agreement = getattr(obj, "agreement", obj)
    if action in (VIEW, EXPORT):
        return ALLOW if actor.is_authenticated else refuse(_("sign in first"))
    if action not in (CREATE, CHANGE, DELETE):
        return refuse(_("not allowed"))
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if actor.is_admin:
        return ALLOW
    if actor.role != Role.OPERATOR or not actor.park_scope:
        return refuse(_("only park operators and administrators record agreements"))
    if isinstance(agreement, type):
        return ALLOW
    parks = {agreement.park_id} if agreement.park_id else set()
    if agreement.pk:
        parks |= set(
            agreement.party_links.exclude(organisation__park__isnull=True).values_list(
                "organisation__park_id", flat=True
            )
        )
    return ALLOW if parks & actor.park_scope else refuse(_("this agreement is not in your park"))


def _event_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """Events: signed-in users read; administrators and the operators of the event's park write."""
    if action in (VIEW, EXPORT):
        return ALLOW if actor.is_authenticated else refuse(_("sign in first"))
    if action not in (CREATE, CHANGE, DELETE):
        return refuse(_("not allowed"))
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if actor.is_admin:
        return ALLOW
    if actor.role != Role.OPERATOR or not actor.park_scope:
        return refuse(_("only park operators and administrators record events"))
    if isinstance(obj, type):
        return ALLOW
    return ALLOW if obj.park_id in actor.park_scope else refuse(_("this event is not in your park"))


def register() -> None:
    register_rule(Event, _event_rule, visible=signed_in_filter)
    register_rule(Agreement, _agreement_rule, visible=signed_in_filter)
    register_rule(AgreementParty, _agreement_rule, visible=signed_in_filter)

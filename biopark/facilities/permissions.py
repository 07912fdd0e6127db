"""Who may do what to facilities records. Registered with the one permission policy
(biopark.accounts.policy.register_rule) in FacilitiesConfig.ready(), so every page, API handler, admin screen
and service asks `policy.decide(user, action, obj)` and gets a `Decision` with its reason.

- admin: everything;
- park operators: everything about resources of platforms in their park (and its zones);
- platform managers: resources of platforms their organisation operates (publish, approve, record usage, bill);
- enterprise members: book for their own organisation, see and cancel only their organisation's bookings.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from biopark.accounts.models import Role
from biopark.accounts.policy import (
    ALLOW,
    CHANGE,
    CREATE,
    DELETE,
    MOVE,
    NOTHING,
    VIEW,
    Actor,
    Decision,
    actor_for,
    prefixed,
    refuse,
    register_action,
    register_rule,
    signed_in_filter,
)
from biopark.ecosystem.models import Organisation
from biopark.facilities.models import (
    Booking,
    BookingSeries,
    BookingUnit,
    Outage,
    Qualification,
    Resource,
    UsageRecord,
    WaitlistEntry,
)

BOOK, CANCEL, APPROVE, RECORD_USAGE = "book", "cancel", "approve", "record_usage"
STATEMENT = "statement"
MANAGERS = (Role.ADMIN, Role.OPERATOR, Role.PLATFORM_MANAGER)


def manages(actor: Actor, resource: Resource) -> Decision:
    """May this actor manage the resource (its rules, outages, qualifications, approvals, usage)?"""
    if actor.is_admin:
        return ALLOW
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    platform = resource.platform
    if actor.role == Role.OPERATOR:
        if platform.park_id and platform.park_id in actor.park_scope:
            return ALLOW
        return refuse(_("this platform is not in your park"))
    if actor.role == Role.PLATFORM_MANAGER:
        if actor.organisation_id and platform.operator_id == actor.organisation_id:
            return ALLOW
        return refuse(_("your organisation does not operate this platform"))
    return refuse(_("only the platform's managers, the park's operators and administrators manage resources"))


def managed_q(actor: Actor) -> Q:
    """The resources `manages` allows, as a filter."""
    if actor.is_admin:
        return Q()
    if actor.role == Role.OPERATOR and actor.park_scope:
        return Q(platform__park_id__in=actor.park_scope)
    if actor.role == Role.PLATFORM_MANAGER and actor.organisation_id:
        return Q(platform__operator_id=actor.organisation_id)
    return NOTHING


def _class_manage(actor: Actor) -> Decision:
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if actor.role in MANAGERS or actor.is_admin:
        return ALLOW
    return refuse(_("only platform managers, park operators and administrators manage resources"))


def may_book(actor: Actor, resource: Resource | None, organisation_id: int | None) -> Decision:
    if not actor.is_authenticated:
        return refuse(_("sign in to book"))
    if actor.is_admin:
        return ALLOW
    if actor.role == Role.ENTERPRISE_MEMBER:
        if not actor.organisation_id:
            return refuse(_("your account is not attached to an organisation"))
        if organisation_id is not None and organisation_id != actor.organisation_id:
            return refuse(_("enterprise members book only for their own organisation"))
        return ALLOW
    if actor.role == Role.OPERATOR and resource is not None:
        return manages(actor, resource)
    if actor.role == Role.OPERATOR:
        return ALLOW if actor.park_scope else refuse(_("your operator account is not attached to a park"))
    return refuse(_("the %(role)s role may not book") % {"role": Role(actor.role or Role.VIEWER).label})


def resource_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if action == VIEW:
        return ALLOW if actor.is_authenticated else refuse(_("sign in to see the facilities"))
    if action == BOOK:
        return may_book(actor, None if isinstance(obj, type) else obj, None)
    if isinstance(obj, type):
        return _class_manage(actor)
    if action in (CREATE, CHANGE, DELETE):
        return manages(actor, obj)
    return refuse(_("not allowed"))


def booking_visible(actor: Actor) -> Q | None:
    """A filter for the bookings (or usage) this actor may see; None when none."""
    if actor.is_admin:
        return Q()
    if actor.role == Role.OPERATOR and actor.park_scope:
        return Q(resource__platform__park_id__in=actor.park_scope)
    if actor.role == Role.PLATFORM_MANAGER and actor.organisation_id:
        return Q(resource__platform__operator_id=actor.organisation_id)
    if actor.role == Role.ENTERPRISE_MEMBER and actor.organisation_id:
        return Q(organisation_id=actor.organisation_id)
    return None


def _sees_org_record(actor: Actor, obj: Any) -> Decision:
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if actor.role == Role.ENTERPRISE_MEMBER:
        if actor.organisation_id and obj.organisation_id == actor.organisation_id:
            return ALLOW
        return refuse(_("you see only your own organisation's bookings"))
    return manages(actor, obj.resource)


def booking_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if isinstance(obj, type):
        if action == VIEW:
            return ALLOW if booking_visible(actor) is not None else refuse(_("your role sees no bookings"))
        if action in (CREATE, BOOK):
            return may_book(actor, None, None)
        return refuse(_("choose a booking"))
    if action == VIEW:
        return _sees_org_record(actor, obj)
    if action in (CREATE, BOOK):
        return may_book(actor, obj.resource, obj.organisation_id)
    if action == CANCEL:
        if actor.role == Role.ENTERPRISE_MEMBER:
            return _sees_org_record(actor, obj)
        return manages(actor, obj.resource)
    if action in (APPROVE, RECORD_USAGE, CHANGE, DELETE):
        return manages(actor, obj.resource)
    return refuse(_("not allowed"))


def managed_child_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """Qualifications and outages: managed with their resource; readable by signed-in users."""
    if action == VIEW:
        return ALLOW if actor.is_authenticated else refuse(_("sign in first"))
    if isinstance(obj, type):
        return _class_manage(actor)
    return manages(actor, obj.resource)


def usage_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if isinstance(obj, type):
        if action == VIEW:
            return ALLOW if booking_visible(actor) is not None else refuse(_("your role sees no usage"))
        return _class_manage(actor)
    if action == VIEW:
        return _sees_org_record(actor, obj)
    return manages(actor, obj.resource)


def waitlist_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if isinstance(obj, type):
        return may_book(actor, None, None) if action == CREATE else booking_rule(actor, VIEW, Booking)
    if action == CREATE:
        return may_book(actor, obj.resource, obj.organisation_id)
    return _sees_org_record(actor, obj)


def may_view_statement(user: Any, organisation: Any) -> Decision:
    """Statements: an organisation's own members, its park's operators, admins; platform managers see the
    lines of their own platforms only (the selector filters)."""
    actor = actor_for(user)
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if actor.is_admin:
        return ALLOW
    if actor.role == Role.ENTERPRISE_MEMBER:
        if organisation.pk == actor.organisation_id:
            return ALLOW
        return refuse(_("you see only your own organisation's statement"))
    if actor.role == Role.OPERATOR:
        return ALLOW if actor.park_scope else refuse(_("your operator account is not attached to a park"))
    if actor.role == Role.PLATFORM_MANAGER and actor.organisation_id:
        return ALLOW
    return refuse(_("your role sees no statements"))


def org_records_visible(actor: Actor) -> Q:
    """Bookings, series, usage and wait-list entries: the filter of `_sees_org_record`."""
    condition = booking_visible(actor)
    return NOTHING if condition is None else condition  # Q() (everything) is falsy: no `or` here


def unit_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """Booked units are written with their booking by the services only; they are read with it."""
    if action != VIEW:
        return refuse(_("booked units change only with their booking"))
    if isinstance(obj, type):
        return booking_rule(actor, VIEW, Booking)
    return booking_rule(actor, VIEW, obj.booking)


def statement_decision(actor: Actor, organisation: Any) -> Decision:
    return may_view_statement(actor, organisation)


def register() -> None:
    basic = (VIEW, CREATE, CHANGE, DELETE)
    bookings = (*basic, BOOK, CANCEL, APPROVE, RECORD_USAGE, MOVE)
    register_rule(Resource, resource_rule, visible=signed_in_filter, scope_fields=("platform",), actions=(*basic, BOOK, MOVE))
    for model in (Booking, BookingSeries):
        register_rule(
            model, booking_rule, visible=org_records_visible, scope_fields=("resource", "organisation"), actions=bookings
        )
    register_rule(
        BookingUnit, unit_rule, visible=lambda actor: prefixed(org_records_visible(actor), "booking"), actions=(VIEW,)
    )
    children: tuple[type, ...] = (Qualification, Outage)
    for child in children:
        register_rule(child, managed_child_rule, visible=signed_in_filter, scope_fields=("resource",), actions=(*basic, MOVE))
    register_rule(
        UsageRecord, usage_rule, visible=org_records_visible, scope_fields=("resource", "organisation"), actions=(*basic, MOVE)
    )
    register_rule(WaitlistEntry, waitlist_rule, visible=org_records_visible, actions=basic)
    register_action(Organisation, STATEMENT, statement_decision)

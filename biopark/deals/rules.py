"""Who may see and record deals, registered with the one policy in DealsConfig.ready.

Agreements and IP assets carry a confidentiality:
- parties only: the members of a party (an IP asset's owners), the operators of its park, administrators;
- park: as above, plus every organisation of the same park tree;
- public: everyone, visitors who have not signed in included.
An agreement is "in a park" when its own park or the park of one of its parties lies in the operator's scope.
Writes: administrators; operators on deals in their park; enterprise members and platform managers on deals
their own organisation is a party to (owner of). Every decision below has its queryset filter beside it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.accounts.policy import ALLOW, Actor, Decision, refuse
from biopark.core.roles import Role
from biopark.deals.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    Confidentiality,
    Event,
    EventParticipant,
    IPAsset,
    LicenceTerms,
    Milestone,
    RoyaltyTier,
    Signatory,
)
from biopark.ecosystem.models import Organisation, Park

MEMBER_ROLES = (Role.ENTERPRISE_MEMBER, Role.PLATFORM_MANAGER)
WRITE_ACTIONS = (policy.CREATE, policy.CHANGE, policy.DELETE, policy.MOVE)


def member_parks(actor: Actor) -> frozenset[int]:
    """The park tree the actor's organisation sits in (every zone of its top-level park)."""
    cached = getattr(actor, "_deals_parks", None)
    if cached is not None:
        return cached
    parks: frozenset[int] = frozenset()
    if actor.organisation_id:
        park_id = Organisation.objects.filter(pk=actor.organisation_id).values_list("park_id", flat=True).first()
        if park_id:
            parents = dict(Park.objects.values_list("id", "parent_id"))
            root, seen = park_id, set()
            while parents.get(root) is not None and root not in seen:
                seen.add(root)
                root = parents[root]
            parks = policy.park_subtree(root)
    actor._deals_parks = parks  # type: ignore[attr-defined]
    return parks


# --- agreements and IP assets: one shape, "parties" being an agreement's parties or an asset's owners ---------


def _parties(obj: Any) -> tuple[set[int], set[int]]:
    """The organisations on a deal and their parks (read from the database: the state as saved)."""
    if obj.pk is None:
        return set(), set()
    rows: Any
    if isinstance(obj, Agreement):
        rows = AgreementParty.objects.filter(agreement_id=obj.pk).values_list("organisation_id", "organisation__park_id")
    else:
        rows = IPAsset.owners.through.objects.filter(ipasset_id=obj.pk).values_list(
            "organisation_id", "organisation__park_id"
        )
    orgs, parks = set(), set()
    for org, park in rows:
        orgs.add(org)
        if park:
            parks.add(park)
    return orgs, parks


def _in_scope(actor: Actor, obj: Any, party_parks: set[int]) -> bool:
    return actor.role == Role.OPERATOR and bool(({obj.park_id} | party_parks) & actor.park_scope)


def deal_view(actor: Actor, obj: Any) -> Decision:
    if obj.confidentiality == Confidentiality.PUBLIC:
        return ALLOW
    if not actor.is_authenticated:
        return refuse(_("this deal is not public; sign in"))
    if actor.is_admin:
        return ALLOW
    orgs, parks = _parties(obj)
    if actor.organisation_id and actor.organisation_id in orgs:
        return ALLOW
    if _in_scope(actor, obj, parks):
        return ALLOW
    if obj.confidentiality == Confidentiality.PARK and obj.park_id and obj.park_id in member_parks(actor):
        return ALLOW
    return refuse(_("this deal is confidential to its parties"))


def deal_change(actor: Actor, obj: Any) -> Decision:
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if actor.is_admin:
        return ALLOW
    orgs, parks = _parties(obj)
    if actor.role == Role.OPERATOR:
        if obj.pk is None and obj.park_id is None:
            return ALLOW  # a new deal is placed once its parties are known; the service asks again then
        return ALLOW if _in_scope(actor, obj, parks) else refuse(_("this deal is not in your park"))
    if actor.role in MEMBER_ROLES and actor.organisation_id:
        if obj.pk is None or actor.organisation_id in orgs:
            return ALLOW
        return refuse(_("only the parties to a deal and the park's operators may change it"))
    return refuse(_("the %(role)s role may only read") % {"role": Role(actor.role or Role.VIEWER).label})


def deal_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if isinstance(obj, type):
        if action in (policy.VIEW, policy.EXPORT):
            return ALLOW
        if action == policy.CREATE:
            if actor.is_admin or (actor.role == Role.OPERATOR and actor.park_scope):
                return ALLOW
            if actor.role in MEMBER_ROLES and actor.organisation_id:
                return ALLOW
            return refuse(_("park operators, parties' members and administrators record deals"))
        return refuse(_("choose a record"))
    if action in (policy.VIEW, policy.EXPORT):
        return deal_view(actor, obj)
    if action in WRITE_ACTIONS:
        return deal_change(actor, obj)
    return refuse(_("not allowed"))


def deal_filter(model: Any, party: str) -> policy.Visible:
    """The same answer as `deal_view`, as a queryset filter."""

    def visible(actor: Actor) -> Q:
        if actor.is_admin:
            return Q()
        q = Q(confidentiality=Confidentiality.PUBLIC)
        if not actor.is_authenticated:
            return q
        if actor.organisation_id:
            q |= Q(**{f"{party}__id": actor.organisation_id})
        if actor.role == Role.OPERATOR and actor.park_scope:
            scope = sorted(actor.park_scope)
            q |= Q(park_id__in=scope) | Q(**{f"{party}__park_id__in": scope})
        parks = member_parks(actor)
        if parks:
            q |= Q(confidentiality=Confidentiality.PARK, park_id__in=sorted(parks))
        # Through a many-valued relation: one row per deal, whatever the number of matching parties.
        return Q(pk__in=model.objects.filter(q).values("pk"))

    return visible


agreement_visible = deal_filter(Agreement, "party_links__organisation")
ip_visible = deal_filter(IPAsset, "owners")


def child_rule(parent_of: Any) -> policy.Rule:
    """Parties, signatories, documents and licence terms follow their agreement."""

    def rule(actor: Actor, action: str, obj: Any) -> Decision:
        if isinstance(obj, type):
            return ALLOW if action == policy.VIEW else refuse(_("choose an agreement"))
        parent = parent_of(obj)
        return deal_rule(actor, policy.VIEW if action in (policy.VIEW, policy.EXPORT) else policy.CHANGE, parent)

    return rule


# --- events ------------------------------------------------------------------------------------------------


def _event_public(event: Event) -> bool:
    if event.visibility == "public":
        return True
    return event.pk is not None and Agreement.objects.filter(
        event_id=event.pk, confidentiality=Confidentiality.PUBLIC).exists()


def event_audience(event: Event) -> str:
    """Who may read the event, in words, for its page (follows `event_rule`)."""
    if event.visibility == "public":
        return _("everyone, visitors who are not signed in included")
    if _event_public(event):
        return _("everyone (the event is confidential, but a public agreement was signed there)")
    return _("administrators, the operators of its park, the organisations of its park and the organisers; "
             "not viewers or visitors")


def _event_reader(actor: Actor, event: Event) -> bool:
    """Who reads a confidential event: administrators, the operators of its park, the organisers' members, and
    the organisations of its park tree (viewers and visitors never)."""
    if actor.is_admin:
        return True
    if actor.role == Role.OPERATOR:
        return event.park_id in actor.park_scope
    if actor.role == Role.VIEWER or not actor.organisation_id:
        return False
    if event.park_id and event.park_id in member_parks(actor):
        return True
    return event.pk is not None and Event.organisers.through.objects.filter(
        event_id=event.pk, organisation_id=actor.organisation_id).exists()


def event_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """Events: public ones (marked public, or where a public agreement was signed) everyone reads, visitors
    included; confidential ones their readers (`_event_reader`); administrators and the operators of the
    event's park write. Its queryset filter is `event_visible`, just below."""
    if action in (policy.VIEW, policy.EXPORT):
        if isinstance(obj, type):
            return ALLOW  # the list: narrowed row by row by `event_visible`
        event = getattr(obj, "event", obj)
        if _event_public(event):
            return ALLOW
        if not actor.is_authenticated:
            return refuse(_("this event is not public; sign in"))
        return ALLOW if _event_reader(actor, event) else refuse(_("this event is confidential"))
    if action not in WRITE_ACTIONS:
        return refuse(_("not allowed"))
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if actor.is_admin:
        return ALLOW
    if actor.role != Role.OPERATOR or not actor.park_scope:
        return refuse(_("only park operators and administrators record events"))
    if isinstance(obj, type):
        return ALLOW
    event = getattr(obj, "event", obj)
    return ALLOW if event.park_id in actor.park_scope else refuse(_("this event is not in your park"))


def event_visible(actor: Actor) -> Q:
    """The events `event_rule` lets the actor read, as a filter (no join: subqueries, so no duplicate rows)."""
    public = Q(visibility="public") | Q(pk__in=Agreement.objects.filter(
        confidentiality=Confidentiality.PUBLIC, event__isnull=False).values("event_id"))
    if not actor.is_authenticated:
        return public
    if actor.is_admin:
        return Q()
    if actor.role == Role.OPERATOR:
        return public | Q(park_id__in=actor.park_scope)
    if actor.role == Role.VIEWER or not actor.organisation_id:
        return public
    organised = Event.organisers.through.objects.filter(organisation_id=actor.organisation_id).values("event_id")
    return public | Q(park_id__in=member_parks(actor)) | Q(pk__in=organised)


def register() -> None:
    actions = (*policy.BASIC_ACTIONS, policy.MOVE)
    policy.register_rule(Event, event_rule, visible=event_visible, scope_fields=("park", "visibility"),
                         actions=actions)
    policy.register_rule(EventParticipant, event_rule,
                         visible=lambda actor: policy.prefixed(event_visible(actor), "event"))
    policy.register_rule(
        Agreement, deal_rule, visible=agreement_visible, scope_fields=("park", "confidentiality"), actions=actions
    )
    policy.register_rule(
        IPAsset, deal_rule, visible=ip_visible, scope_fields=("park", "confidentiality"), actions=actions
    )
    by_agreement = lambda actor: policy.prefixed(agreement_visible(actor), "agreement")  # noqa: E731
    children: tuple[type, ...] = (AgreementParty, Signatory, AgreementDocument, LicenceTerms)
    for child in children:
        policy.register_rule(child, child_rule(lambda obj: obj.agreement), visible=by_agreement)
    for child in (Milestone, RoyaltyTier):  # type: ignore[assignment]
        policy.register_rule(
            child, child_rule(lambda obj: obj.terms.agreement),
            visible=lambda actor: policy.prefixed(agreement_visible(actor), "terms__agreement"),
        )

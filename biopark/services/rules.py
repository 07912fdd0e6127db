"""Permissions of the service desk, registered with the one policy (biopark.accounts.policy), and THE
transition policy of service requests: who may move a request from which state to which, with the reason
of every refusal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.accounts.policy import ALLOW, Actor, Decision, refuse
from biopark.services.models import Attachment, RequestEvent, Service, ServiceRequest, State, state_label

MEMBER_ROLES = (Role.ENTERPRISE_MEMBER, Role.PLATFORM_MANAGER)
DESK = "desk"
ADMIN, OPERATOR, PROVIDER, REQUESTER = "admin", "operator", "provider", "requester"


def parties(actor: Actor, request: Any) -> set[str]:
    """The hats the actor wears for this request."""
    found: set[str] = set()
    if not actor.is_authenticated:
        return found
    if actor.is_admin:
        found.add(ADMIN)
    if actor.role == Role.OPERATOR and request.park_id and request.park_id in actor.park_scope:
        found.add(OPERATOR)
    if actor.role in MEMBER_ROLES and actor.organisation_id:
        if actor.organisation_id == request.provider_organisation_id:
            found.add(PROVIDER)
        if actor.organisation_id == request.requester_organisation_id:
            found.add(REQUESTER)
    return found


@dataclass(frozen=True)
class Step:
    allowed: frozenset[str]
    needs_reason: bool = False


S = State
STAFF = frozenset({ADMIN, OPERATOR, PROVIDER})


class TransitionPolicy:
    """The one table of request transitions. `check` answers with a Decision carrying the refusal reason."""

    steps: dict[tuple[str, str], Step] = {
        (S.SUBMITTED, S.ACCEPTED): Step(STAFF),
        (S.SUBMITTED, S.REJECTED): Step(STAFF, needs_reason=True),
        (S.ACCEPTED, S.IN_PROGRESS): Step(STAFF),
        (S.ACCEPTED, S.REJECTED): Step(STAFF, needs_reason=True),
        (S.IN_PROGRESS, S.DELIVERED): Step(STAFF),
        (S.DELIVERED, S.CLOSED): Step(frozenset({ADMIN, OPERATOR, REQUESTER})),
        (S.DELIVERED, S.IN_PROGRESS): Step(frozenset({ADMIN, OPERATOR, REQUESTER}), needs_reason=True),
        (S.SUBMITTED, S.WITHDRAWN): Step(frozenset({REQUESTER})),
        (S.ACCEPTED, S.WITHDRAWN): Step(frozenset({REQUESTER})),
        (S.SUBMITTED, S.CANCELLED): Step(frozenset({ADMIN, OPERATOR}), needs_reason=True),
        (S.ACCEPTED, S.CANCELLED): Step(frozenset({ADMIN, OPERATOR}), needs_reason=True),
        (S.IN_PROGRESS, S.CANCELLED): Step(frozenset({ADMIN, OPERATOR}), needs_reason=True),
    }
    labels = {
        ADMIN: gettext_lazy("an administrator"),
        OPERATOR: gettext_lazy("the park operator"),
        PROVIDER: gettext_lazy("the provider"),
        REQUESTER: gettext_lazy("the requesting enterprise"),
    }

    def targets(self, state: str) -> list[str]:
        return [to for (frm, to) in self.steps if frm == state]

    def check(self, actor: Any, request: Any, to_state: str, *, reason: str = "") -> Decision:
        actor = policy.actor_for(actor)
        if to_state not in State.values:
            return refuse(
                _("unknown state %(value)s; known: %(known)s")
                % {"value": repr(to_state), "known": ", ".join(str(label) for label in State.labels)}
            )
        step = self.steps.get((request.state, to_state))
        if step is None:
            options = ", ".join(state_label(s) for s in self.targets(request.state)) or _(
                "none (the request is finished)"
            )
            return refuse(
                _("a request in state %(state)s cannot become %(to)s; possible: %(options)s")
                % {"state": state_label(request.state), "to": state_label(to_state), "options": options}
            )
        hats = parties(actor, request)
        if not hats & step.allowed:
            who = _(" or ").join(str(self.labels[p]) for p in sorted(step.allowed))
            return refuse(
                _("only %(who)s may move a request in state %(state)s to %(to)s")
                % {"who": who, "state": state_label(request.state), "to": state_label(to_state)}
            )
        if step.needs_reason and not reason.strip():
            return refuse(_("moving to %(to)s needs a reason") % {"to": state_label(to_state)})
        return ALLOW

    def allowed_targets(self, actor: Any, request: Any) -> list[str]:
        """The states this actor may move the request to (reasons aside), for buttons."""
        actor = policy.actor_for(actor)
        hats = parties(actor, request)
        return [to for (frm, to), step in self.steps.items() if frm == request.state and hats & step.allowed]


TRANSITIONS = TransitionPolicy()


def service_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if action == policy.VIEW:
        return ALLOW
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if actor.is_admin:
        return ALLOW
    if isinstance(obj, type):
        if action == policy.CREATE and actor.role in (Role.OPERATOR, Role.PLATFORM_MANAGER):
            return ALLOW
        return refuse(_("only park operators, platform managers and administrators edit the catalogue"))
    if actor.role == Role.OPERATOR:
        if obj.park_id and obj.park_id in actor.park_scope:
            return ALLOW
        return refuse(_("this service is not in your park"))
    if (
        actor.role == Role.PLATFORM_MANAGER
        and actor.organisation_id
        and obj.provider_org_id == actor.organisation_id
    ):
        return ALLOW
    return refuse(_("only the provider, its park's operators and administrators edit this service"))


def request_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if isinstance(obj, type):
        if action == policy.VIEW:
            return ALLOW
        if action == DESK:
            if actor.is_admin or (actor.role == Role.OPERATOR and actor.park_scope):
                return ALLOW
            return refuse(_("the service desk is for park operators and administrators"))
        if action == policy.CREATE:
            if actor.role in MEMBER_ROLES and actor.organisation_id:
                return ALLOW
            return refuse(_("service requests are made by members of an enterprise"))
        return refuse(_("choose a request"))
    if action == policy.CREATE:
        if actor.role in MEMBER_ROLES and actor.organisation_id == obj.requester_organisation_id:
            return ALLOW
        return refuse(_("service requests are made by members of an enterprise, for their own organisation"))
    hats = parties(actor, obj)
    if not hats:
        return refuse(_("this request is not yours, not addressed to you and not in your park"))
    if action == policy.VIEW or action == policy.CHANGE:
        return ALLOW
    if action == policy.MOVE:
        # Routing a request to another provider or park is the desk's job.
        return ALLOW if hats & {ADMIN, OPERATOR} else refuse(_("only the park's desk routes a request elsewhere"))
    return refuse(_("not allowed"))


def visible_q(actor: Actor) -> Q | None:
    if actor.is_admin:
        return None
    if not actor.is_authenticated:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    if actor.role == Role.OPERATOR and actor.park_scope:
        q |= Q(park_id__in=actor.park_scope)
    if actor.role in MEMBER_ROLES and actor.organisation_id:
        q |= Q(requester_organisation_id=actor.organisation_id) | Q(
            provider_organisation_id=actor.organisation_id
        )
    return q


def visible_filter(actor: Actor) -> Q:
    condition = visible_q(actor)
    return Q() if condition is None else condition


def request_child_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """Comments, events and attachments follow their request: seen by its parties, added by them through
    the services."""
    if action not in (policy.VIEW, policy.CREATE):
        return refuse(_("the history of a request cannot be edited"))
    if isinstance(obj, type):
        return request_rule(actor, policy.VIEW, ServiceRequest)
    return request_rule(actor, policy.VIEW, obj.request)


def register() -> None:
    basic = (policy.VIEW, policy.CREATE, policy.CHANGE, policy.DELETE)
    policy.register_rule(
        Service, service_rule, visible=lambda actor: Q(), scope_fields=("park", "provider_organisation"),
        actions=(*basic, policy.MOVE),
    )
    policy.register_rule(
        ServiceRequest, request_rule, visible=visible_filter,
        scope_fields=("park", "requester_organisation", "provider_organisation"),
        actions=(policy.VIEW, policy.CREATE, policy.CHANGE, DESK, policy.MOVE),
    )
    for child in (RequestEvent, Attachment):
        policy.register_rule(
            child, request_child_rule, visible=lambda actor: policy.prefixed(visible_filter(actor), "request"),
            actions=(policy.VIEW, policy.CREATE),
        )

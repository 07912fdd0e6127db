"""Permission rules for projects, registered with the one policy (biopark.accounts.policy) by the app config.

Who sees a project: its organisation's members; the operators of its park (and of the parks it is nested in);
everybody in the same park tree when it is shared with the park; everybody when it is public; administrators.
Who changes it: its organisation's members (enterprise members and platform managers), its park's operators,
administrators.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.accounts.policy import ALLOW, Actor, Decision, refuse
from biopark.ecosystem.models import Organisation, Park
from biopark.pipeline.models import Indication, Project, StageEvent

PORTFOLIO = "portfolio"
MEMBER_ROLES = (Role.ENTERPRISE_MEMBER, Role.PLATFORM_MANAGER)


def _root(park_id: int) -> int:
    parents = dict(Park.objects.values_list("id", "parent_id"))
    current = park_id
    seen = set()
    while parents.get(current) is not None and current not in seen:
        seen.add(current)
        current = parents[current]
    return current


def member_parks(actor: Actor) -> frozenset[int]:
    """The park tree the actor's organisation sits in (every zone of its top-level park)."""
    cached = getattr(actor, "_pipeline_parks", None)
    if cached is not None:
        return cached
    parks: frozenset[int] = frozenset()
    if actor.organisation_id:
        park_id = (
            Organisation.objects.filter(pk=actor.organisation_id).values_list("park_id", flat=True).first()
        )
        if park_id:
            parks = policy.park_subtree(_root(park_id))
    actor._pipeline_parks = parks  # type: ignore[attr-defined]
    return parks


def project_view(actor: Actor, project: Any) -> Decision:
    if project.visibility == "public":
        return ALLOW
    if not actor.is_authenticated:
        return refuse(_("this project is not public; sign in"))
    if actor.is_admin:
        return ALLOW
    if actor.organisation_id and project.organisation_id == actor.organisation_id:
        return ALLOW
    if actor.role == Role.OPERATOR and project.park_id in actor.park_scope:
        return ALLOW
    if project.visibility == "park" and project.park_id and project.park_id in member_parks(actor):
        return ALLOW
    return refuse(_("this project is private to its organisation"))


def project_change(actor: Actor, project: Any) -> Decision:
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if actor.is_admin:
        return ALLOW
    if actor.role == Role.OPERATOR:
        if project.park_id and project.park_id in actor.park_scope:
            return ALLOW
        return refuse(_("this project is not in your park"))
    if actor.role in MEMBER_ROLES:
        if actor.organisation_id and project.organisation_id == actor.organisation_id:
            return ALLOW
        return refuse(_("only the project's own organisation may change it"))
    return refuse(_("the %(role)s role may only read") % {"role": Role(actor.role or Role.VIEWER).label})


def project_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if action not in (policy.VIEW, policy.CREATE, policy.CHANGE, policy.DELETE, policy.MOVE, PORTFOLIO, policy.EXPORT):
        return refuse(_("not allowed"))
    if isinstance(obj, type):
        if action == policy.VIEW:
            return ALLOW
        if action == PORTFOLIO or action == policy.EXPORT:
            if actor.is_admin or (actor.role == Role.OPERATOR and actor.park_scope):
                return ALLOW
            return refuse(_("the portfolio is for park operators and administrators"))
        if action == policy.CREATE:
            if actor.is_admin or actor.role == Role.OPERATOR or actor.role in MEMBER_ROLES:
                return ALLOW
            return refuse(_("sign in as an enterprise member or a park operator to register projects"))
        return refuse(_("choose a project"))
    if action == policy.VIEW:
        return project_view(actor, obj)
    return project_change(actor, obj)


def child_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """Indications and stage events follow their project."""
    if action not in (policy.VIEW, policy.CREATE, policy.CHANGE, policy.DELETE):
        return refuse(_("not allowed"))
    if isinstance(obj, type):
        return ALLOW if action == policy.VIEW else refuse(_("choose a project"))
    return project_rule(actor, policy.VIEW if action == policy.VIEW else policy.CHANGE, obj.project)


def visible_q(actor: Actor) -> Q | None:
    """The same answer as `project_view`, as a queryset filter; None means everything."""
    if actor.is_admin:
        return None
    q = Q(visibility="public")
    if not actor.is_authenticated:
        return q
    if actor.organisation_id:
        q |= Q(organisation_id=actor.organisation_id)
    if actor.role == Role.OPERATOR and actor.park_scope:
        q |= Q(park_id__in=actor.park_scope)
    parks = member_parks(actor)
    if parks:
        q |= Q(visibility="park", park_id__in=parks)
    return q


def visible_filter(actor: Actor) -> Q:
    condition = visible_q(actor)
    return Q() if condition is None else condition


def register() -> None:
    policy.register_rule(
        Project, project_rule, visible=visible_filter, scope_fields=("organisation", "park", "visibility"),
        actions=(*policy.BASIC_ACTIONS, policy.MOVE, PORTFOLIO),
    )
    for child in (Indication, StageEvent):
        policy.register_rule(
            child, child_rule, visible=lambda actor: policy.prefixed(visible_filter(actor), "project"),
            actions=(policy.VIEW, policy.CREATE, policy.CHANGE, policy.DELETE),
        )

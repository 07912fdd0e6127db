"""The one permission policy: may this user do this to this object? Every page, API handler, admin
screen and service asks here, and a refusal carries its reason.

Registry rules live here. Other apps add the rules for their own models with `register_rule`, so the
question is still asked in one place and answered with the same `Decision`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from biopark.accounts.models import Role
from biopark.core.errors import PermissionRefused
from biopark.ecosystem.models import Organisation, Park, Person, Platform, Relation

VIEW, CREATE, CHANGE, DELETE, IMPORT, EXPORT = "view", "create", "change", "delete", "import", "export"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def refuse(reason: str) -> Decision:
    return Decision(False, reason)


@dataclass
class Actor:
    """What the policy needs to know about a user, computed once per request."""

    user: Any = None
    role: str | None = None
    organisation_id: int | None = None
    park_id: int | None = None
    park_scope: frozenset[int] = field(default_factory=frozenset)
    system: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.system or self.role is not None

    @property
    def is_admin(self) -> bool:
        return self.system or self.role == Role.ADMIN


SYSTEM = Actor(system=True)


def user_of(actor: Any) -> Any:
    """The Django user behind an actor (None for the system): what history rows record as "who"."""
    return actor.user if isinstance(actor, Actor) else actor


def park_subtree(root_id: int) -> frozenset[int]:
    """The park and every zone nested below it."""
    rows = list(Park.objects.values_list("id", "parent_id"))
    children: dict[int | None, list[int]] = {}
    for pid, parent in rows:
        children.setdefault(parent, []).append(pid)
    found, stack = set(), [root_id]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, []))
    return frozenset(found)


def public_park_ids() -> frozenset[int]:
    """Parks whose directory is open, with everything nested below them."""
    ids: set[int] = set()
    for pid in Park.objects.filter(public_directory=True).values_list("id", flat=True):
        ids |= park_subtree(pid)
    return frozenset(ids)


def actor_for(user: Any) -> Actor:
    """The Actor of a Django user (anonymous users give an Actor with no role). Cached on the user."""
    if isinstance(user, Actor):
        return user
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(user=user)
    cached = getattr(user, "_biopark_actor", None)
    if cached is not None:
        return cached
    try:
        profile = user.profile
    except Exception:  # no profile yet: a superuser made by createsuperuser, say
        profile = None
    if profile is None:
        role = Role.ADMIN if user.is_superuser else Role.VIEWER
        actor = Actor(user=user, role=role)
    else:
        role = Role.ADMIN if user.is_superuser else profile.role
        scope = park_subtree(profile.park_id) if profile.park_id else frozenset()
        actor = Actor(
            user=user,
            role=role,
            organisation_id=profile.organisation_id,
            park_id=profile.park_id,
            park_scope=scope,
        )
    user._biopark_actor = actor
    return actor


# --- which parks a record belongs to ------------------------------------------------------------


def parks_of(obj: Any) -> set[int]:
    if isinstance(obj, Park):
        return {obj.pk} if obj.pk else ({obj.parent_id} if obj.parent_id else set())
    if isinstance(obj, Organisation | Platform):
        return {obj.park_id} if obj.park_id else set()
    if isinstance(obj, Person):
        if not obj.pk:
            return set()
        return set(
            obj.positions.exclude(organisation__park__isnull=True).values_list("organisation__park_id", flat=True)
        )
    if isinstance(obj, Relation):
        from biopark.ecosystem.selectors import entity_model

        found: set[int] = set()
        for etype, eid in ((obj.subject_type, obj.subject_id), (obj.object_type, obj.object_id)):
            target = entity_model(etype)._default_manager.filter(pk=eid).first()
            if target is not None:
                found |= parks_of(target)
        return found
    park_id = getattr(obj, "park_id", None)
    return {park_id} if park_id else set()


# --- rules ------------------------------------------------------------------------------------

Rule = Callable[[Actor, str, Any], Decision]
_rules: dict[type, Rule] = {}


def register_rule(model: type, rule: Rule) -> None:
    """Let an app decide for its own model; the registry rules below are the defaults."""
    _rules[model] = rule


def _registry_rule(actor: Actor, action: str, obj: Any) -> Decision:
    model = obj if isinstance(obj, type) else type(obj)
    if action == VIEW:
        if actor.is_authenticated:
            return ALLOW
        if isinstance(obj, type):
            return ALLOW if public_park_ids() else refuse("sign in to see the registry")
        return ALLOW if is_public(obj) else refuse("this record is not in a public directory; sign in")
    if not actor.is_authenticated:
        return refuse("sign in first")
    if actor.is_admin:
        return ALLOW
    if action == EXPORT:
        return ALLOW
    role = actor.role
    if role in (Role.VIEWER, Role.INVESTOR):
        return refuse(f"the {Role(role).label} role may only read")
    if action == IMPORT:
        return ALLOW if role == Role.OPERATOR else refuse("only park operators and administrators import")
    if role == Role.OPERATOR:
        if not actor.park_scope:
            return refuse("your operator account is not attached to a park")
        if isinstance(obj, type):
            return ALLOW if action == CREATE else refuse("choose a record")
        if model is Person and action != DELETE:
            parks = parks_of(obj)
            # People belong to no park until a position ties them to one; an operator may curate them.
            if not parks or parks & actor.park_scope:
                return ALLOW
            return refuse("this person holds no position in your park")
        if model is Park and action in (CHANGE, CREATE) and obj.pk == actor.park_id:
            return ALLOW
        parks = parks_of(obj)
        if parks & actor.park_scope:
            return ALLOW
        return refuse("this record is not in your park")
    if role == Role.ENTERPRISE_MEMBER:
        if model is Organisation and action == CHANGE and obj.pk and obj.pk == actor.organisation_id:
            return ALLOW
        return refuse("enterprise members may edit only their own organisation's profile")
    if role == Role.PLATFORM_MANAGER:
        if model is Platform and action == CHANGE and obj.operator_id and obj.operator_id == actor.organisation_id:
            return ALLOW
        if model is Organisation and action == CHANGE and obj.pk and obj.pk == actor.organisation_id:
            return ALLOW
        return refuse("platform managers may edit only the platforms their organisation operates")
    return refuse("not allowed")


def is_public(obj: Any) -> bool:
    public = public_park_ids()
    if not public:
        return False
    parks = parks_of(obj)
    # Records tied to no park (a partner abroad, a person with no position) are shown in an open
    # directory alongside the park records that mention them.
    return not parks or bool(parks & public)


def public_filter(model: type) -> Q | None:
    """A queryset filter for what anonymous visitors may list; None when nothing is public."""
    public = public_park_ids()
    if not public:
        return None
    if model in (Organisation, Platform):
        return Q(park__isnull=True) | Q(park__in=public)
    if model is Park:
        return Q(pk__in=public)
    if model is Person:
        return Q(positions__organisation__park__in=public) | ~Q(positions__organisation__park__isnull=False)
    return Q()


def decide(user: Any, action: str, obj: Any) -> Decision:
    """May `user` do `action` to `obj` (an instance, or a model class for list/create)?"""
    actor = actor_for(user)
    model = obj if isinstance(obj, type) else type(obj)
    rule = _rules.get(model, _registry_rule)
    return rule(actor, action, obj)


def require(user: Any, action: str, obj: Any) -> None:
    decision = decide(user, action, obj)
    if not decision.allowed:
        raise PermissionRefused(decision.reason)

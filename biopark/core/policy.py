"""The permission core: may this user do this to this object? Every page, API handler, admin screen and
service asks here, and a refusal carries its reason.

Deny by default: each app registers the rule of its own models (with `register_rule`, in its AppConfig.ready,
the queryset filter beside the decision), so the question is asked in one place and answered with the same
`Decision`, while this module imports no app. What it needs to know about parks (the zones below a park, the
parks whose directory is open) the registry tells it through `register_park_tree`. Apps import it as
`biopark.accounts.policy`, which adds the rules of accounts' own models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from biopark.core.errors import PermissionRefused
from biopark.core.roles import Role

__all__ = [
    "ALLOW", "BASIC_ACTIONS", "CHANGE", "CREATE", "DELETE", "EXPORT", "IMPORT", "LINK", "MOVE", "NOTHING", "SYSTEM",
    "VIEW", "Actor", "Decision", "Rule", "RuleSet", "Visible", "actor_for", "admin_only_rule", "admin_visible",
    "decide", "forget_park_tree", "has_rule", "or_nothing", "own_rows", "park_subtree", "prefixed", "public_park_ids", "refuse",
    "register_action", "register_park_tree", "register_rule", "request_memo", "require", "require_write", "rule_set",
    "scope_changes", "signed_in_filter", "signed_in_or_public_filter", "signed_in_reads", "user_of",
    "visible_filter",
]

VIEW, CREATE, CHANGE, DELETE, IMPORT, EXPORT = "view", "create", "change", "delete", "import", "export"
# Changing a field that places a record in a scope (its park, parent, organisation); naming a record at the
# end of a position or relation.
MOVE, LINK = "move", "link"


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


# --- parks: the registry tells the policy how its parks nest and which directories are open ---------------


@dataclass(frozen=True)
class _ParkTree:
    subtree: Callable[[int], frozenset[int]]
    public: Callable[[], frozenset[int]]


# Until the registry registers its tree (in EcosystemConfig.ready) a park has no zones and no park is public.
_park_tree = _ParkTree(subtree=lambda root_id: frozenset({root_id}), public=lambda: frozenset())


def register_park_tree(*, subtree: Callable[[int], frozenset[int]], public: Callable[[], frozenset[int]]) -> None:
    """Let the app that owns parks say which parks lie below a park and which parks are open to visitors."""
    global _park_tree
    _park_tree = _ParkTree(subtree=subtree, public=public)


# Within one request the park tree is read once: a page asks for it in its navigation, in each rule it applies
# and in each queryset filter (an anonymous visitor's page asked the database fifteen times). Outside a
# request (a worker, a command, a test between requests) every call reads the table. A park written during
# the request empties the memo (the registry's save and delete receivers call forget_park_tree).
_tree_memo: ContextVar[dict[Any, frozenset[int]] | None] = ContextVar("biopark_park_tree_memo", default=None)


@contextmanager
def request_memo() -> Iterator[None]:
    """Remember the park tree until the block ends (biopark.core.middleware.RequestMemo: one request)."""
    token = _tree_memo.set({})
    try:
        yield
    finally:
        _tree_memo.reset(token)


def forget_park_tree() -> None:
    memo = _tree_memo.get()
    if memo is not None:
        memo.clear()


def _remembered(key: Any, read: Callable[[], frozenset[int]]) -> frozenset[int]:
    memo = _tree_memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def park_subtree(root_id: int) -> frozenset[int]:
    """The park and every zone nested below it."""
    return _remembered(("subtree", root_id), lambda: _park_tree.subtree(root_id))


def public_park_ids() -> frozenset[int]:
    """Parks whose directory is open, with everything nested below them."""
    return _remembered("public", _park_tree.public)


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


# --- rules ------------------------------------------------------------------------------------

Rule = Callable[[Actor, str, Any], Decision]
# What an actor may see of a model, as a queryset filter: the same answer as the rule's VIEW decision.
Visible = Callable[[Actor], Q]
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class RuleSet:
    """The rule of one model: its object decision and, next to it, its queryset filter."""

    decide: Rule
    visible: Visible
    # Fields that place the record in a scope (a park, an organisation, a visibility). Changing one is a
    # MOVE, decided on the record as it is and as it would be, on top of CHANGE.
    scope_fields: frozenset[str] = frozenset()
    # The actions the rule decides; any other is refused before the rule is asked.
    actions: frozenset[str] = frozenset()


BASIC_ACTIONS = (VIEW, CREATE, CHANGE, DELETE, EXPORT)
_rules: dict[type, RuleSet] = {}
# Actions another app adds to a model it does not own (facilities' statements of an organisation).
_extra_actions: dict[tuple[type, str], Callable[[Actor, Any], Decision]] = {}


def register_rule(
    model: type,
    rule: Rule,
    *,
    visible: Visible,
    scope_fields: tuple[str, ...] = (),
    actions: tuple[str, ...] = BASIC_ACTIONS,
) -> None:
    """Let an app decide for its own model. Models without a rule are refused every action, and so are
    actions the rule does not list. A model with scope fields must list MOVE to let them change."""
    _rules[model] = RuleSet(rule, visible, frozenset(scope_fields), frozenset(actions))


def register_action(model: type, action: str, decision: Callable[[Actor, Any], Decision]) -> None:
    """Let an app answer one action of its own on another app's model."""
    _extra_actions[(model, action)] = decision


def prefixed(q: Q, prefix: str) -> Q:
    """The same filter, applied through a relation: prefixed(Q(park_id=1), "project") is
    Q(project__park_id=1). A child row's filter is its parent's, so the two cannot disagree."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(prefixed(child, prefix))
        else:
            key, value = child  # type: ignore[misc]  # a Q's leaves are (lookup, value) pairs
            out.children.append((f"{prefix}__{key}", value))
    return out


def has_rule(model: type) -> bool:
    return model in _rules


def rule_set(model: type) -> RuleSet | None:
    return _rules.get(model)


# --- rules several apps share ---------------------------------------------------------------


def or_nothing(condition: Q | None) -> Q:
    # Not `condition or NOTHING`: Q() (everything) is falsy.
    return NOTHING if condition is None else condition


def signed_in_reads(writers: tuple[str, ...] = ()) -> Rule:
    """Records any signed-in user reads (and anonymous visitors of an open directory): sources, citations,
    figures. Administrators write, and the roles in `writers`."""

    def rule(actor: Actor, action: str, obj: Any) -> Decision:
        if action in (VIEW, EXPORT):
            if actor.is_authenticated or public_park_ids():
                return ALLOW
            return refuse(_("sign in first"))
        if action not in (CREATE, CHANGE, DELETE):
            return refuse(_("not allowed"))
        if actor.is_admin or (actor.role in writers and actor.is_authenticated):
            return ALLOW
        return refuse(_("only administrators change these records"))

    return rule


def signed_in_or_public_filter(actor: Actor) -> Q:
    return Q() if actor.is_authenticated or public_park_ids() else NOTHING


def signed_in_filter(actor: Actor) -> Q:
    return Q() if actor.is_authenticated else NOTHING


def own_rows(owner_field: str) -> tuple[Rule, Visible]:
    """Rows that belong to one user (API tokens, import jobs, profiles): the user and administrators."""

    def rule(actor: Actor, action: str, obj: Any) -> Decision:
        if not actor.is_authenticated:
            return refuse(_("sign in first"))
        if actor.is_admin:
            return ALLOW
        if action not in (VIEW, CREATE, DELETE):
            return refuse(_("only administrators change these records"))
        if isinstance(obj, type):
            return ALLOW
        owner = getattr(obj, f"{owner_field}_id", None)
        if actor.user is not None and owner == actor.user.pk:
            return ALLOW
        return refuse(_("this belongs to another user"))

    def visible(actor: Actor) -> Q:
        if actor.is_admin:
            return Q()
        if not actor.is_authenticated or actor.user is None:
            return NOTHING
        return Q(**{f"{owner_field}_id": actor.user.pk})

    return rule, visible


def admin_only_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """History rows: written by the services, read through the record they describe (whose VIEW decides)."""
    if actor.is_admin:
        return ALLOW if action in (VIEW, EXPORT) else refuse(_("history cannot be edited"))
    return refuse(_("history is read through the record it belongs to"))


def admin_visible(actor: Actor) -> Q:
    return Q() if actor.is_admin else NOTHING


# --- the questions --------------------------------------------------------------------------


def decide(user: Any, action: str, obj: Any) -> Decision:
    """May `user` do `action` to `obj` (an instance, or a model class for list/create)?

    A model without a registered rule, or an action its rule does not know, is refused."""
    actor = actor_for(user)
    model = obj if isinstance(obj, type) else type(obj)
    extra = _extra_actions.get((model, action))
    if extra is not None:
        return extra(actor, obj)
    rules = _rules.get(model)
    if rules is None:
        return refuse(_("no permission rule covers this record"))
    if action not in rules.actions:
        return refuse(_("this action is not possible on this record"))
    return rules.decide(actor, action, obj)


def require(user: Any, action: str, obj: Any) -> None:
    decision = decide(user, action, obj)
    if not decision.allowed:
        raise PermissionRefused(str(decision.reason))


def visible_filter(user: Any, model: type) -> Q:
    """The queryset filter of what `user` may see of `model` (nothing for a model without a rule)."""
    rules = _rules.get(model)
    return NOTHING if rules is None else rules.visible(actor_for(user))


def scope_changes(before: Any, after: Any) -> list[str]:
    """The scope-carrying fields whose value differs between the two states of one record."""
    rules = _rules.get(type(after))
    if rules is None:
        return []
    changed = []
    for name in sorted(rules.scope_fields):
        attname = after._meta.get_field(name).attname
        if getattr(before, attname, None) != getattr(after, attname, None):
            changed.append(name)
    return changed


def require_write(user: Any, *, before: Any, after: Any) -> None:
    """A change is allowed only if the actor may change the record as it is and as it would be; moving it
    (a scope-carrying field changed) needs MOVE on both states too."""
    require(user, CHANGE, before)
    require(user, CHANGE, after)
    moved = scope_changes(before, after)
    for state in (before, after) if moved else ():
        decision = decide(user, MOVE, state)
        if not decision:
            raise PermissionRefused(str(decision.reason), field=moved[0])
    for name in moved:
        # A record newly named at the end of a scope field (a platform's operating organisation, a park's
        # parent) must be one the actor may name.
        target = getattr(after, name, None) if after._meta.get_field(name).is_relation else None
        target_rules = _rules.get(type(target)) if target is not None else None
        if target_rules is not None and LINK in target_rules.actions:
            decision = decide(user, LINK, target)
            if not decision:
                raise PermissionRefused(str(decision.reason), field=name)

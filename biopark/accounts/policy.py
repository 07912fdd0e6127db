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
from django.utils.translation import gettext as _

from biopark.accounts.models import Role
from biopark.core.errors import PermissionRefused
from biopark.ecosystem.models import Organisation, Park, Person, Platform, Relation

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
        found: set[int] = set()
        for target in relation_ends(obj):
            found |= parks_of(target)
        return found
    park_id = getattr(obj, "park_id", None)
    return {park_id} if park_id else set()


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


def _operator_scope(actor: Actor, obj: Any, action: str) -> Decision:
    """A park operator's decision on a registry record of its park tree."""
    if not actor.park_scope:
        return refuse(_("your operator account is not attached to a park"))
    model = obj if isinstance(obj, type) else type(obj)
    if isinstance(obj, type):
        return ALLOW if action == CREATE else refuse(_("choose a record"))
    if action == MOVE:
        if model is Park:
            # A zone may be moved only under another park of the same tree; a top-level park never.
            if obj.parent_id and obj.parent_id in actor.park_scope:
                return ALLOW
            return refuse(_("a park can be placed only under a park you operate"))
        return ALLOW if parks_of(obj) & actor.park_scope else refuse(_("this record is not in your park"))
    if model is Person and action != DELETE:
        parks = parks_of(obj)
        # People belong to no park until a position ties them to one; an operator may curate them.
        if not parks or parks & actor.park_scope:
            return ALLOW
        return refuse(_("this person holds no position in your park"))
    if model is Park and action in (CHANGE, CREATE) and obj.pk and obj.pk == actor.park_id:
        return ALLOW
    if parks_of(obj) & actor.park_scope:
        return ALLOW
    return refuse(_("this record is not in your park"))


def _registry_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """Parks, organisations, people and platforms."""
    model = obj if isinstance(obj, type) else type(obj)
    if action == VIEW:
        if actor.is_authenticated:
            return ALLOW
        if isinstance(obj, type):
            return ALLOW if public_park_ids() else refuse(_("sign in to see the registry"))
        return ALLOW if is_public(obj) else refuse(_("this record is not in a public directory; sign in"))
    if action not in (CREATE, CHANGE, DELETE, IMPORT, EXPORT, MOVE, LINK):
        return refuse(_("not allowed"))
    if not actor.is_authenticated:
        return refuse(_("sign in first"))
    if actor.is_admin:
        return ALLOW
    if action == EXPORT:
        return ALLOW
    role = actor.role
    if role in (Role.VIEWER, Role.INVESTOR):
        return refuse(_("the %(role)s role may only read") % {"role": Role(role).label})
    if action == IMPORT:
        if not isinstance(obj, type):
            return _operator_scope(actor, obj, CHANGE) if role == Role.OPERATOR else refuse(
                _("only park operators and administrators import")
            )
        return ALLOW if role == Role.OPERATOR else refuse(_("only park operators and administrators import"))
    if action == LINK:
        # Naming a record at the end of a position or relation: records of no park are shared by all.
        if isinstance(obj, type):
            return refuse(_("choose a record"))
        if role == Role.OPERATOR:
            return ALLOW if not parks_of(obj) or parks_of(obj) & actor.park_scope else refuse(
                _("this record is not in your park")
            )
        if model is Organisation and obj.pk and obj.pk == actor.organisation_id:
            return ALLOW
        return refuse(_("you may link only records you may edit"))
    if role == Role.OPERATOR:
        return _operator_scope(actor, obj, action)
    if action == MOVE:
        return refuse(_("only park operators and administrators move records between parks"))
    if role == Role.ENTERPRISE_MEMBER:
        if model is Organisation and action == CHANGE and obj.pk and obj.pk == actor.organisation_id:
            return ALLOW
        return refuse(_("enterprise members may edit only their own organisation's profile"))
    if role == Role.PLATFORM_MANAGER:
        if model is Platform and action == CHANGE and obj.operator_id and obj.operator_id == actor.organisation_id:
            return ALLOW
        if model is Organisation and action == CHANGE and obj.pk and obj.pk == actor.organisation_id:
            return ALLOW
        return refuse(_("platform managers may edit only the platforms their organisation operates"))
    return refuse(_("not allowed"))


def _registry_visible(model: type) -> Visible:
    def visible(actor: Actor) -> Q:
        if actor.is_authenticated:
            return Q()
        condition = public_filter(model)
        return NOTHING if condition is None else condition

    return visible


def _position_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """A position follows its person; naming an organisation needs LINK on it."""
    if action == VIEW:
        if actor.is_authenticated:
            return ALLOW
        if isinstance(obj, type):
            return ALLOW if public_park_ids() else refuse(_("sign in to see the registry"))
        if is_public(obj.person) and (obj.organisation is None or is_public(obj.organisation)):
            return ALLOW
        return refuse(_("this record is not in a public directory; sign in"))
    if action not in (CREATE, CHANGE, DELETE, MOVE):
        return refuse(_("not allowed"))
    if isinstance(obj, type):
        return _registry_rule(actor, CREATE, Person)
    decision = _registry_rule(actor, CHANGE, obj.person)
    if decision and obj.organisation is not None:
        decision = _registry_rule(actor, LINK, obj.organisation)
    return decision


def _or_nothing(condition: Q | None) -> Q:
    # Not `condition or NOTHING`: Q() (everything) is falsy.
    return NOTHING if condition is None else condition


def _position_visible(actor: Actor) -> Q:
    if actor.is_authenticated:
        return Q()
    public = public_park_ids()
    if not public:
        return NOTHING
    people = Person.objects.filter(_or_nothing(public_filter(Person))).values("pk")
    return Q(person__in=people) & (
        Q(organisation__isnull=True) | Q(organisation__park__isnull=True) | Q(organisation__park__in=public)
    )


def _relation_rule(actor: Actor, action: str, obj: Any) -> Decision:
    if action == VIEW:
        if actor.is_authenticated:
            return ALLOW
        if isinstance(obj, type):
            return ALLOW if public_park_ids() else refuse(_("sign in to see the registry"))
        ends = relation_ends(obj)
        if len(ends) == 2 and all(is_public(end) for end in ends):
            return ALLOW
        return refuse(_("this record is not in a public directory; sign in"))
    if action not in (CREATE, DELETE):
        return refuse(_("not allowed"))
    return _registry_rule(actor, action, obj)


def relation_ends(relation: Relation) -> list[Any]:
    from biopark.ecosystem.fields import TYPE_NAMES

    found = []
    for etype, eid in ((relation.subject_type, relation.subject_id), (relation.object_type, relation.object_id)):
        model = TYPE_NAMES.get(etype)
        target = model._default_manager.filter(pk=eid).first() if model else None
        if target is not None:
            found.append(target)
    return found


def _relation_visible(actor: Actor) -> Q:
    if actor.is_authenticated:
        return Q()
    if not public_park_ids():
        return NOTHING
    from biopark.ecosystem.fields import TYPE_NAMES

    def side(name: str) -> Q:
        q = NOTHING
        for type_name, model in TYPE_NAMES.items():
            ids = model._default_manager.filter(_or_nothing(public_filter(model))).values("pk")
            q |= Q(**{f"{name}_type": type_name, f"{name}_id__in": ids})
        return q

    return side("subject") & side("object")


def _signed_in_reads(writers: tuple[str, ...] = ()) -> Rule:
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


def _own_rows(owner_field: str) -> tuple[Rule, Visible]:
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


def _admin_only(actor: Actor, action: str, obj: Any) -> Decision:
    """History rows: written by the services, read through the record they describe (whose VIEW decides)."""
    if actor.is_admin:
        return ALLOW if action in (VIEW, EXPORT) else refuse(_("history cannot be edited"))
    return refuse(_("history is read through the record it belongs to"))


def _admin_visible(actor: Actor) -> Q:
    return Q() if actor.is_admin else NOTHING


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


def signed_in_filter(actor: Actor) -> Q:
    return Q() if actor.is_authenticated else NOTHING


def register_core_rules() -> None:
    """The rules of the registry, the shared kernel and accounts (called by AccountsConfig.ready)."""
    from django.contrib.auth import get_user_model

    from biopark.accounts.models import ApiToken, Profile
    from biopark.core.models import ChangeRecord, Citation, Source
    from biopark.deals.models import Agreement, AgreementParty
    from biopark.ecosystem.models import Figure, ImportJob, Position

    registry = (*BASIC_ACTIONS, IMPORT, MOVE, LINK)
    for model, scope in ((Park, ("parent",)), (Organisation, ("park",)), (Person, ()), (Platform, ("park", "operator"))):
        register_rule(model, _registry_rule, visible=_registry_visible(model), scope_fields=scope, actions=registry)
    register_rule(
        Position, _position_rule, visible=_position_visible, scope_fields=("person", "organisation"),
        actions=(VIEW, CREATE, CHANGE, DELETE, MOVE),
    )
    register_rule(Relation, _relation_rule, visible=_relation_visible)
    register_rule(Figure, _signed_in_reads(("operator",)), visible=signed_in_or_public_filter)
    register_rule(Source, _signed_in_reads(("operator",)), visible=signed_in_or_public_filter)
    register_rule(Citation, _signed_in_reads(("operator",)), visible=signed_in_or_public_filter)
    register_rule(ChangeRecord, _admin_only, visible=_admin_visible)
    register_rule(Agreement, _agreement_rule, visible=signed_in_filter)
    register_rule(AgreementParty, _agreement_rule, visible=signed_in_filter)
    owned: tuple[type, ...] = (ApiToken, ImportJob, Profile)
    for owned_model in owned:
        rule, visible = _own_rows("user")
        register_rule(owned_model, rule, visible=visible)
    register_rule(get_user_model(), _user_rule, visible=_user_visible)


def _user_rule(actor: Actor, action: str, obj: Any) -> Decision:
    """Accounts: a user reads their own; administrators manage all."""
    if actor.is_admin:
        return ALLOW
    if action == VIEW and not isinstance(obj, type) and actor.user is not None and obj.pk == actor.user.pk:
        return ALLOW
    return refuse(_("only administrators manage accounts"))


def _user_visible(actor: Actor) -> Q:
    if actor.is_admin:
        return Q()
    if actor.user is None or not actor.is_authenticated:
        return NOTHING
    return Q(pk=actor.user.pk)


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

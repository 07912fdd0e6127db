"""Who may do what in the registry (parks, organisations, people, platforms, positions, relations, figures,
sources and citations, import jobs), registered with the one policy in EcosystemConfig.ready. The registry
also tells the policy how parks nest and which parks have an open directory."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from biopark.core.models import Citation, Source
from biopark.core.policy import (
    ALLOW,
    BASIC_ACTIONS,
    CHANGE,
    CREATE,
    DELETE,
    EXPORT,
    IMPORT,
    LINK,
    MOVE,
    NOTHING,
    VIEW,
    Actor,
    Decision,
    Visible,
    forget_park_tree,
    or_nothing,
    own_rows,
    public_park_ids,
    refuse,
    register_park_tree,
    register_rule,
    signed_in_or_public_filter,
    signed_in_reads,
)
from biopark.core.roles import Role
from biopark.ecosystem.fields import TYPE_NAMES
from biopark.ecosystem.models import (
    Figure,
    ImportJob,
    Organisation,
    Park,
    Person,
    Platform,
    Position,
    Relation,
)


def _with_zones(rows: list[tuple[int, int | None]], roots: list[int]) -> frozenset[int]:
    """The parks `roots` and every zone nested below them, from the (id, parent id) rows of the park table."""
    children: dict[int | None, list[int]] = {}
    for pid, parent in rows:
        children.setdefault(parent, []).append(pid)
    found: set[int] = set()
    stack = list(roots)
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return frozenset(found)


def park_subtree(root_id: int) -> frozenset[int]:
    """The park and every zone nested below it."""
    return _with_zones(list(Park.objects.values_list("id", "parent_id")), [root_id])


def _public_park_ids() -> frozenset[int]:
    """Parks whose directory is open, with everything nested below them (one read of the table)."""
    rows = list(Park.objects.values_list("id", "parent_id", "public_directory"))
    return _with_zones([(pid, parent) for pid, parent, _public in rows], [pid for pid, _parent, public in rows if public])


def _forget_park_tree(**_kwargs: Any) -> None:
    forget_park_tree()


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


# --- rules ------------------------------------------------------------------------------------


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


def _position_visible(actor: Actor) -> Q:
    if actor.is_authenticated:
        return Q()
    public = public_park_ids()
    if not public:
        return NOTHING
    people = Person.objects.filter(or_nothing(public_filter(Person))).values("pk")
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
    def side(name: str) -> Q:
        q = NOTHING
        for type_name, model in TYPE_NAMES.items():
            ids = model._default_manager.filter(or_nothing(public_filter(model))).values("pk")
            q |= Q(**{f"{name}_type": type_name, f"{name}_id__in": ids})
        return q

    return side("subject") & side("object")


def register() -> None:
    """The rules of the registry's models and of the sources and citations it keeps (called by
    EcosystemConfig.ready), and the park tree the policy scopes operators and open directories with."""
    register_park_tree(subtree=park_subtree, public=_public_park_ids)
    # A park written during a request: the rest of the request sees the tree as it now is.
    post_save.connect(_forget_park_tree, sender=Park, dispatch_uid="biopark_park_tree_saved")
    post_delete.connect(_forget_park_tree, sender=Park, dispatch_uid="biopark_park_tree_deleted")
    registry = (*BASIC_ACTIONS, IMPORT, MOVE, LINK)
    for model, scope in ((Park, ("parent",)), (Organisation, ("park",)), (Person, ()), (Platform, ("park", "operator"))):
        register_rule(model, _registry_rule, visible=_registry_visible(model), scope_fields=scope, actions=registry)
    register_rule(
        Position, _position_rule, visible=_position_visible, scope_fields=("person", "organisation"),
        actions=(VIEW, CREATE, CHANGE, DELETE, MOVE),
    )
    register_rule(Relation, _relation_rule, visible=_relation_visible)
    for read_mostly in (Figure, Source, Citation):
        register_rule(read_mostly, signed_in_reads(("operator",)), visible=signed_in_or_public_filter)
    rule, visible = own_rows("user")
    register_rule(ImportJob, rule, visible=visible)

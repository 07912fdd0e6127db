"""How rows follow a record that is merged into another.

When two records turn out to be one (two organisation entries for the same company), every row that points
at the duplicate has to move to the surviving record before the duplicate can go. The rows live in many
apps, and the app that merges must not know them all: each app registers, from its AppConfig.ready, a
`Follower` per kind of row it owns. The merging service asks the registry, never the apps.

A follower previews (how many rows would move, a few of their names, which ones collide with a row the
survivor has already) and moves. A collision with a unique constraint is resolved on purpose: the
duplicate's row is dropped because the survivor already holds the same one, and the preview names it.

The registry is keyed by the target model's label ("ecosystem.Organisation") so that this module imports
no app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.apps import apps
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from biopark.core import history

# How many row names a preview shows per kind.
PREVIEW_NAMES = 5


@dataclass(frozen=True)
class Outcome:
    """What a follower did: the ids of the rows now attached to the survivor, and of the rows it removed
    because the survivor already had the same one."""

    moved: list[int] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Preview:
    """What a follower would do: how many rows move, a few names, and the collisions (each a sentence)."""

    count: int
    names: list[str]
    conflicts: list[str]


class Follower(Protocol):
    """The rows of one kind that follow a merged record."""

    @property
    def app(self) -> str:
        """The label of the app that owns the rows ("pipeline")."""

    @property
    def kind(self) -> str:
        """A stable code ("projects")."""

    @property
    def label(self) -> Any:
        """What people read (lazily translated)."""

    @property
    def covers(self) -> tuple[tuple[str, str], ...]:
        """The (model label, field name) pairs this follower takes care of: the completeness test compares
        them with every foreign key and many-to-many field that points at the target model."""

    def preview(self, keep: models.Model, duplicate: models.Model) -> Preview: ...

    def move(self, keep: models.Model, duplicate: models.Model) -> Outcome: ...


_followers: dict[str, dict[str, Follower]] = {}


def register_follower(target: str, follower: Follower) -> None:
    """Register how one kind of row follows a merged `target` ("app_label.Model"). Registering the same
    kind again replaces it (ready() may run more than once in tests)."""
    _followers.setdefault(target.lower(), {})[follower.kind] = follower
    # The merge's history row names the moved and the dropped rows by the follower's kind: it reads as
    # "projects moved: 3" (biopark.ecosystem.merge writes the keys).
    history.register_merge_key(target, follower.kind, label=format_lazy(gettext_lazy("{kind} moved"), kind=follower.label))
    history.register_merge_key(
        target, f"{follower.kind}_dropped", label=format_lazy(gettext_lazy("{kind} dropped (already held)"), kind=follower.label)
    )


def followers(target: str) -> list[Follower]:
    return list(_followers.get(target.lower(), {}).values())


def covered(target: str) -> set[tuple[str, str]]:
    return {pair for f in followers(target) for pair in f.covers}


def references_to(target: type[models.Model]) -> set[tuple[str, str]]:
    """Every (model label, field name) whose foreign key, one-to-one or many-to-many field points at `target`.
    A many-to-many field with a model of its own in between is reached through that model's foreign key."""
    found: set[tuple[str, str]] = set()
    for model in apps.get_models():
        for fld in model._meta.get_fields():
            if not fld.is_relation or fld.auto_created or fld.related_model is not target:
                continue
            if not (fld.many_to_one or fld.one_to_one or fld.many_to_many):
                continue  # a generic foreign key names no model
            if fld.many_to_many and not fld.remote_field.through._meta.auto_created:  # type: ignore[union-attr]
                continue
            found.add((model._meta.label, fld.name))
    return found


def remaining_references(target: type[models.Model], pk: Any) -> list[str]:
    """The (model label, field) pairs that still point at the record `pk`: after every follower moved its
    rows there must be none, or deleting the record would cascade or be refused."""
    left = []
    for label, name in sorted(references_to(target)):
        model = apps.get_model(label)
        if model._default_manager.filter(**{name: pk}).exists():
            left.append(f"{label}.{name}")
    return left


def _names(rows: Sequence[models.Model], describe: Callable[[Any], str]) -> list[str]:
    return [describe(row) for row in rows[:PREVIEW_NAMES]]


@dataclass(frozen=True)
class ForeignKeyFollower:
    """Rows of `model` whose `field` points at the merged record.

    `same_when` names the other fields of a unique constraint that includes `field`: a duplicate's row whose
    values there equal a survivor's row is the same row and is dropped instead of moved.
    """

    app: str
    kind: str
    label: Any
    model: type[models.Model]
    field: str
    same_when: tuple[str, ...] = ()
    describe: Callable[[Any], str] = str
    select_related: tuple[str, ...] = ()

    @property
    def covers(self) -> tuple[tuple[str, str], ...]:
        return ((self.model._meta.label, self.field),)

    def _rows(self, record: models.Model) -> models.QuerySet[Any]:
        qs = self.model._default_manager.filter(**{self.field: record})
        return qs.select_related(*self.select_related) if self.select_related else qs

    def _colliding(self, keep: models.Model, duplicate: models.Model) -> list[Any]:
        if not self.same_when:
            return []
        held = set(self._rows(keep).values_list(*self.same_when))
        return [row for row in self._rows(duplicate) if tuple(getattr(row, self._attname(n)) for n in self.same_when) in held]

    def _attname(self, name: str) -> str:
        return self.model._meta.get_field(name).attname  # type: ignore[union-attr]  # a concrete field

    def preview(self, keep: models.Model, duplicate: models.Model) -> Preview:
        rows = self._rows(duplicate)
        clashes = self._colliding(keep, duplicate)
        return Preview(
            count=rows.count(),
            names=_names(list(rows[:PREVIEW_NAMES]), self.describe),
            conflicts=[self.describe(row) for row in clashes],
        )

    def move(self, keep: models.Model, duplicate: models.Model) -> Outcome:
        dropped = [row.pk for row in self._colliding(keep, duplicate)]
        if dropped:
            self.model._default_manager.filter(pk__in=dropped).delete()
        rows = self._rows(duplicate)
        moved = list(rows.values_list("pk", flat=True))
        rows.update(**{self.field: keep})
        return Outcome(moved=sorted(moved), dropped=sorted(dropped))


@dataclass(frozen=True)
class ManyToManyFollower:
    """Links of `model`'s many-to-many `field` (with Django's own table in between) to the merged record.

    A record linked to both keeps one link. With `owner`, a record whose `owner` field is the survivor loses
    its link to the duplicate: after the merge it would be linked to itself (a project is not its own
    organisation's partner).
    """

    app: str
    kind: str
    label: Any
    model: type[models.Model]
    field: str
    owner: str = ""
    describe: Callable[[Any], str] = str

    @property
    def covers(self) -> tuple[tuple[str, str], ...]:
        return ((self.model._meta.label, self.field),)

    def _through(self) -> tuple[type[models.Model], str, str]:
        m2m = self.model._meta.get_field(self.field)
        through = m2m.remote_field.through  # type: ignore[union-attr]
        return through, m2m.m2m_field_name(), m2m.m2m_reverse_field_name()  # type: ignore[union-attr]

    def _split(self, keep: models.Model, duplicate: models.Model) -> tuple[list[Any], list[Any]]:
        """The duplicate's links: those that move and those that are dropped."""
        through, source, target = self._through()
        links = list(through._default_manager.filter(**{target: duplicate}).order_by("pk"))
        held = set(through._default_manager.filter(**{target: keep}).values_list(f"{source}_id", flat=True))
        owned: set[Any] = set()
        if self.owner:
            ids = [getattr(link, f"{source}_id") for link in links]
            owned = set(
                self.model._default_manager.filter(pk__in=ids, **{self.owner: keep}).values_list("pk", flat=True)
            )
        moving: list[Any] = []
        dropping: list[Any] = []
        for link in links:
            source_id = getattr(link, f"{source}_id")
            (dropping if source_id in held or source_id in owned else moving).append(link)
        return moving, dropping

    def _records(self, links: list[Any]) -> list[Any]:
        _through, source, _target = self._through()
        ids = [getattr(link, f"{source}_id") for link in links]
        by_id = self.model._default_manager.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def preview(self, keep: models.Model, duplicate: models.Model) -> Preview:
        moving, dropping = self._split(keep, duplicate)
        shown = self._records((moving + dropping)[:PREVIEW_NAMES])
        return Preview(
            count=len(moving) + len(dropping),
            names=[self.describe(r) for r in shown],
            conflicts=[self.describe(r) for r in self._records(dropping)],
        )

    def move(self, keep: models.Model, duplicate: models.Model) -> Outcome:
        through, source, target = self._through()
        moving, dropping = self._split(keep, duplicate)
        if dropping:
            through._default_manager.filter(pk__in=[link.pk for link in dropping]).delete()
        if moving:
            through._default_manager.filter(pk__in=[link.pk for link in moving]).update(**{target: keep})
        return Outcome(
            moved=sorted(getattr(link, f"{source}_id") for link in moving),
            dropped=sorted(getattr(link, f"{source}_id") for link in dropping),
        )

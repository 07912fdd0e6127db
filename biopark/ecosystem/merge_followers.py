"""How the registry's own rows follow an organisation merged into another: positions, operated platforms,
relations, figures and citations (other apps register theirs in their AppConfig.ready)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from biopark.core.merge import PREVIEW_NAMES, ForeignKeyFollower, Outcome, Preview, register_follower
from biopark.core.models import Citation
from biopark.ecosystem.fields import MODEL_TYPE, TYPE_NAMES
from biopark.ecosystem.models import Figure, Organisation, Platform, Position, Relation

TARGET = "ecosystem.Organisation"
ORG = MODEL_TYPE[Organisation]


def _describe_position(position: Position) -> str:
    return f"{position.person} — {position.title_zh or position.title_en}"


@dataclass(frozen=True)
class RelationFollower:
    """Relations with the organisation at either end. A relation between the two records would relate the
    survivor to itself, and one the survivor holds already would be there twice: both are dropped."""

    app: str = "ecosystem"
    kind: str = "relations"
    label: Any = _("relations")
    covers: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def _rows(record: models.Model) -> models.QuerySet[Relation]:
        return Relation.objects.filter(
            Q(subject_type=ORG, subject_id=record.pk) | Q(object_type=ORG, object_id=record.pk)
        ).order_by("id")

    @staticmethod
    def _moved(relation: Relation, keep: models.Model, duplicate: models.Model) -> tuple[Any, ...]:
        ends = []
        for side in ("subject", "object"):
            etype, eid = getattr(relation, f"{side}_type"), getattr(relation, f"{side}_id")
            ends += [etype, keep.pk if (etype, eid) == (ORG, duplicate.pk) else eid]
        return (ends[0], ends[1], relation.predicate, ends[2], ends[3])

    def _plan(self, keep: models.Model, duplicate: models.Model) -> tuple[list[tuple[Relation, tuple]], list[Relation]]:
        """The relations that move (with their new edge) and those dropped, deciding in id order as the
        move does."""
        taken = {
            (r.subject_type, r.subject_id, r.predicate, r.object_type, r.object_id) for r in self._rows(keep)
        }
        moving, dropping = [], []
        for relation in self._rows(duplicate):
            edge = self._moved(relation, keep, duplicate)
            if edge in taken or (edge[0], edge[1]) == (edge[3], edge[4]):
                dropping.append(relation)
            else:
                taken.add(edge)
                moving.append((relation, edge))
        return moving, dropping

    @staticmethod
    def _describe(relations: list[Relation], duplicate: models.Model) -> list[str]:
        wanted: dict[str, set[int]] = {}
        for r in relations:
            for etype, eid in ((r.subject_type, r.subject_id), (r.object_type, r.object_id)):
                wanted.setdefault(etype, set()).add(eid)
        names = {
            (etype, pk): str(obj)
            for etype, ids in wanted.items()
            if etype in TYPE_NAMES
            for pk, obj in TYPE_NAMES[etype]._default_manager.in_bulk(list(ids)).items()
        }
        out = []
        for r in relations:
            subject = names.get((r.subject_type, r.subject_id), f"#{r.subject_id}")
            obj = names.get((r.object_type, r.object_id), f"#{r.object_id}")
            out.append(f"{subject} {r.get_predicate_display()} {obj}")
        return out

    def preview(self, keep: models.Model, duplicate: models.Model) -> Preview:
        moving, dropping = self._plan(keep, duplicate)
        every = [r for r, _edge in moving] + dropping
        return Preview(
            count=len(every),
            names=self._describe(sorted(every, key=lambda r: r.pk)[:PREVIEW_NAMES], duplicate),
            conflicts=self._describe(dropping, duplicate),
        )

    def move(self, keep: models.Model, duplicate: models.Model) -> Outcome:
        moving, dropping = self._plan(keep, duplicate)
        Relation.objects.filter(pk__in=[r.pk for r in dropping]).delete()
        # What is left is distinct from every edge of the survivor and from each other (the plan checked), and
        # no relation has the duplicate at both ends: two updates move them all.
        Relation.objects.filter(subject_type=ORG, subject_id=duplicate.pk).update(subject_id=keep.pk)
        Relation.objects.filter(object_type=ORG, object_id=duplicate.pk).update(object_id=keep.pk)
        return Outcome(moved=sorted(r.pk for r, _e in moving), dropped=sorted(r.pk for r in dropping))


@dataclass(frozen=True)
class FigureFollower:
    """Figures a source states about the organisation (no two can collide: a figure's key is its own)."""

    app: str = "ecosystem"
    kind: str = "figures"
    label: Any = _("figures")
    covers: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def _rows(record: models.Model) -> models.QuerySet[Figure]:
        return Figure.objects.filter(subject_type=ORG, subject_id=record.pk).order_by("id")

    def preview(self, keep: models.Model, duplicate: models.Model) -> Preview:
        rows = self._rows(duplicate)
        return Preview(count=rows.count(), names=[str(f) for f in rows[:PREVIEW_NAMES]], conflicts=[])

    def move(self, keep: models.Model, duplicate: models.Model) -> Outcome:
        rows = self._rows(duplicate)
        moved = list(rows.values_list("pk", flat=True))
        rows.update(subject_id=keep.pk)
        return Outcome(moved=sorted(moved))


@dataclass(frozen=True)
class CitationFollower:
    """Sources cited for the organisation. The same passage cited for both is kept once."""

    app: str = "ecosystem"
    kind: str = "citations"
    label: Any = _("citations")
    covers: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def _rows(record: models.Model) -> models.QuerySet[Citation]:
        ct = ContentType.objects.get_for_model(Organisation)
        return Citation.objects.filter(content_type=ct, object_id=record.pk).select_related("source").order_by("id")

    @staticmethod
    def _same(c: Citation) -> tuple[Any, ...]:
        return (c.source_id, c.field, c.span_start, c.span_end)

    def _dropping(self, keep: models.Model, duplicate: models.Model) -> list[Citation]:
        held = {self._same(c) for c in self._rows(keep)}
        return [c for c in self._rows(duplicate) if self._same(c) in held]

    def preview(self, keep: models.Model, duplicate: models.Model) -> Preview:
        rows = self._rows(duplicate)
        return Preview(
            count=rows.count(),
            names=[str(c) for c in rows[:PREVIEW_NAMES]],
            conflicts=[str(c) for c in self._dropping(keep, duplicate)],
        )

    def move(self, keep: models.Model, duplicate: models.Model) -> Outcome:
        dropped = [c.pk for c in self._dropping(keep, duplicate)]
        Citation.objects.filter(pk__in=dropped).delete()
        rows = self._rows(duplicate)
        moved = list(rows.values_list("pk", flat=True))
        rows.update(object_id=keep.pk)
        return Outcome(moved=sorted(moved), dropped=sorted(dropped))


def register() -> None:
    """Called by EcosystemConfig.ready."""
    register_follower(
        TARGET,
        ForeignKeyFollower(
            app="ecosystem", kind="positions", label=_("positions"), model=Position, field="organisation",
            # The same title of the same person over the same period, recorded at both: one position.
            same_when=("person", "title_zh", "title_en", "start_on", "end_on"),
            describe=_describe_position, select_related=("person",),
        ),
    )
    register_follower(
        TARGET,
        ForeignKeyFollower(
            app="ecosystem", kind="platforms", label=_("platforms operated"), model=Platform, field="operator"
        ),
    )
    for follower in (RelationFollower(), FigureFollower(), CitationFollower()):
        register_follower(TARGET, follower)

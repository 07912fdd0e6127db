"""The registry's home tiles: what changed since the operator's last visit, the alerts of every app, and the
park's public profile (key figures, functional platforms) for viewers and visitors."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biopark.accounts import selectors as account_selectors
from biopark.core import tiles
from biopark.core.models import ChangeRecord
from biopark.core.policy import Actor
from biopark.core.roles import Role
from biopark.ecosystem import selectors
from biopark.ecosystem.models import Organisation, Park, Person, Platform

OPERATORS = frozenset({Role.OPERATOR.value, Role.ADMIN.value})
PUBLIC = frozenset({Role.VIEWER.value, tiles.ANONYMOUS})
LIST_LENGTH = 5

_PLURALS: dict[Any, str] = {Park: "parks", Organisation: "organisations", Person: "people", Platform: "platforms"}


def _own_park(model: Any, qs: Any, actor: Actor) -> Any:
    """An operator follows its own park (and its zones); the registry it may read is wider."""
    if actor.is_admin or not actor.park_scope:
        return qs
    if model is Park:
        return qs.filter(pk__in=actor.park_scope)
    if model in (Organisation, Platform):
        return qs.filter(park_id__in=actor.park_scope)
    return qs


def since_last_visit(actor: Actor) -> tiles.TileData:
    """Organisations added and registry records changed since the person's last visit. Only records the
    actor may see are counted and named; the history rows themselves (who changed what) stay admin-only."""
    since = account_selectors.since_last_visit(user=actor.user)
    org_type = ContentType.objects.get_for_model(Organisation)
    types = ContentType.objects.get_for_models(*_PLURALS)
    by_type_id = {ct.pk: model for model, ct in types.items()}
    changed = (
        ChangeRecord.objects.filter(at__gt=since, content_type_id__in=list(by_type_id))
        .values("content_type_id", "object_id")
        .annotate(n=Count("id"))
    )
    created_orgs: set[int] = set(
        ChangeRecord.objects.filter(
            at__gt=since, content_type=org_type, action__in=[ChangeRecord.CREATE, ChangeRecord.IMPORT]
        ).values_list("object_id", flat=True)[:10_000]
    )
    touched: dict[Any, set[int]] = {}
    for row in changed[:10_000]:
        touched.setdefault(by_type_id[row["content_type_id"]], set()).add(row["object_id"])
    # Keep what the actor may see; one query per record type (four at most).
    visible_ids: dict[Any, set[int]] = {
        model: set(_own_park(model, selectors.visible(model, actor.user), actor).filter(pk__in=ids)
                   .values_list("pk", flat=True))
        for model, ids in touched.items()
    }
    new_orgs = created_orgs & visible_ids.get(Organisation, set())
    newest = list(
        selectors.visible(Organisation, actor.user).filter(pk__in=new_orgs).order_by("-pk")[:LIST_LENGTH]
    )
    items = [tiles.TileItem(label=o.display_name, href=f"/organisations/{o.pk}/", detail=_("new")) for o in newest]
    changed_count = sum(len(ids) for ids in visible_ids.values())
    labels = {Park: _("Parks and zones changed"), Organisation: _("Organisations changed"),
              Person: _("People changed"), Platform: _("Functional platforms changed")}
    for model, ids in visible_ids.items():
        n = len(ids - new_orgs) if model is Organisation else len(ids)
        if n:
            items.append(tiles.TileItem(label=str(labels[model]), href=f"/{_PLURALS[model]}/",
                                        detail=tiles.count_text(n)))
    return tiles.TileData(
        value=tiles.count_text(len(new_orgs)),
        value_label=_("new organisations"),
        href="/organisations/",
        items=items,
        empty_text=_("No changes to the registry since your last visit."),
        extra={"since": since.isoformat(), "new_organisations": len(new_orgs), "records_changed": changed_count},
    )


def key_figures(actor: Actor) -> tiles.TileData:
    """The park's public profile in numbers: parks, organisations, people and platforms the reader may see."""
    counts = {plural: selectors.visible(model, actor.user).count() for model, plural in _PLURALS.items()}
    labels = {
        "parks": _("Parks and zones"), "organisations": _("Organisations"), "people": _("People"),
        "platforms": _("Functional platforms"),
    }
    return tiles.TileData(
        value=tiles.count_text(counts["organisations"]),
        value_label=_("organisations"),
        href="/organisations/",
        items=[tiles.TileItem(label=str(labels[p]), href=f"/{p}/", detail=tiles.count_text(n))
               for p, n in counts.items()],
        extra={"counts": counts},
    )


def platforms(actor: Actor) -> tiles.TileData:
    qs = selectors.visible(Platform, actor.user)
    listed = list(qs.order_by("id")[:LIST_LENGTH])
    return tiles.TileData(
        value=tiles.count_text(qs.count()),
        value_label=_("functional platforms"),
        href="/platforms/",
        items=[tiles.TileItem(label=p.display_name, href=f"/platforms/{p.pk}/", detail=str(p.get_kind_display()))
               for p in listed],
        empty_text=_("No functional platforms yet."),
    )


def alerts(actor: Actor) -> tiles.TileData:
    items = tiles.alerts_for(actor)
    return tiles.TileData(
        value=tiles.count_text(len(items)), value_label=_("alerts"), items=items,
        empty_text=_("Nothing needs attention."),
    )


def register() -> None:
    tiles.register_tile(tiles.Tile("alerts", gettext_lazy("Alerts"), OPERATORS | {Role.PLATFORM_MANAGER.value},
                                   alerts, order=5))
    tiles.register_tile(tiles.Tile("registry.since", gettext_lazy("Since your last visit"), OPERATORS,
                                   since_last_visit, order=60))
    tiles.register_tile(tiles.Tile("registry.figures", gettext_lazy("Key figures"), PUBLIC, key_figures, order=10,
                                   cache_seconds=300))
    tiles.register_tile(tiles.Tile("registry.platforms", gettext_lazy("Functional platforms"), PUBLIC, platforms,
                                   order=20))

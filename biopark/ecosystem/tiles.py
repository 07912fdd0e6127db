"""The registry's home tiles: what changed since the operator's last visit, the alerts of every app, and the
park's public profile (key figures, functional platforms) for viewers and visitors."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
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
# The registry's tiles are stale after a write to any of these (see biopark.core.tiles, Tile.reads).
REGISTRY = frozenset(m._meta.label_lower for m in _PLURALS)


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
    actor may see (an operator: of its own park) are counted and named; the history rows themselves (who
    changed what) stay admin-only. Every count is one query with the history as a subquery."""
    since = account_selectors.since_last_visit(user=actor.user)
    types = ContentType.objects.get_for_models(*_PLURALS)
    recent = ChangeRecord.objects.filter(at__gt=since)

    def changed_ids(model: Any, *actions: str) -> Any:
        rows = recent.filter(content_type_id=types[model].pk)
        return (rows.filter(action__in=actions) if actions else rows).values("object_id")

    created = changed_ids(Organisation, ChangeRecord.CREATE, ChangeRecord.IMPORT)
    orgs = _own_park(Organisation, selectors.visible(Organisation, actor.user), actor)
    # New and changed organisations in one pass: those created are among those with any history since.
    org_counts = orgs.filter(pk__in=changed_ids(Organisation)).aggregate(
        touched=Count("id"), new=Count("id", filter=Q(pk__in=created)))
    n_new = org_counts["new"]
    newest = list(orgs.filter(pk__in=created).order_by("-pk").only("id", "name_zh", "name_en")[:LIST_LENGTH])
    items = [tiles.TileItem(label=o.display_name, href=f"/organisations/{o.pk}/", detail=_("new")) for o in newest]
    labels = {Park: _("Parks and zones changed"), Organisation: _("Organisations changed"),
              Person: _("People changed"), Platform: _("Functional platforms changed")}
    changed_count = n_new
    for model in _PLURALS:
        if model is Organisation:
            n = org_counts["touched"] - n_new
        else:
            n = _own_park(model, selectors.visible(model, actor.user), actor).filter(pk__in=changed_ids(model)).count()
        changed_count += n
        if n:
            items.append(tiles.TileItem(label=str(labels[model]), href=f"/{_PLURALS[model]}/",
                                        detail=tiles.count_text(n)))
    return tiles.TileData(
        value=tiles.count_text(n_new),
        value_label=_("new organisations"),
        href="/organisations/",
        items=items,
        empty_text=_("No changes to the registry since your last visit."),
        extra={"since": since.isoformat(), "new_organisations": n_new, "records_changed": changed_count},
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
                                   alerts, order=5, cache_seconds=60))
    tiles.register_tile(tiles.Tile("registry.since", gettext_lazy("Since your last visit"), OPERATORS,
                                   since_last_visit, order=60, cache_seconds=60,
                                   reads=REGISTRY | {"accounts.profile"}))
    tiles.register_tile(tiles.Tile("registry.figures", gettext_lazy("Key figures"), PUBLIC, key_figures, order=10,
                                   cache_seconds=300, reads=REGISTRY))
    tiles.register_tile(tiles.Tile("registry.platforms", gettext_lazy("Functional platforms"), PUBLIC, platforms,
                                   order=20))

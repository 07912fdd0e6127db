"""The metrics app's home tile (targets and their status, behind first) and its navigation link, registered
in MetricsConfig.ready."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from biopark.accounts import policy
from biopark.core.nav import NavLink, register_nav, signed_in
from biopark.core.roles import Role
from biopark.core.tiles import (
    AlertSource,
    Tile,
    TileData,
    TileItem,
    count_text,
    register_alert,
    register_tile,
)
from biopark.metrics import progress, selectors
from biopark.metrics.models import ObservationRequest

SHOWN = 6


def targets_tile(actor: policy.Actor) -> TileData | None:
    """The targets of the actor's park (every target for administrators), what needs attention first."""
    if not actor.is_admin and not actor.park_scope:
        return None
    found = selectors.target_list(user=actor, park_ids=None if actor.is_admin else actor.park_scope)
    rows = sorted(progress.progress_many(found, today=timezone.localdate()),
                  key=lambda p: (progress.STATUS_ORDER[p.status], p.target.end_year))
    behind = sum(1 for p in rows if p.status == progress.BEHIND)
    items = [
        TileItem(label=f"{p.target.park} · {p.target.indicator} {p.target.end_year}",
                 href=f"/metrics/targets/{p.target.pk}/", detail=p.status_label, status=p.status)
        for p in rows[:SHOWN]
    ]
    return TileData(
        value=str(behind), value_label=_("targets behind, of %(n)s") % {"n": len(rows)},
        href="/metrics/targets/?status=behind" if behind else "/metrics/targets/", items=items,
        empty_text=_("No targets set yet."),
    )


def behind_alert(actor: policy.Actor) -> list[TileItem]:
    """One line for the alerts tile when targets of the actor's park are behind their straight line."""
    if not actor.is_admin and not actor.park_scope:
        return []
    found = selectors.target_list(user=actor, park_ids=None if actor.is_admin else actor.park_scope)
    behind = sum(1 for p in progress.progress_many(found, today=timezone.localdate()) if p.status == progress.BEHIND)
    if not behind:
        return []
    return [TileItem(label=_("%(n)s targets behind") % {"n": count_text(behind)},
                     href="/metrics/targets/?status=behind", status=progress.BEHIND)]


def requests_tile(actor: policy.Actor) -> TileData | None:
    """Figures the actor's organisation has been asked for and not yet reported."""
    if actor.organisation_id is None:
        return None
    waiting = [r for r in selectors.request_list(user=actor) if r.status == ObservationRequest.Status.OPEN]
    items = [TileItem(label=f"{r.indicator} {r.year}", href="/metrics/requests/", detail=str(r.park),
                      status="open") for r in waiting[:SHOWN]]
    return TileData(value=str(len(waiting)), value_label=_("figures to report"), href="/metrics/requests/",
                    items=items, empty_text=_("No figures asked of your organisation."))


def register() -> None:
    register_tile(Tile(key="metrics.targets", title=pgettext_lazy("park goals", "Targets"),
                       roles=frozenset({Role.OPERATOR.value, Role.ADMIN.value}), build=targets_tile, order=50,
                       cache_seconds=60))
    register_alert(AlertSource("metrics.behind", frozenset({Role.OPERATOR.value, Role.ADMIN.value}), behind_alert,
                               order=10))
    register_tile(Tile(key="metrics.requests", title=gettext_lazy("Figure requests"),
                       roles=frozenset({Role.ENTERPRISE_MEMBER.value, Role.PLATFORM_MANAGER.value}),
                       build=requests_tile, order=60))
    register_nav(NavLink(key="metrics.targets", url="/metrics/targets/", label=pgettext_lazy("park goals", "Targets"), order=78,
                         visible=signed_in))

"""The deals app's navigation link and home-page tile, registered in DealsConfig.ready."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biopark.accounts import policy
from biopark.core import formatting, history
from biopark.core.nav import NavLink, register_nav
from biopark.core.roles import Role
from biopark.core.tiles import Tile, TileData, TileItem, register_tile
from biopark.deals import selectors
from biopark.deals.models import Agreement


def recent_agreements(actor: policy.Actor) -> TileData | None:
    """An operator's home: the latest agreements signed in their park."""
    if actor.role != Role.OPERATOR or not actor.park_scope:
        return None
    rows = selectors.recent_in_parks(actor.park_scope, actor.user)
    items = [
        TileItem(label=a.title, href=f"/deals/{a.pk}/",
                 detail=formatting.format_date(a.signed_on, None, precision=a.signed_precision or None)
                 if a.signed_on else str(a.get_status_display()))
        for a in rows
    ]
    return TileData(items=items, href="/deals/", empty_text=_("No agreements recorded in your park yet."))


def _may_read(actor: policy.Actor) -> bool:
    # Public agreements are open to everyone, so every reader may use the list.
    return policy.decide(actor, policy.VIEW, Agreement).allowed


def register() -> None:
    register_nav(NavLink("deals", "/deals/", gettext_lazy("Deals"), order=60, visible=_may_read))
    register_tile(Tile("deals-recent", gettext_lazy("Recent agreements in your park"), frozenset({Role.OPERATOR}),
                       recent_agreements, order=40))
    for key, label in (("parties", gettext_lazy("parties")), ("signatories", gettext_lazy("signatories")),
                       ("projects", gettext_lazy("linked projects")), ("ip_assets", gettext_lazy("linked IP assets")),
                       ("documents", gettext_lazy("documents")), ("licence_terms", gettext_lazy("licence terms"))):
        history.register("deals.agreement", key, label=label)
    for key, label in (("owners", gettext_lazy("owners")), ("projects", gettext_lazy("linked projects"))):
        history.register("deals.ipasset", key, label=label)
    for key, label in (("organisers", gettext_lazy("organisers")), ("participants", gettext_lazy("participants"))):
        history.register("deals.event", key, label=label)

"""The financing app's home-page tiles and navigation link, registered in FinancingConfig.ready."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from biopark.accounts.models import Role
from biopark.accounts.policy import Actor
from biopark.core.formatting import format_date, format_number
from biopark.core.nav import NavLink, register_nav
from biopark.core.tiles import Tile, TileData, TileItem, register_tile
from biopark.financing import selectors

# A match counts as new for this long after its financing need was published.
NEW_FOR = dt.timedelta(days=30)
NAV_ROLES = (Role.ADMIN, Role.OPERATOR, Role.ENTERPRISE_MEMBER, Role.PLATFORM_MANAGER, Role.INVESTOR)


def investor_tile(actor: Actor) -> TileData | None:
    organisation = selectors.investor_organisation(actor.user)
    if organisation is None:
        return None
    new = selectors.projects_for_investor(actor.user, organisation.pk, limit=5, since=timezone.now() - NEW_FOR)
    items = [TileItem(label=m.project.display_name, href=f"/financing/projects/{m.project.pk}/",
                      detail=_("%(score)s points") % {"score": m.match.score}) for m in new]
    items += [TileItem(label=r.event.title, href=f"/financing/roadshows/{r.pk}/",
                      detail=format_date(r.event.starts_on, get_language(), precision=r.event.starts_precision or None))
              for r in selectors.upcoming_roadshows(actor.user, limit=3)]
    return TileData(value=format_number(len(new), get_language()), value_label=_("new matches"), href="/financing/",
                    items=items, empty_text=_("No new match and no upcoming roadshow."))


def enterprise_tile(actor: Actor) -> TileData | None:
    if not actor.organisation_id:
        return None
    found = selectors.introductions(actor.user, limit=5)
    items = [TileItem(label=f"{i.investor} ↔ {i.project.display_name}", href=f"/financing/projects/{i.project_id}/")
             for i in found]
    return TileData(value=format_number(len(found), get_language()), value_label=_("introductions to investors"),
                    href="/financing/", items=items, empty_text=_("No introduction yet."))


def register() -> None:
    register_nav(NavLink(key="financing", url="/financing/", label=gettext_lazy("Financing"), order=76,
                         visible=lambda actor: actor.is_admin or actor.role in NAV_ROLES))
    register_tile(Tile(key="financing.investor", title=gettext_lazy("New matches and roadshows"),
                       roles=frozenset({Role.INVESTOR.value}), build=investor_tile, order=20))
    register_tile(Tile(key="financing.introductions", title=gettext_lazy("Introductions to investors"),
                       roles=frozenset({Role.ENTERPRISE_MEMBER.value, Role.PLATFORM_MANAGER.value}),
                       build=enterprise_tile, order=55))

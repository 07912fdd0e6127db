"""The deals app's navigation link and home-page tile, registered in DealsConfig.ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core import formatting, history
from biopark.core.nav import NavLink, register_nav
from biopark.core.roles import Role
from biopark.core.tiles import Tile, TileData, TileItem, register_tile
from biopark.deals import selectors
from biopark.deals.models import Agreement, AgreementParty, Signatory
from biopark.ecosystem.models import Organisation, Person


def recent_agreements(actor: policy.Actor) -> TileData | None:
    """An operator's home: the latest agreements signed in their park."""
    if actor.role != Role.OPERATOR or not actor.park_scope:
        return None
    rows = selectors.recent_in_parks(actor.park_scope, actor.user)
    items = [
        TileItem(label=a.title, href=f"/deals/{a.pk}/",
                 detail=formatting.format_date(a.signed_on, get_language(), precision=a.signed_precision or None)
                 if a.signed_on else str(a.get_status_display()))
        for a in rows
    ]
    return TileData(items=items, href="/deals/", empty_text=_("No agreements recorded in your park yet."))


def _may_read(actor: policy.Actor) -> bool:
    # Public agreements are open to everyone, so every reader may use the list.
    return policy.decide(actor, policy.VIEW, Agreement).allowed


def _linked(model: Any, choices: Any) -> Any:
    """How history shows one "id:role" link: the record's name and the role's label."""

    def show(value: Any) -> str:
        pk, _sep, role = str(value).partition(":")
        record = model.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
        label = dict(choices).get(role, role)
        return f"{record if record is not None else '#' + pk} ({label})" if role else str(record or pk)

    return show


def _terms(value: Any) -> str:
    """How history shows a licence's terms: the upfront payment and how many milestones and tiers."""
    if not isinstance(value, dict):
        return str(value)
    upfront = value.get("upfront_amount")
    money = formatting.format_money(upfront, value.get("currency") or "", get_language()).text if upfront else "—"
    return _("upfront %(upfront)s; %(milestones)d milestones; %(tiers)d royalty tiers") % {
        "upfront": money, "milestones": len(value.get("milestones") or []),
        "tiers": len(value.get("royalty_tiers") or [])}


def register() -> None:
    register_nav(NavLink("deals", "/deals/", gettext_lazy("Deals"), order=72, visible=_may_read))
    register_tile(Tile("deals.recent", gettext_lazy("Recent agreements in your park"), frozenset({Role.OPERATOR}),
                       recent_agreements, order=42, cache_seconds=60))
    history.register("deals.agreement", "parties", label=gettext_lazy("parties"),
                     value=_linked(Organisation, AgreementParty.Role.choices))
    history.register("deals.agreement", "signatories", label=gettext_lazy("signatories"),
                     value=_linked(Person, Signatory.Role.choices))
    history.register("deals.agreement", "licence_terms", label=gettext_lazy("licence terms"), value=_terms)
    history.register("deals.event", "participants", label=gettext_lazy("participants"), value=_linked(Person, ()))
    for key, label in (("projects", gettext_lazy("linked projects")), ("ip_assets", gettext_lazy("linked IP assets")),
                       ("documents", gettext_lazy("documents"))):
        history.register("deals.agreement", key, label=label)
    for key, label in (("owners", gettext_lazy("owners")), ("projects", gettext_lazy("linked projects"))):
        history.register("deals.ipasset", key, label=label)
    history.register("deals.event", "organisers", label=gettext_lazy("organisers"))

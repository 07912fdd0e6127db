"""What investment promotion adds to the shared page furniture: its navigation link (for operators and
administrators only: every other role would get a refusal) and the operators' home tile of leads whose next
action is due or overdue."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from biopark.core import formatting
from biopark.core.demo_texts import shown
from biopark.core.nav import NavLink, register_nav
from biopark.core.policy import Actor
from biopark.core.roles import Role
from biopark.core.tiles import Tile, TileData, TileItem, register_tile
from biopark.promotion import rules, selectors


def _due_tile(actor: Actor) -> TileData | None:
    if not rules.may_use(actor):
        return None
    today = timezone.localdate()
    count, leads = selectors.due_leads(actor, today=today)
    language = get_language()
    unnamed = _("next action")
    items = []
    for lead in leads:
        action, due = shown(lead.next_action) or unnamed, formatting.format_date(lead.next_action_due, language)
        items.append(TileItem(label=f"{lead.organisation} · {shown(lead.project)}", href=f"/promotion/leads/{lead.pk}/", detail=f"{action} · {due}",
                              status="overdue" if selectors.is_overdue(lead, today) else "due"))
    return TileData(
        value=formatting.format_number(count, language),
        value_label=_("leads with an action due or overdue"),
        href="/promotion/leads/?due=1",
        items=items,
        empty_text=_("No lead has an action due."),
    )


def register() -> None:
    register_nav(NavLink(key="promotion", url="/promotion/", label=gettext_lazy("Investment promotion"), order=74,
                         visible=rules.may_use))
    register_tile(Tile(key="promotion.due", title=gettext_lazy("Leads to follow up"),
                       roles=frozenset({Role.OPERATOR.value, Role.ADMIN.value}), build=_due_tile, order=44,
                       cache_seconds=60))

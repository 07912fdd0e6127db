"""The catalogue entry form: what the page shows for each field (label, widget, value, error) and what a
posted form means for `services.service_create` / `service_update`. Validation stays in the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.ecosystem.models import STAGES, Organisation, Platform
from biopark.services.models import Category, PriceModel, Service


@dataclass
class Field:
    name: str
    label: str
    widget: str = "text"  # text, textarea, select, checkbox, stages, number
    value: Any = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""
    help: str = ""
    required: bool = False


def _aliases(text: str) -> list[str]:
    return [a.strip() for a in text.replace("；", ";").replace("，", ";").replace(",", ";").split(";") if a.strip()]


def data_from_post(post: QueryDict) -> dict[str, Any]:
    """The posted form as the services' data (every editable field; an unticked box is False)."""
    return {
        "name_zh": post.get("name_zh", "").strip(),
        "name_en": post.get("name_en", "").strip(),
        "aliases": _aliases(post.get("aliases", "")),
        "category": post.get("category", ""),
        "stages": post.getlist("stages"),
        "description_zh": post.get("description_zh", "").strip(),
        "description_en": post.get("description_en", "").strip(),
        "price_model": post.get("price_model", ""),
        "price_amount": post.get("price_amount", "").strip(),
        "currency": post.get("currency", ""),
        "target_days": post.get("target_days", "").strip(),
        "active": post.get("active") == "on",
    }


def values_of(service: Service | None) -> dict[str, Any]:
    if service is None:
        return {"category": "", "stages": [], "price_model": PriceModel.QUOTE, "target_days": 10, "active": True,
                "aliases": "", "price_amount": "", "currency": ""}
    return {
        "name_zh": service.name_zh, "name_en": service.name_en, "aliases": "; ".join(service.aliases),
        "category": service.category, "stages": list(service.stages), "description_zh": service.description_zh,
        "description_en": service.description_en, "price_model": service.price_model,
        "price_amount": "" if service.price_amount is None else str(service.price_amount),
        "currency": service.currency, "target_days": service.target_days, "active": service.active,
    }


def fields(values: dict[str, Any], errors: dict[str, str], providers: list[tuple[str, str]] | None) -> list[Field]:
    """The form's fields; `providers` is None when editing (the provider of an entry does not change)."""
    def f(name: str, label: str, **kw: Any) -> Field:
        value = values.get(name, "")
        if isinstance(value, list) and name != "stages":
            value = "; ".join(value)
        return Field(name=name, label=label, value=value, error=errors.get(name, ""), **kw)

    out = []
    if providers is not None:
        out.append(f("provider", _("Provider"), widget="select", required=True,
                     choices=[("", _("Choose the provider…")), *providers],
                     help=_("The organisation or platform that answers the requests.")))
    out += [
        f("name_zh", _("Name (Chinese)"), required=True),
        f("name_en", _("Name (English)")),
        f("aliases", _("Aliases"), help=_("Other names people search for, separated by semicolons.")),
        f("category", _("Category"), widget="select", required=True,
          choices=[("", _("Choose a category…")), *Category.choices]),
        f("stages", _("Stages served"), widget="stages", choices=list(STAGES)),
        f("description_zh", _("Description (Chinese)"), widget="textarea"),
        f("description_en", _("Description (English)"), widget="textarea"),
        f("price_model", _("Price model"), widget="select", choices=list(PriceModel.choices)),
        f("price_amount", _("Price"), widget="number", help=_("Leave empty when the price is quoted.")),
        f("currency", _("Currency"), widget="select", choices=[("", "—"), ("CNY", _("Chinese yuan (CNY)")),
                                                               ("USD", _("US dollar (USD)")), ("EUR", _("Euro (EUR)"))]),
        f("target_days", _("Target time (days)"), widget="number", required=True),
        f("active", _("Offered"), widget="checkbox"),
    ]
    # The services name a missing provider "provider"; a form error naming a field the form lacks is shown on top.
    return out


def provider_choices(user: Any) -> list[tuple[str, str]]:
    """The providers this user may create entries for: a platform manager's own organisation and its platforms;
    an operator's park's organisations and platforms; everything for administrators."""
    actor = policy.actor_for(user)
    orgs = Organisation.objects.none()
    platforms = Platform.objects.none()
    if actor.is_admin:
        orgs, platforms = Organisation.objects.all(), Platform.objects.all()
    elif actor.role == Role.OPERATOR and actor.park_scope:
        orgs = Organisation.objects.filter(park_id__in=actor.park_scope)
        platforms = Platform.objects.filter(park_id__in=actor.park_scope)
    elif actor.role == Role.PLATFORM_MANAGER and actor.organisation_id:
        orgs = Organisation.objects.filter(pk=actor.organisation_id)
        platforms = Platform.objects.filter(operator_id=actor.organisation_id)
    out = [(f"p{p.pk}", _("Platform: %(name)s") % {"name": p.display_name}) for p in platforms.order_by("id")[:500]]
    out += [(f"o{o.pk}", _("Organisation: %(name)s") % {"name": o.display_name}) for o in orgs.order_by("id")[:500]]
    return out


def resolve_provider(value: str, choices: list[tuple[str, str]]) -> tuple[Organisation | None, Platform | None]:
    """The chosen provider, only among the offered choices (anything else chooses nothing)."""
    if value not in {code for code, _label in choices}:
        return None, None
    kind, pk = value[0], int(value[1:])
    if kind == "p":
        platform = Platform.objects.filter(pk=pk).select_related("operator").first()
        return (platform.operator if platform else None), platform
    return Organisation.objects.filter(pk=pk).first(), None

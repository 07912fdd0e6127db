"""The lead form as the pages show it: one descriptor per field (label, input kind, value, choices, error),
so the create and edit pages render every field and its error the same way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from biopark.deals.models import Agreement, Event
from biopark.ecosystem.models import Park
from biopark.promotion.models import Lead, Source

CURRENCY_CHOICES = [("", "—"), ("CNY", "CNY"), ("USD", "USD"), ("EUR", "EUR")]


@dataclass
class Field:
    name: str
    label: Any
    kind: str = "text"  # text, textarea, number, date, select
    value: Any = ""
    choices: list[tuple[Any, Any]] = field(default_factory=list)
    required: bool = False
    error: str = ""
    help: Any = ""


def _label(name: str) -> Any:
    return getattr(Lead._meta.get_field(name), "verbose_name", name)


def lead_fields(
    *, values: dict[str, Any], errors: dict[str, str], parks: list[Park], owners: list[Any],
    events: list[Event], agreements: list[Agreement], organisations: list[Any], creating: bool,
) -> list[Field]:
    def choice_list(items: list[Any], empty: bool = True) -> list[tuple[Any, Any]]:
        head: list[tuple[Any, Any]] = [("", "—")] if empty else []
        return head + [(str(item.pk), str(item)) for item in items]

    owner_choices: list[tuple[Any, Any]] = [("", "—")] + [
        (str(u.pk), (f"{u.first_name} {u.last_name}".strip() or u.get_username())) for u in owners
    ]
    fields = [
        Field("park", _label("park"), "select", choices=choice_list(parks, empty=len(parks) != 1), required=True),
        Field("organisation", _label("organisation"), "select", choices=choice_list(organisations),
              required=not creating,
              help=_("from the registry; or name a new organisation below") if creating else ""),
    ]
    if creating:
        fields += [
            Field("new_organisation_zh", _("new organisation: Chinese name")),
            Field("new_organisation_en", _("new organisation: English name")),
        ]
    fields += [
        Field("project", _label("project"), required=True),
        Field("description", _label("description"), "textarea"),
        Field("investment_amount", _label("investment_amount"), "number"),
        Field("investment_currency", _label("investment_currency"), "select", choices=CURRENCY_CHOICES),
        Field("jobs", _label("jobs"), "number"),
        Field("space_m2", _label("space_m2"), "number"),
        Field("source", _label("source"), "select", choices=[("", "—"), *Source.choices], required=True),
        Field("source_event", _label("source_event"), "select", choices=choice_list(events)),
        Field("owner", _label("owner"), "select", choices=owner_choices),
        Field("next_action", _label("next_action")),
        Field("next_action_due", _label("next_action_due"), "date"),
        Field("policy_package", _label("policy_package"), "textarea"),
        Field("policy_amount", _label("policy_amount"), "number"),
        Field("policy_currency", _label("policy_currency"), "select", choices=CURRENCY_CHOICES),
        Field("agreement", _label("agreement"), "select", choices=choice_list(agreements)),
    ]
    for f in fields:
        raw = values.get(f.name, "")
        f.value = "" if raw is None else str(raw)
        f.error = errors.get(f.name, "")
    if errors.get("new_organisation"):
        for f in fields:
            if f.name == "new_organisation_zh":
                f.error = errors["new_organisation"]
    return fields


def initial_values(lead: Lead) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("park", "organisation", "source_event", "owner", "agreement"):
        values[name] = getattr(lead, f"{name}_id") or ""
    for name in ("project", "description", "investment_currency", "source", "next_action", "policy_package",
                 "policy_currency"):
        values[name] = getattr(lead, name)
    for name in ("investment_amount", "jobs", "space_m2", "policy_amount"):
        value = getattr(lead, name)
        values[name] = "" if value is None else str(value)
    values["next_action_due"] = lead.next_action_due.isoformat() if lead.next_action_due else ""
    return values


EDITABLE_NAMES = ["park", "organisation", "project", "description", "investment_amount", "investment_currency",
                  "jobs", "space_m2", "source", "source_event", "owner", "next_action", "next_action_due",
                  "policy_package", "policy_amount", "policy_currency", "agreement"]


def posted(data: Any) -> dict[str, Any]:
    """The lead fields of a posted form, as text (the services read and check them)."""
    return {name: str(data.get(name, "")).strip() for name in EDITABLE_NAMES if name in data}

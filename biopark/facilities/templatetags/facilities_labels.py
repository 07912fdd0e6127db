"""Labels of the facilities' codes in templates: opening hours by weekday name, price classes, rules."""

from __future__ import annotations

from typing import Any

from django import template

from biopark.facilities import timeutil, week
from biopark.facilities.models import WEEKDAY_LABELS, WEEKDAYS, Resource, UsageRecord
from biopark.facilities.policy import rule_label

register = template.Library()


@register.filter
def opening_hours(hours: Any) -> list[tuple[str, str]]:
    """[(weekday label, "08:30–12:00, 13:00–18:00")] in week order: "周一 08:30–18:00" / "Mon 08:30–18:00"."""
    if not isinstance(hours, dict):
        return []
    rows = []
    for day in WEEKDAYS:
        spans = hours.get(day)
        if spans:
            rows.append((str(WEEKDAY_LABELS[day]), ", ".join(f"{a}–{b}" for a, b in spans)))
    return rows


@register.filter
def weekday(code: Any) -> str:
    return str(WEEKDAY_LABELS.get(code, code))


@register.filter
def rate_label(code: Any) -> str:
    return str(dict(UsageRecord.Rate.choices).get(code, code))


@register.filter
def rule(code: Any) -> str:
    return rule_label(str(code))


@register.filter
def free_link(resource: Resource, slot: Any) -> str:
    """The resource page with its booking form filled in for a free slot (the chips of the search list)."""
    tz = timeutil.resource_zone(resource)
    return week.free_link(resource, slot.start.astimezone(tz), slot.end.astimezone(tz))

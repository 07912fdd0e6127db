"""The resource form of the platform managers' pages: read from a POST into the data `resource_create` and
`resource_update` take, with every field's error found at once; and the values the form shows (the
submitted ones after an error, so nothing typed is lost).

Opening hours come from a weekly picker (per weekday up to RANGES from–to pairs), aliases from tag chips
(checked chips are kept, new ones typed in a text box), never as JSON."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from biopark.core.writes import field_label
from biopark.ecosystem.models import Platform
from biopark.facilities.models import WEEKDAY_LABELS, WEEKDAYS, Resource

RANGES = 3  # from–to pairs offered per weekday (more than the longest day saved so far when needed)

TEXTS = ["name_zh", "name_en", "unit_label", "description_zh", "description_en", "price_note"]
INTS = ["capacity", "min_minutes", "max_minutes", "max_advance_days", "notice_minutes", "cancel_notice_minutes",
        "buffer_minutes"]
DECIMALS = ["price_member", "price_non_member", "quota_hours_week", "quota_hours_month"]
OPTIONAL = {"quota_hours_week", "quota_hours_month"}
BOOLS = ["is_active", "requires_approval", "requires_qualification"]
CHOICES = {"kind": Resource.Kind, "price_unit": Resource.PriceUnit}
_ALIAS_SPLIT = re.compile(r"[,;，；、\n]+")


def label(name: str) -> str:
    return field_label(Resource, name)


@dataclass
class ResourceForm:
    values: dict[str, Any]
    hours: list[dict[str, Any]]  # per weekday: {"code", "label", "ranges": [(from, to)], "error"}
    aliases: list[str]
    errors: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    platform: Platform | None = None

    def label(self, name: str) -> str:
        return label(name)


def _hours_rows(opening: dict[str, list[list[str]]], errors: dict[str, str]) -> list[dict[str, Any]]:
    slots = max([RANGES, *(len(v) + 1 for v in opening.values())])
    rows = []
    for day in WEEKDAYS:
        spans = [(a, "00:00" if b == "24:00" else b) for a, b in opening.get(day, [])]
        spans += [("", "")] * (slots - len(spans))
        rows.append({"code": day, "label": str(WEEKDAY_LABELS[day]), "ranges": spans, "error": errors.get(f"oh-{day}", "")})
    return rows


def initial(resource: Resource | None, platforms: QuerySet[Platform]) -> ResourceForm:
    """The form for a new resource (defaults of the model) or for editing one."""
    source = resource or Resource()
    values: dict[str, Any] = {n: getattr(source, n) for n in [*TEXTS, *INTS, *BOOLS, *CHOICES, "currency"]}
    for n in DECIMALS:
        amount = getattr(source, n)
        values[n] = "" if amount is None else f"{amount.normalize():f}"
    values["platform"] = str(source.platform_id) if resource else str(getattr(platforms.first(), "pk", ""))
    return ResourceForm(values, _hours_rows(source.opening_hours or {}, {}), list(source.aliases or []))


def _opening_hours(post: QueryDict, errors: dict[str, str]) -> dict[str, list[list[str]]]:
    opening: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        spans = []
        for i in range(32):
            start, end = post.get(f"oh-{day}-{i}-from"), post.get(f"oh-{day}-{i}-to")
            if start is None and end is None:
                break
            start, end = (start or "").strip(), (end or "").strip()
            if not start and not end:
                continue
            if not start or not end:
                errors[f"oh-{day}"] = _("%(day)s: give both the opening and the closing time") % {"day": WEEKDAY_LABELS[day]}
                continue
            if end <= start and end != "00:00":
                errors[f"oh-{day}"] = _("%(day)s: %(from)s–%(to)s ends before it starts") % {
                    "day": WEEKDAY_LABELS[day], "from": start, "to": end}
                continue
            spans.append([start, "24:00" if end == "00:00" else end])
        if spans:
            opening[day] = sorted(spans)
    return opening


def parse(post: QueryDict, platforms: QuerySet[Platform]) -> ResourceForm:
    """The submitted form: its values as typed, the data for the service and the errors found."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {n: post.get(n, "").strip() for n in [*TEXTS, *INTS, *DECIMALS, *CHOICES, "currency"]}
    values.update({n: post.get(n) == "on" for n in BOOLS})
    values["platform"] = post.get("platform", "")
    only = platforms.first() if not values["platform"] and platforms.count() == 1 else None
    if only is not None:  # the edit form shows the platform without a choice
        values["platform"] = str(only.pk)
    data: dict[str, Any] = {n: values[n] for n in TEXTS}
    data.update({n: values[n] for n in BOOLS})
    for n in INTS:
        try:
            number = int(values[n])
        except ValueError:
            errors[n] = _("%(field)s must be a whole number") % {"field": label(n)}
            continue
        if number < 0:
            errors[n] = _("%(field)s must not be negative") % {"field": label(n)}
        data[n] = number
    for n in DECIMALS:
        if values[n] == "" and n in OPTIONAL:
            data[n] = None
            continue
        try:
            amount = Decimal(values[n] or "x")
        except InvalidOperation:
            errors[n] = _("%(field)s must be a decimal number") % {"field": label(n)}
            continue
        if amount < 0 or not amount.is_finite():
            errors[n] = _("%(field)s must not be negative") % {"field": label(n)}
        data[n] = amount
    for n, choices in CHOICES.items():
        if values[n] not in choices.values:
            errors[n] = _("choose a %(field)s") % {"field": label(n)}
        data[n] = values[n]
    data["currency"] = values["currency"] or "CNY"
    platform = None
    with contextlib.suppress(ValueError):
        platform = platforms.filter(pk=int(values["platform"])).first()
    if platform is None:
        errors["platform"] = _("choose one of the platforms you manage")
    opening = _opening_hours(post, errors)
    data["opening_hours"] = opening
    aliases = [a.strip() for a in post.getlist("alias") if a.strip()]
    for typed in _ALIAS_SPLIT.split(post.get("alias_new", "")):
        if typed.strip() and typed.strip() not in aliases:
            aliases.append(typed.strip()[:200])
    data["aliases"] = aliases
    if "min_minutes" in data and "max_minutes" in data and data["max_minutes"] < data["min_minutes"]:
        errors["max_minutes"] = _("the maximum length must not be below the minimum")
    form = ResourceForm(values, [], aliases, errors, data, platform)
    form.hours = _hours_rows(opening, errors)
    # Keep the half-typed ranges in view after an error: re-read them as typed.
    for row in form.hours:
        typed = []
        for i in range(32):
            start, end = post.get(f"oh-{row['code']}-{i}-from"), post.get(f"oh-{row['code']}-{i}-to")
            if start is None and end is None:
                break
            typed.append((start or "", end or ""))
        if typed:
            row["ranges"] = typed + [("", "")] * max(0, RANGES - len(typed))
    return form

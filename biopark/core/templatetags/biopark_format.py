"""Template filters that show numbers, money and dates in the reader's language (biopark.core.formatting).

    {% load biopark_format %}
    {{ resource.price_member|money:resource.currency }}   12 亿美元 (exact value in the title) / 1,200,000,000 USD
    {{ count|num }}                                       1,234,567
    {{ req.due_on|day }}                                  2026年3月23日 / 23 Mar 2026
    {{ e.occurred_on|partial_date:e.occurred_precision }} 2026年3月 / Mar 2026
    {{ h.at|moment }}                                     2026年3月23日 14:05 / 23 Mar 2026, 14:05
    {{ indicator.unit|unit }}                             亿元 / 100M CNY (a unit typed by hand shows as typed)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, pgettext_lazy

from biopark.core import formatting

register = template.Library()

# The units the indicator catalogue uses, stored as short English codes; each has a label in both languages.
UNIT_LABELS = {
    "count": pgettext_lazy("unit", "count"),
    "persons": pgettext_lazy("unit", "persons"),
    "10k persons": pgettext_lazy("unit", "10k persons"),
    "days": pgettext_lazy("unit", "days"),
    "km²": pgettext_lazy("unit", "km²"),
    "10k m²": pgettext_lazy("unit", "10k m²"),
    "100M CNY": pgettext_lazy("unit", "100M CNY"),
    "CNY/m²/month": pgettext_lazy("unit", "CNY/m²/month"),
    "score": pgettext_lazy("unit", "score"),
}


@register.filter
def unit(value: Any) -> str:
    """A catalogue unit by its label in the reader's language; any other unit as it was typed."""
    text = "" if value is None else str(value)
    return str(UNIT_LABELS.get(text, text))


@register.filter
def num(value: Any, places: Any = None) -> str:
    digits = int(places) if places not in (None, "") else None
    return formatting.format_number(value, get_language(), places=digits)


@register.filter
def money(value: Any, currency: Any = "") -> SafeString | str:
    """The amount with its currency; a shortened Chinese amount carries the exact one as its hover title."""
    if value is None or value == "":
        return ""
    amount = formatting.format_money(value, str(currency or ""), get_language())
    if amount.shortened:
        return format_html('<span class="amount" title="{}">{}</span>', amount.exact, amount.text)
    return amount.text


@register.filter
def money_exact(value: Any, currency: Any = "") -> str:
    if value is None or value == "":
        return ""
    return formatting.format_money(value, str(currency or ""), get_language()).exact


@register.filter
def day(value: Any) -> str:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formatting.format_date(value, get_language())


@register.filter
def partial_date(value: Any, precision: Any = None) -> str:
    return formatting.format_date(value, get_language(), precision=str(precision or "") or None)


@register.filter
def moment(value: Any) -> str:
    if not isinstance(value, dt.datetime):
        return formatting.format_date(value, get_language()) if value else ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formatting.format_datetime(value, get_language())


def _local(value: Any) -> Any:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def short_day(value: Any) -> str:
    return formatting.format_day_short(_local(value), get_language())


@register.filter
def weekday_time(value: Any) -> str:
    return formatting.format_weekday_time(_local(value), get_language()) if isinstance(value, dt.datetime) else ""

"""How a lead's history shows an activity: its kind's label and its date, in the reader's language.

`lead_activity_add` records {"kind": code, "on": ISO date}; rows written before that stored one sentence in
the language of whoever logged the activity, and are shown as stored.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

from biopark.core import formatting, history
from biopark.promotion.models import Activity


def activity_line(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    kind = value.get("kind")
    label = Activity.Kind(kind).label if kind in Activity.Kind.values else str(kind or "")
    day = formatting.format_date(value.get("on"), get_language())
    return f"{label} {day}".strip()


def register() -> None:
    history.register("promotion.lead", "activities", value=activity_line)

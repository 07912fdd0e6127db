"""{% for entry in history|history_display %}: change-history rows with labelled fields and named records
(biopark.core.history), for every history list of every app."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from biopark.core.history import HistoryEntry, describe, import_result_label

register = template.Library()


@register.filter
def history_display(records: Iterable[Any] | None) -> list[HistoryEntry]:
    return describe(records or [])


@register.filter
def import_result(code: str) -> str:
    """An import row's result ("create") by its label ("new record" / "新记录")."""
    return import_result_label(code)

"""Template helpers for bilingual fields: {{ obj|bi:"description" }} picks description_zh or _en."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


def _zh() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


@register.filter
def bi(obj: Any, field: str) -> str:
    zh = getattr(obj, f"{field}_zh", "") or ""
    en = getattr(obj, f"{field}_en", "") or ""
    return (zh or en) if _zh() else (en or zh)


@register.filter
def bi_other(obj: Any, field: str) -> str:
    zh = getattr(obj, f"{field}_zh", "") or ""
    en = getattr(obj, f"{field}_en", "") or ""
    first = (zh or en) if _zh() else (en or zh)
    other = en if first == zh else zh
    return "" if other == first else other


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def stored(value: Any) -> str:
    """A single-language field in the reader's language when the demo wrote it (biopark.core.demo_texts)."""
    from biopark.core.demo_texts import shown

    return shown(value)

"""`{{ framework.credit|shown }}`: a text the platform stored on a framework, version or run, in the reader's
language (see rankings.labels.system_text)."""

from __future__ import annotations

from django import template

from biopark.rankings.labels import system_text

register = template.Library()


@register.filter
def shown(text: object) -> str:
    return system_text("" if text is None else str(text))

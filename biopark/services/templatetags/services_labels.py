"""Labels of the services' codes in templates: {{ service.stages|stage_labels }}."""

from __future__ import annotations

from typing import Any

from django import template

from biopark.ecosystem.models import STAGES

register = template.Library()
_LABELS = dict(STAGES)


@register.filter
def stage_labels(codes: Any) -> str:
    return ", ".join(str(_LABELS.get(c, c)) for c in codes or [])

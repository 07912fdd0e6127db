"""Labels of the pipeline's codes in templates: {{ ind.therapeutic_area|area }}, {{ p.therapeutic_areas|areas }}."""

from __future__ import annotations

from typing import Any

from django import template

from biopark.pipeline.models import stage_label
from biopark.pipeline.vocabulary import area_label

register = template.Library()


@register.filter
def area(value: Any) -> str:
    return area_label(value)


@register.filter
def areas(values: Any) -> str:
    return ", ".join(area_label(v) for v in values or [])


@register.filter
def stage(value: Any) -> str:
    return stage_label(value)

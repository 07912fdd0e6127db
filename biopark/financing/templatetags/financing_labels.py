"""Labels of the financing codes for pages: stages, modalities, areas and rounds by their names, and the
notification texts in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from biopark.financing.matching import stage_range
from biopark.financing.models import Notification, Round
from biopark.pipeline.models import Modality, stage_label
from biopark.pipeline.vocabulary import area_label

register = template.Library()





@register.filter
def stage_names(codes: Any) -> str:
    return stage_range(codes or []) or "—"


@register.filter
def stage_name(code: Any) -> str:
    return stage_label(code) or "—"


@register.filter
def modality_names(codes: Any) -> str:
    return ", ".join(str(Modality(c).label) if c in Modality.values else str(c) for c in codes or []) or "—"


@register.filter
def area_names(codes: Any) -> str:
    return ", ".join(area_label(c) for c in codes or []) or "—"


@register.filter
def round_names(codes: Any) -> str:
    return ", ".join(str(Round(c).label) if c in Round.values else str(c) for c in codes or []) or "—"


@register.filter
def notice_text(notice: Notification) -> str:
    intro = notice.introduction
    if intro is None:
        return str(notice.get_kind_display())
    values = {"investor": str(intro.investor), "project": intro.project.display_name}
    if notice.kind == Notification.Kind.INTRODUCED_INVESTOR:
        return _("The park introduced you to the project %(project)s.") % values
    return _("The park introduced %(investor)s to your project %(project)s.") % values


@register.filter
def has_code(codes: Any, code: str) -> bool:
    return code in (codes or [])

"""What every review form shares: a labelled field, and the lookups and the citation each accepted record
needs (split out of accept.py so that the forms of each record type can live in their own modules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from biopark.core.errors import ValidationFailed
from biopark.core.text import has_han
from biopark.ecosystem import services as registry
from biopark.ecosystem.selectors import resolve_record
from biopark.news.models import Proposal


@dataclass
class Field:
    name: str
    label: Any
    value: str = ""
    kind: str = "text"
    choices: list[tuple[str, Any]] = field(default_factory=list)
    help: Any = ""


def text_of(value: Any) -> str:
    return "" if value is None else str(value)


def split_name(name: str) -> tuple[str, str]:
    return (name, "") if has_han(name) else ("", name)


def find_record(type_name: str, text: str, field_name: str, *, required: bool = True) -> Any:
    """The registry record `text` names ("organisation:7", an id, a key or a name), or a refusal naming the
    form's field."""
    text = (text or "").strip()
    if ":" in text and text.split(":", 1)[0] == type_name and text.split(":", 1)[1].isdigit():
        text = text.split(":", 1)[1]
    if not text:
        if required:
            raise ValidationFailed(_("name a registry record"), field=field_name)
        return None
    try:
        return resolve_record(type_name, text)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field=field_name) from exc


def cite(actor: Any, record: models.Model, proposal: Proposal, field_name: str = "") -> None:
    start, end = proposal.span_start, proposal.span_end
    span = (start, end) if start is not None and end is not None else None
    registry.citation_add(actor=actor, record=record, source=proposal.document.source, span=span, field=field_name)


def nearest_subject(proposal: Proposal, neighbours: list[Proposal]) -> str:
    """For a figure: the matched organisation or park mentioned last before it (the usual subject)."""
    best = ""
    for other in neighbours:
        if other.type == "organisation" and other.match and (other.span_start or 0) <= (proposal.span_start or 0):
            best = other.fields.get("name") or ""
    return best

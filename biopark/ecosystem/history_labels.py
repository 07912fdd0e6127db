"""How the history shows the ecosystem's keys that are not fields: a relation added or removed."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from biopark.core import history
from biopark.ecosystem.fields import TYPE_NAMES
from biopark.ecosystem.models import ENTITY_TYPES, Relation

# What relation_add / relation_delete write: "member_of organisation:12 (康诺亚)" or "member_of organisation:12".
_RELATION = re.compile(r"^(?P<predicate>\w+) (?P<type>\w+):(?P<id>\d+)(?: \((?P<name>.*)\))?$")


def relation_label(value: Any) -> str:
    """A relation as a person reads it: its predicate's label and the other record's name."""
    match = _RELATION.match(str(value))
    if not match:
        return str(value)
    try:
        predicate = str(Relation.Predicate(match["predicate"]).label)
    except ValueError:
        predicate = match["predicate"]
    # The record's name in the reader's language while it exists; else the name it had when linked.
    model = TYPE_NAMES.get(match["type"])
    found = model._default_manager.filter(pk=int(match["id"])).first() if model is not None else None
    if found is not None:
        name = str(getattr(found, "display_name", "") or found)
    else:
        name = match["name"] or f"#{match['id']}"
    return f"{predicate} {name}"


def register() -> None:
    for entity in ENTITY_TYPES:
        model = TYPE_NAMES.get(entity)
        if model is not None:
            history.register(model._meta.label_lower, "relations", label=_("relations"), value=relation_label)

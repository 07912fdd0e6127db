"""What an import file may hold, per record type: the columns, which are required, what each takes.

The import page explains them before upload, and the downloadable templates (CSV and XLSX) are made from
the same definitions, with the columns named by their labels (the reader maps labels back to columns)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from biopark.ecosystem import tabular
from biopark.ecosystem.fields import EDITABLE, TYPE_NAMES, field_label
from biopark.ecosystem.models import Person

NOTES: dict[str, Any] = {
    "key": _("optional; a stable identifier: a row with the key of an existing record updates it"),
    "name_zh": _("required unless the English name is given"),
    "name_en": _("required unless the Chinese name is given"),
    "aliases": _("other names, separated by ;"),
    "park": _("the park by name, key or id; park operators must give one, or choose the park for the whole file"),
    "parent": _("the park it lies within, by name, key or id"),
    "operator": _("the organisation running it, by name, key or id"),
    "country": _("two letters, such as CN"),
    "public_directory": _("yes or no"),
    "credit_code": _("18 characters"),
    "founded": _("a year, year-month or full date: 2016, 2016-03 or 2016-03-23"),
    "stages": _("life-cycle stage codes, separated by ;"),
}
POSITION_NOTES: dict[str, Any] = {
    "title_zh": _("a position: its title in Chinese (or English)"),
    "title_en": _("a position: its title in English (or Chinese)"),
    "organisation": _("a position: the organisation, by name, key or id"),
}


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    note: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (code, label) of a field with a fixed set of values


def _choices(model: type[models.Model], name: str) -> tuple[tuple[str, str], ...]:
    field = model._meta.get_field(name)
    return tuple((str(value), str(label)) for value, label in getattr(field, "choices", None) or [])


def columns_for(type_name: str) -> list[Column]:
    """The columns a file of `type_name` records may hold, in the order the template lists them."""
    model = TYPE_NAMES[type_name]
    out = []
    for name in EDITABLE[model]:
        choices = _choices(model, name) if name == "kind" else ()
        note = gettext("the code or the label of one of:") if choices else str(NOTES.get(name, ""))
        # Names: one of the two; a park: for park operators (or chosen for the whole file).
        required = name in ("name_zh", "name_en", "park")
        out.append(Column(name=name, label=field_label(name), note=note, required=required, choices=choices))
    if model is Person:
        out.extend(Column(name=n, label=str(tabular.POSITION_LABELS[n]), note=str(POSITION_NOTES[n])) for n in POSITION_NOTES)
    return out


def template_file(type_name: str, fmt: str) -> bytes:
    """An empty file of `type_name` records: one header row, the columns named by their labels."""
    header = [column.label for column in columns_for(type_name)]
    return tabular.write_table(header, [], fmt)

"""Edit forms for registry records, described from the model so that pages and imports share one
list of fields (biopark.ecosystem.fields). Validation happens once, in the service functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import QueryDict

from biopark.ecosystem.fields import EDITABLE, FIELD_LABELS, FOREIGN, PARTIAL_DATES
from biopark.ecosystem.models import STAGES


@dataclass
class FieldView:
    name: str
    label: str
    widget: str  # text | textarea | select | checkbox | stages
    value: Any
    choices: list[tuple[str, str]]
    error: str = ""
    # After an edit conflict: what is saved now, where it differs from what the user typed.
    saved_now: str = ""

    def shown(self) -> str:
        """The value as a person reads it (a choice's label, not its code)."""
        if self.widget == "stages":
            labels = dict(self.choices)
            return ", ".join(str(labels.get(v, v)) for v in self.value)
        if self.widget == "select":
            return str(dict(self.choices).get(str(self.value), self.value))
        if self.widget == "checkbox":
            return "✓" if self.value else "✗"
        return str(self.value)


def mark_conflicts(typed: list[FieldView], saved: list[FieldView]) -> int:
    """Show beside each field what is saved now where it differs from what the user typed; how many differ."""
    saved_by_name = {f.name: f for f in saved}
    count = 0
    for field in typed:
        other = saved_by_name[field.name]
        mine = sorted(field.value) if field.widget == "stages" else (
            bool(field.value) if field.widget == "checkbox" else str(field.value).strip()
        )
        theirs = sorted(other.value) if other.widget == "stages" else (
            bool(other.value) if other.widget == "checkbox" else str(other.value).strip()
        )
        if mine != theirs:
            field.saved_now = other.shown() or "—"
            count += 1
    return count


def _label(model: type[models.Model], name: str) -> str:
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    field: Any = model._meta.get_field(name)
    return str(field.verbose_name)


def describe(model: type[models.Model], instance: Any, errors: dict[str, str],
             submitted: QueryDict | None = None) -> list[FieldView]:
    out = []
    for name in EDITABLE[model]:
        if submitted is not None:
            value: Any = submitted.getlist(name) if name == "stages" else submitted.get(name, "")
        elif instance is None:
            value = "" if name != "stages" else []
        elif name in PARTIAL_DATES:
            value = getattr(instance, name, "")
        elif name in FOREIGN:
            value = getattr(instance, f"{name}_id") or ""
        elif name == "aliases":
            value = "; ".join(instance.aliases)
        else:
            value = getattr(instance, name)
            value = "" if value is None else value
        choices: list[tuple[str, str]] = []
        if name == "stages":
            widget = "stages"
            choices = [(c, str(label)) for c, label in STAGES]
        elif name in FOREIGN:
            widget = "select"
            target = FOREIGN[name]
            choices = [("", "—")] + [(str(o.pk), str(o)) for o in target._default_manager.order_by("id")[:2000]]
        elif name in PARTIAL_DATES:
            widget = "text"
        else:
            field: Any = model._meta.get_field(name)
            if getattr(field, "choices", None):
                widget = "select"
                choices = [(str(c), str(label)) for c, label in field.choices]
            elif isinstance(field, models.BooleanField):
                widget = "checkbox"
            elif isinstance(field, models.TextField):
                widget = "textarea"
            else:
                widget = "text"
        out.append(FieldView(name, _label(model, name), widget, value, choices, errors.get(name, "")))
    return out


def data_from_post(model: type[models.Model], post: QueryDict) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in EDITABLE[model]:
        if name == "stages":
            data[name] = post.getlist(name)
        elif model._meta.get_field(name if name not in PARTIAL_DATES else PARTIAL_DATES[name][0]).__class__ is models.BooleanField:
            data[name] = name in post
        elif name in post:
            data[name] = post.get(name, "")
    return data

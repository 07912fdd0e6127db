"""Edit forms for registry records, described from the model so that pages and imports share one
list of fields (biopark.ecosystem.fields). Validation happens once, in the service functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import QueryDict

from biopark.ecosystem.fields import EDITABLE, FOREIGN, PARTIAL_DATES
from biopark.ecosystem.models import STAGES


@dataclass
class FieldView:
    name: str
    label: str
    widget: str  # text | textarea | select | checkbox | stages
    value: Any
    choices: list[tuple[str, str]]
    error: str = ""


def _label(model: type[models.Model], name: str) -> str:
    if name in PARTIAL_DATES:
        return "成立时间 / Founded (YYYY, YYYY-MM or YYYY-MM-DD)"
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

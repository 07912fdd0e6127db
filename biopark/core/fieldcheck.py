"""Field validation for bulk imports that gives exactly the answers of Django's `Model.clean_fields`.

`full_clean` on a model instance costs tens of microseconds per row, most of it generic dispatch. An
import of 100,000 rows validates a million values, nearly all of them ordinary: a short string, a known
choice, a date. `FieldChecker` accepts such values with a direct test (length, membership, type) that
implies Django would accept them, and hands every other value to the field's own `clean()`, so a
rejected value gets Django's message word for word. tests/core/test_fieldcheck.py compares both on
generated values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models

Accept = Callable[[Any], bool]

_PLAIN_TEXT_VALIDATORS = (validators.MaxLengthValidator, validators.ProhibitNullCharactersValidator)


def _text_accept(field: models.Field) -> Accept | None:
    if not all(type(v) in _PLAIN_TEXT_VALIDATORS for v in field.validators):
        return None  # URLs, e-mail addresses, custom validators: Django checks them
    limit = field.max_length or 0
    blank = field.blank
    choices = {str(k) for k, _ in field.flatchoices} if field.choices else None

    def accept(value: Any) -> bool:
        return (
            type(value) is str
            and (blank or value != "")
            and (not limit or len(value) <= limit)
            and "\x00" not in value
            and (choices is None or value in choices)
        )

    return accept


def _fast_accept(field: models.Field) -> Accept | None:
    """A test that, when it passes, guarantees `field.clean(value, None)` passes too; or None."""
    if isinstance(field, models.CharField | models.TextField):
        return _text_accept(field)
    if field.choices or field.validators:
        return None
    if isinstance(field, models.DateTimeField):
        return None
    if isinstance(field, models.DateField):
        return lambda value: type(value) is dt.date
    if isinstance(field, models.BooleanField):
        return lambda value: type(value) is bool
    if isinstance(field, models.JSONField) and field.encoder is None:
        return lambda value: type(value) is list and all(type(item) is str for item in value)
    return None


class FieldChecker:
    """Validates plain values (keyed by attribute name) of one model, as `clean_fields` would."""

    def __init__(self, model: type[models.Model]):
        self.fields: dict[str, models.Field] = {
            f.name: f for f in model._meta.concrete_fields if not getattr(f, "generated", False)
        }
        self.fast: dict[str, Accept | None] = {name: _fast_accept(f) for name, f in self.fields.items()}

    def errors(self, values: MutableMapping[str, Any], names: Iterable[str]) -> dict[str, str]:
        """{field name: message} for the fields `names` whose value is invalid; cleaned values are stored back.

        Foreign keys are not looked up here: callers pass ids they resolved themselves (Django's check
        would run one query per row).
        """
        found: dict[str, str] = {}
        for name in names:
            field = self.fields[name]
            if field.is_relation:
                continue
            value = values.get(field.attname)
            if field.blank and value in field.empty_values:
                continue
            accept = self.fast[name]
            if accept is not None and accept(value):
                continue
            try:
                values[field.attname] = field.clean(value, None)
            except ValidationError as exc:
                found[name] = "; ".join(str(m) for m in exc.messages)
        return found

"""Pydantic's validation errors (what django-ninja reports for a bad request) in the request's language.

Pydantic writes its messages in English only; each error carries a stable `type` and a `ctx` of parameters,
from which the message is written again through Django's translation. A ValueError raised by one of our own
validators keeps its (already translated) text."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

_BY_TYPE: dict[str, Any] = {
    "missing": gettext_lazy("This field is required."),
    "string_type": gettext_lazy("Enter text."),
    "string_too_short": gettext_lazy("Enter at least %(min_length)s character(s)."),
    "string_too_long": gettext_lazy("Enter at most %(max_length)s character(s)."),
    "string_pattern_mismatch": gettext_lazy("This text is not in the expected form."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_type": gettext_lazy("Enter a number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "decimal_type": gettext_lazy("Enter a number."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "bool_type": gettext_lazy("Enter a yes-or-no value (a boolean)."),
    "bool_parsing": gettext_lazy("Enter a yes-or-no value (a boolean)."),
    "list_type": gettext_lazy("Enter a list."),
    "dict_type": gettext_lazy("Enter an object."),
    "model_type": gettext_lazy("Enter an object."),
    "model_attributes_type": gettext_lazy("Enter an object."),
    "date_type": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "date_parsing": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "date_from_datetime_inexact": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "datetime_type": gettext_lazy("Enter a date and time (YYYY-MM-DDTHH:MM)."),
    "datetime_parsing": gettext_lazy("Enter a date and time (YYYY-MM-DDTHH:MM)."),
    "datetime_from_date_parsing": gettext_lazy("Enter a date and time (YYYY-MM-DDTHH:MM)."),
    "time_parsing": gettext_lazy("Enter a time (HH:MM)."),
    "greater_than": gettext_lazy("Enter a value greater than %(gt)s."),
    "greater_than_equal": gettext_lazy("Enter a value of at least %(ge)s."),
    "less_than": gettext_lazy("Enter a value less than %(lt)s."),
    "less_than_equal": gettext_lazy("Enter a value of at most %(le)s."),
    "too_short": gettext_lazy("Enter at least %(min_length)s item(s)."),
    "too_long": gettext_lazy("Enter at most %(max_length)s item(s)."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "json_invalid": gettext_lazy("The body is not valid JSON."),
    "url_parsing": gettext_lazy("Enter a web address."),
    "url_type": gettext_lazy("Enter a web address."),
    "extra_forbidden": gettext_lazy("This field is not accepted here."),
    "uuid_parsing": gettext_lazy("Enter a UUID."),
}


def translated_message(error: dict[str, Any]) -> str:
    """One pydantic error's message in the active language."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and ctx.get("error") is not None:
        return str(ctx["error"])
    template = _BY_TYPE.get(kind)
    if template is None:
        return _("This value is not valid.")
    try:
        return str(template) % {k: str(v) for k, v in ctx.items()}
    except (KeyError, ValueError, TypeError):
        return _("This value is not valid.")

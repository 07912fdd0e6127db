"""Reading a page's query parameters: one place decides what a filter accepts.

Every list page reads its filters through `Params`, so a value nobody could have picked from the page (a NUL
byte, a 10,000-character search, an id past the database's range, a date past year 9999, a choice the page
does not offer) is refused with `BadParameter` naming the parameter, instead of reaching the database or a
date computation and ending in a server error. `BadParameter` is a `ValidationFailed` with status 400; the
page middleware (biopark.core.middleware) renders it as an error page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biopark.core.errors import ValidationFailed

MAX_TEXT = 200
# Ids are positive and fit PostgreSQL's integer/bigint; no record of ours goes past 2**31 - 1.
MAX_ID = 2**31 - 1
# Dates a calendar page may show: far enough for any booking, and a week either side stays representable.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)


# How a refusal names a filter to people: the parameter's code is for the address bar, not for the message.
# Apps with filters of their own add theirs (`register_labels`, from their AppConfig.ready).
LABELS: dict[str, Any] = {
    "q": gettext_lazy("search"), "week": gettext_lazy("week"), "month": gettext_lazy("month"),
    "year": gettext_lazy("year"), "start": gettext_lazy("start"), "end": gettext_lazy("end"),
    "page": gettext_lazy("page"), "park": gettext_lazy("park"), "organisation": gettext_lazy("organisation"),
    "platform": gettext_lazy("platform"), "resource": gettext_lazy("resource"), "project": gettext_lazy("project"),
    "assignee": gettext_lazy("assignee"), "state": gettext_lazy("state"), "kind": gettext_lazy("kind"),
    "stage": gettext_lazy("stage"), "status": gettext_lazy("status"), "into": gettext_lazy("surviving record"),
    "v": gettext_lazy("version"), "code": gettext_lazy("indicator or aggregate"), "indication": gettext_lazy("indication"),
}


def register_labels(labels: dict[str, Any]) -> None:
    LABELS.update(labels)


def label(name: str) -> str:
    return str(LABELS.get(name, name))


class BadParameter(ValidationFailed):
    status = 400


def _refuse(name: str, message: str) -> BadParameter:
    return BadParameter(message, field=name)


def clean_text(name: str, value: str, *, max_length: int = MAX_TEXT) -> str:
    """The value stripped; refused when it holds a control character the database or a page cannot carry, or
    when it is longer than `max_length`."""
    value = value.strip()
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise _refuse(name, _("%(name)s contains a control character that is not allowed") % {"name": label(name)})
    if len(value) > max_length:
        raise _refuse(name, _("%(name)s is longer than %(max)d characters") % {"name": label(name), "max": max_length})
    return value


class Params:
    """Typed access to `request.GET` (or any QueryDict). A repeated parameter counts by its last value, as
    Django's QueryDict.get does; an empty value counts as absent."""

    def __init__(self, data: Any):
        self.data = data

    def raw(self, name: str) -> str:
        value = self.data.get(name, "")
        return value if isinstance(value, str) else ""

    def text(self, name: str, *, max_length: int = MAX_TEXT) -> str:
        return clean_text(name, self.raw(name), max_length=max_length)

    def int(self, name: str, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
        value = self.text(name, max_length=20)
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            raise _refuse(name, _("%(name)s must be a whole number") % {"name": label(name)}) from None
        if not minimum <= number <= maximum:
            raise _refuse(name, _("%(name)s must be between %(min)d and %(max)d")
                          % {"name": label(name), "min": minimum, "max": maximum})
        return number

    def choice(self, name: str, choices: Iterable[Any]) -> str:
        """One of `choices` (values, or (value, label) pairs), or "" when absent."""
        value = self.text(name)
        if not value:
            return ""
        choices = list(choices)
        allowed = [c[0] if isinstance(c, list | tuple) else c for c in choices]
        if value not in [str(a) for a in allowed]:
            if not allowed:
                raise _refuse(name, _("%(name)s is not a filter of this page") % {"name": label(name)})
            raise _refuse(name, _("%(name)s must be one of: %(choices)s")
                          % {"name": label(name), "choices": ", ".join(
                              str(c[1]) if isinstance(c, list | tuple) else str(c) for c in choices)})
        return value

    def date(self, name: str, *, default: dt.date, earliest: dt.date = EARLIEST, latest: dt.date = LATEST) -> dt.date:
        value = self.text(name, max_length=10)
        if not value:
            return default
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise _refuse(name, _("%(name)s must be a date (YYYY-MM-DD)") % {"name": label(name)}) from None
        if not earliest <= day <= latest:
            raise _refuse(name, _("%(name)s must be between %(first)s and %(last)s")
                          % {"name": label(name), "first": earliest.isoformat(), "last": latest.isoformat()})
        return day

    def flag(self, name: str) -> bool:
        return self.raw(name) == "1"

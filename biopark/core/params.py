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

from biopark.core.errors import ValidationFailed

MAX_TEXT = 200
# Ids are positive and fit PostgreSQL's integer/bigint; no record of ours goes past 2**31 - 1.
MAX_ID = 2**31 - 1
# Dates a calendar page may show: far enough for any booking, and a week either side stays representable.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)


class BadParameter(ValidationFailed):
    status = 400


def _refuse(name: str, message: str) -> BadParameter:
    return BadParameter(message, field=name)


def clean_text(name: str, value: str, *, max_length: int = MAX_TEXT) -> str:
    """The value stripped; refused when it holds a control character the database or a page cannot carry, or
    when it is longer than `max_length`."""
    value = value.strip()
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise _refuse(name, _("%(name)s contains a control character that is not allowed") % {"name": name})
    if len(value) > max_length:
        raise _refuse(name, _("%(name)s is longer than %(max)d characters") % {"name": name, "max": max_length})
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
            raise _refuse(name, _("%(name)s must be a whole number") % {"name": name}) from None
        if not minimum <= number <= maximum:
            raise _refuse(name, _("%(name)s must be between %(min)d and %(max)d")
                          % {"name": name, "min": minimum, "max": maximum})
        return number

    def choice(self, name: str, choices: Iterable[Any]) -> str:
        """One of `choices` (values, or (value, label) pairs), or "" when absent."""
        value = self.text(name)
        if not value:
            return ""
        allowed = [c[0] if isinstance(c, list | tuple) else c for c in choices]
        if value not in [str(a) for a in allowed]:
            if not allowed:
                raise _refuse(name, _("%(name)s is not a filter of this page") % {"name": name})
            raise _refuse(name, _("%(name)s must be one of: %(choices)s")
                          % {"name": name, "choices": ", ".join(str(a) for a in allowed)})
        return value

    def date(self, name: str, *, default: dt.date, earliest: dt.date = EARLIEST, latest: dt.date = LATEST) -> dt.date:
        value = self.text(name, max_length=10)
        if not value:
            return default
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise _refuse(name, _("%(name)s must be a date (YYYY-MM-DD)") % {"name": name}) from None
        if not earliest <= day <= latest:
            raise _refuse(name, _("%(name)s must be between %(first)s and %(last)s")
                          % {"name": name, "first": earliest.isoformat(), "last": latest.isoformat()})
        return day

    def flag(self, name: str) -> bool:
        return self.raw(name) == "1"

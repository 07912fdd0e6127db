"""Dates that documents state only in part ("2022", "March 2023"): a date plus its precision."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

YEAR, MONTH, DAY = "year", "month", "day"
# Labels by context: "day" alone means other things elsewhere (a booking's day, a weekday).
PRECISION_CHOICES = [
    (YEAR, pgettext_lazy("date precision", "year")),
    (MONTH, pgettext_lazy("date precision", "month")),
    (DAY, pgettext_lazy("date precision", "day")),
]

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass(frozen=True)
class PartialDate:
    value: dt.date
    precision: str

    @classmethod
    def parse(cls, text: str | None) -> PartialDate | None:
        """Parse "2023", "2023-10" or "2023-10-19"; None for empty; ValueError when malformed."""
        if text is None:
            return None
        text = str(text).strip()
        if not text:
            return None
        match = _PATTERN.match(text)
        if not match:
            raise ValueError(_("%(text)s is not a date (use YYYY, YYYY-MM or YYYY-MM-DD).") % {"text": text})
        year, month, day = match.groups()
        try:
            if day:
                return cls(dt.date(int(year), int(month), int(day)), DAY)
            if month:
                return cls(dt.date(int(year), int(month), 1), MONTH)
            return cls(dt.date(int(year), 1, 1), YEAR)
        except ValueError as exc:
            raise ValueError(_("%(text)s is not a day of the calendar.") % {"text": text}) from exc

    def __str__(self) -> str:
        return format_partial(self.value, self.precision)


def format_partial(value: dt.date | None, precision: str | None) -> str:
    if value is None:
        return ""
    if precision == YEAR:
        return f"{value.year:04d}"
    if precision == MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()

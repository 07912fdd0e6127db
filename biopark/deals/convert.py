"""How values people type for deals become stored values: exact amounts, partial dates, percentages. Each
refusal names the field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from biopark.core.dates import PartialDate
from biopark.core.errors import ValidationFailed
from biopark.core.writes import Attributes

MAX_AMOUNT = Decimal("1e21")


def amount(value: Any, name: str) -> Decimal | None:
    """An exact, non-negative amount ("1200000000", "1,200,000,000", "27.5"); blank is none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(
            _("%(value)s is not an amount; write the full amount, e.g. 1,200,000,000 or 27.5") % {"value": repr(str(value))},
            field=name,
        ) from None
    if not number.is_finite() or number < 0:
        raise ValidationFailed(_("an amount cannot be negative"), field=name)
    if number >= MAX_AMOUNT:
        raise ValidationFailed(_("this amount is too large"), field=name)
    if number != number.quantize(Decimal("0.01")):
        raise ValidationFailed(_("an amount has at most two decimal places"), field=name)
    return number


def percentage(value: Any, name: str) -> Decimal:
    number = amount(value, name)
    if number is None:
        raise ValidationFailed(_("give a rate in percent"), field=name)
    if number > 100:
        raise ValidationFailed(_("a rate is at most 100 %"), field=name)
    return number


def partial_date(date_field: str, precision_field: str) -> Any:
    """A converter for a date people may state in part (YYYY, YYYY-MM or YYYY-MM-DD), stored with its precision."""

    def convert(value: Any, name: str) -> Attributes:
        try:
            parsed = PartialDate.parse(value if value is None else str(value))
        except ValueError as exc:
            raise ValidationFailed(str(exc), field=name) from None
        return Attributes({date_field: parsed.value if parsed else None, precision_field: parsed.precision if parsed else ""})

    return convert


def full_date(value: Any, name: str) -> Any:
    """A day (YYYY-MM-DD), or none."""
    try:
        parsed = PartialDate.parse(value if value is None else str(value))
    except ValueError as exc:
        raise ValidationFailed(str(exc), field=name) from None
    if parsed is None:
        return None
    if parsed.precision != "day":
        raise ValidationFailed(_("give the full day: YYYY-MM-DD"), field=name)
    return parsed.value

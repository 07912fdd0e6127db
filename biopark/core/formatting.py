"""Numbers, money and dates as a reader of each language expects them, free of Django (templates reach them
through biopark.core.templatetags.biopark_format).

Grouping everywhere; in Chinese, amounts of money from 十万 up read in 万 and 亿 ("12 亿美元", "1.05 亿元"), with
the exact value kept beside the short form for a hover title and for exports; dates as "2026年3月23日" or
"23 Mar 2026", and a date known only to the month or the year keeps that precision. Babel supplies the CLDR
grouping, currency names and date patterns, so no table of them is kept here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel.dates import format_skeleton
from babel.numbers import format_decimal, get_currency_name

from biopark.core.dates import DAY, MONTH, YEAR, PartialDate

ZH, EN = "zh", "en"
_BABEL_LOCALE = {ZH: "zh_Hans_CN", EN: "en_GB"}  # en_GB: "23 Mar 2026", day before month
# How a Chinese reader names a currency after an amount: the yuan is "元", not the CLDR name "人民币".
_ZH_UNIT_OVERRIDES = {"CNY": "元", "RMB": "元"}
_WAN, _YI = Decimal(10_000), Decimal(100_000_000)
# From 十万 up an amount reads in 万 (50 万元); below it the full figure (12,910.00 元) is what people write.
_WAN_FROM = Decimal(100_000)


def lang_of(language: str | None) -> str:
    """ZH for any Chinese language code (zh-hans, zh_Hans, zh-cn), EN for everything else."""
    return ZH if (language or "").lower().replace("_", "-").startswith("zh") else EN


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def format_number(value: Any, language: str | None, *, places: int | None = None) -> str:
    """`value` with the language's grouping ("1,234,567.5"); `places` fixes the decimals, else the value's
    own are kept (a Decimal('12910.00') keeps its two). Anything that is not a number comes back as text."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    digits = _places(number) if places is None else places
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(number, format=pattern, locale=_BABEL_LOCALE[lang_of(language)])


def currency_unit(currency: str, language: str | None) -> str:
    """The word written after an amount: "元", "美元" in Chinese; the ISO code ("USD") in English."""
    code = (currency or "").strip().upper()
    if lang_of(language) == EN or not code:
        return code
    if code in _ZH_UNIT_OVERRIDES:
        return _ZH_UNIT_OVERRIDES[code]
    try:
        return get_currency_name(code, locale=_BABEL_LOCALE[ZH])
    except (ValueError, LookupError):
        return code


def _short(number: Decimal, unit: Decimal) -> str:
    scaled = (number / unit).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    text = format_decimal(scaled, format="#,##0.##", locale=_BABEL_LOCALE[ZH])
    return text


@dataclass(frozen=True)
class Amount:
    """An amount as shown (`text`) and exactly (`exact`); they are equal when nothing was shortened."""

    text: str
    exact: str

    @property
    def shortened(self) -> bool:
        return self.text != self.exact


def _join(number: str, unit: str, language: str) -> str:
    if not unit:
        return number
    return f"{number} {unit}"


def format_money(value: Any, currency: str, language: str | None, *, places: int | None = None) -> Amount:
    """An amount of money. Chinese: "12 亿美元" (exact "1,200,000,000 美元"), "1.05 亿元", "50 万元",
    "12,910.00 元"; English: "1,200,000,000 USD", "12,910.00 CNY"."""
    number = _decimal(value)
    lang = lang_of(language)
    unit = currency_unit(currency, lang)
    if number is None:
        text = "" if value is None else _join(str(value), unit, lang)
        return Amount(text, text)
    exact = _join(format_number(number, lang, places=places), unit, lang)
    if lang == ZH and abs(number) >= _WAN_FROM:
        big = _YI if abs(number) >= _YI else _WAN
        word = "亿" if big == _YI else "万"
        return Amount(f"{_short(number, big)} {word}{unit}", exact)
    return Amount(exact, exact)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            found = PartialDate.parse(value[:10])  # "2026", "2026-03", "2026-03-23"
        except ValueError:
            return None
        return found.value if found else None
    return None


_SKELETONS = {DAY: "yMMMd", MONTH: "yMMM", YEAR: "y"}


def format_date(value: Any, language: str | None, *, precision: str | None = DAY) -> str:
    """"2026年3月23日" / "23 Mar 2026"; precision MONTH gives "2026年3月" / "Mar 2026", YEAR "2026年" / "2026"."""
    day = _as_date(value)
    if day is None:
        return "" if value is None else str(value)
    skeleton = _SKELETONS.get(precision or DAY, _SKELETONS[DAY])
    return format_skeleton(skeleton, day, locale=_BABEL_LOCALE[lang_of(language)])


def format_datetime(value: dt.datetime | None, language: str | None) -> str:
    """A moment already in the reader's time zone: "2026年3月23日 14:05" / "23 Mar 2026, 14:05"."""
    if value is None:
        return ""
    lang = lang_of(language)
    separator = " " if lang == ZH else ", "
    return f"{format_date(value, lang)}{separator}{value:%H:%M}"


def format_day_short(value: Any, language: str | None) -> str:
    """A day of the current weeks, without the year: "3月23日周一" / "Mon 23 Mar"."""
    day = _as_date(value)
    if day is None:
        return "" if value is None else str(value)
    return format_skeleton("MMMEd", day, locale=_BABEL_LOCALE[lang_of(language)])


def format_weekday_time(value: dt.datetime | None, language: str | None) -> str:
    """A moment of the current week: "周一 14:05" / "Mon 14:05"."""
    if value is None:
        return ""
    weekday = format_skeleton("E", value, locale=_BABEL_LOCALE[lang_of(language)])
    return f"{weekday} {value:%H:%M}"

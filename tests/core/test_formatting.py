"""Numbers, money and dates in both languages, exact strings (biopark.core.formatting and its filters)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from biopark.core.formatting import Amount, format_date, format_datetime, format_money, format_number


@pytest.mark.parametrize(
    ("value", "currency", "zh", "en"),
    [
        (1_200_000_000, "USD", Amount("12 亿美元", "1,200,000,000 美元"), Amount("1,200,000,000 USD", "1,200,000,000 USD")),
        (105_000_000, "CNY", Amount("1.05 亿元", "105,000,000 元"), Amount("105,000,000 CNY", "105,000,000 CNY")),
        (Decimal("12910.00"), "CNY", Amount("12,910.00 元", "12,910.00 元"), Amount("12,910.00 CNY", "12,910.00 CNY")),
        (500_000, "CNY", Amount("50 万元", "500,000 元"), Amount("500,000 CNY", "500,000 CNY")),
        (Decimal("123456789"), "HKD", Amount("1.23 亿港元", "123,456,789 港元"), Amount("123,456,789 HKD", "123,456,789 HKD")),
        (-2_500_000, "EUR", Amount("-250 万欧元", "-2,500,000 欧元"), Amount("-2,500,000 EUR", "-2,500,000 EUR")),
    ],
)
def test_money_in_both_languages(value, currency, zh, en):
    assert format_money(value, currency, "zh-hans") == zh
    assert format_money(value, currency, "en") == en


def test_numbers_group_and_keep_their_decimals():
    assert format_number(1234567, "zh-hans") == "1,234,567"
    assert format_number(Decimal("1234.50"), "en") == "1,234.50"
    assert format_number(0.5, "en", places=2) == "0.50"
    assert format_number("n/a", "en") == "n/a"
    assert format_number(None, "en") == ""


def test_dates_keep_their_precision():
    day = dt.date(2026, 3, 23)
    assert format_date(day, "zh-hans") == "2026年3月23日"
    assert format_date(day, "en") == "23 Mar 2026"
    assert format_date(dt.date(2026, 3, 1), "zh-hans", precision="month") == "2026年3月"
    assert format_date(dt.date(2026, 3, 1), "en", precision="month") == "Mar 2026"
    assert format_date(dt.date(2026, 1, 1), "zh-hans", precision="year") == "2026年"
    assert format_date(dt.date(2026, 1, 1), "en", precision="year") == "2026"
    assert format_datetime(dt.datetime(2026, 3, 23, 14, 5), "zh-hans") == "2026年3月23日 14:05"
    assert format_datetime(dt.datetime(2026, 3, 23, 14, 5), "en") == "23 Mar 2026, 14:05"


def _render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load biopark_format %}" + source).render(Context(context))


def test_money_filter_puts_the_exact_value_in_the_title():
    html = _render("{{ v|money:c }}", "zh-hans", v=1_200_000_000, c="USD")
    assert html == '<span class="amount" title="1,200,000,000 美元">12 亿美元</span>'
    assert _render("{{ v|money:c }}", "en", v=1_200_000_000, c="USD") == "1,200,000,000 USD"
    assert _render("{{ v|money_exact:c }}", "zh-hans", v=105_000_000, c="CNY") == "105,000,000 元"


def test_date_filters():
    when = dt.datetime(2026, 3, 23, 6, 5, tzinfo=dt.UTC)  # 14:05 in Asia/Shanghai
    assert _render("{{ d|day }} · {{ t|moment }}", "zh-hans", d=dt.date(2026, 3, 23), t=when) == (
        "2026年3月23日 · 2026年3月23日 14:05"
    )
    assert _render("{{ d|partial_date:'month' }}", "en", d=dt.date(2026, 3, 1)) == "Mar 2026"
    assert _render("{{ n|num }}", "en", n=1234567) == "1,234,567"


def test_days_of_the_week():
    from biopark.core.formatting import format_day_short, format_weekday_time

    moment = dt.datetime(2026, 3, 23, 14, 5)
    assert format_day_short(moment, "zh-hans") == "3月23日周一"
    assert format_day_short(moment, "en") == "Mon 23 Mar"
    assert format_weekday_time(moment, "zh-hans") == "周一 14:05"
    assert format_weekday_time(moment, "en") == "Mon 14:05"

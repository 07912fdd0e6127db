"""Facilities' codes shown as labels: rules in refusals, weekdays in opening hours, price classes, in both
languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from biopark.accounts.models import Role
from biopark.core.errors import DomainError
from biopark.core.policy import actor_for
from biopark.facilities import services
from biopark.facilities.models import Booking
from biopark.facilities.permissions import may_book
from tests.facilities.conftest import NOW
from tests.factories import make_user

H = dt.timedelta(hours=1)


def _render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load facilities_labels %}" + source).render(Context(context))


def test_opening_hours_by_weekday_label():
    hours = {"tue": [["13:00", "18:00"]], "mon": [["08:30", "12:00"], ["13:00", "18:00"]]}
    source = "{% for day, spans in hours|opening_hours %}{{ day }} {{ spans }}; {% endfor %}"
    assert _render(source, "zh-hans", hours=hours) == "周一 08:30–12:00, 13:00–18:00; 周二 13:00–18:00; "
    assert _render(source, "en", hours=hours) == "Mon 08:30–12:00, 13:00–18:00; Tue 13:00–18:00; "


def test_price_class_and_rule_labels():
    assert _render("{{ 'non_member'|rate_label }} · {{ 'overlap'|rule }}", "zh-hans") == "非成员价 · 时段冲突"
    assert _render("{{ 'non_member'|rate_label }} · {{ 'overlap'|rule }}", "en") == "non-member rate · overlap"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh-hans", "该时段已被预约（规则：时段冲突）"),
        ("en", "this slot is already booked (rule: overlap)"),
    ],
)
def test_a_booking_refusal_names_its_rule_by_label(fac, language, message):
    first = services.booking_create(actor=fac["member"], resource=fac["resource"], start=NOW + 2 * H,
                                    end=NOW + 3 * H, now=NOW)
    before = list(Booking.objects.values_list("pk", "start", "end", "status"))
    with translation.override(language), pytest.raises(DomainError) as caught:
        services.booking_create(actor=fac["member"], resource=fac["resource"], start=NOW + 2 * H,
                                end=NOW + 3 * H, now=NOW)
    assert caught.value.message == message
    assert caught.value.fields["rule"] == "overlap"  # the code stays stable for API clients
    assert list(Booking.objects.values_list("pk", "start", "end", "status")) == before
    assert first.pk == before[0][0]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh-hans", "周一：18:00–08:30 的结束时间早于开始时间"),
        ("en", "Mon: 18:00–08:30 ends before it starts"),
    ],
)
def test_opening_hours_errors_name_the_weekday_by_label(language, message):
    from biopark.facilities.timeutil import validate_opening_hours

    with translation.override(language), pytest.raises(ValueError) as caught:
        validate_opening_hours({"mon": [["18:00", "08:30"]]})
    assert str(caught.value) == message


def test_a_time_that_is_not_a_time_is_refused_in_the_readers_language():
    from biopark.facilities.timeutil import validate_opening_hours

    with translation.override("zh-hans"), pytest.raises(ValueError) as caught:
        validate_opening_hours({"tue": [["ab", "18:00"]]})
    assert str(caught.value) == "不是有效的时间：'ab'（请使用 时:分 格式，如 08:30）"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [("zh-hans", "预约的结束时间必须晚于开始时间（规则：开始早于结束）"),
     ("en", "the booking must end after it starts (rule: start before end)")],
)
def test_api_refusals_follow_accept_language_and_keep_their_codes(fac, language, message):
    import json

    from django.test import Client
    from django.utils import timezone

    from biopark.accounts.auth import token_create

    start = (timezone.now() + dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    body = {"resource": fac["resource"].pk, "start": (start + H).isoformat(), "end": start.isoformat()}
    response = Client().post(
        "/api/v1/facilities/bookings", json.dumps(body), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=fac['member'])}", HTTP_ACCEPT_LANGUAGE=language,
    )
    error = response.json()["error"]
    assert (response.status_code, error["code"], error["fields"]["rule"]) == (422, "booking_refused", "time_order")
    assert error["message"] == message
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_a_role_that_may_not_book_is_refused_in_one_language():
    actor = actor_for(make_user(Role.PLATFORM_MANAGER))
    with translation.override("zh-hans"):
        assert may_book(actor, None, None).reason == "“平台管理者”角色不能预约"
    with translation.override("en"):
        assert may_book(actor, None, None).reason == "the Platform manager role may not book"


def test_notes_the_demo_stores_read_in_the_page_language_and_typed_notes_as_typed():
    from biopark.facilities.demo import PRICE_NOTE

    source = "{{ price|stored }} · {{ reason|stored }} · {{ typed|stored }}"
    values = {"price": PRICE_NOTE, "reason": "Demo: yearly maintenance / 年度维护", "typed": "空调检修 / AC"}
    assert _render(source, "zh-hans", **values) == "示意价格，非平台实际收费 · 演示：年度维护 · 空调检修 / AC"
    assert _render(source, "en", **values) == (
        "illustrative demo price, not the platform&#x27;s tariff · Demo: yearly maintenance · 空调检修 / AC")

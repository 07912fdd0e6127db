"""Recurring series with partial conflicts, daylight saving, usage pricing, statements (exact decimals),
exports, utilisation and the iCalendar feed."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from biopark.accounts.services import feed_token_create
from biopark.facilities import ical, selectors, services, usage
from biopark.facilities.exports import statement_csv, statement_xlsx
from biopark.facilities.models import Booking, BookingSeries, Resource
from tests.facilities.conftest import NOW, local
from tests.facilities.factories import ResourceFactory

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)
SH = ZoneInfo("Asia/Shanghai")


def test_series_skips_and_reports_conflicts(fac):
    member = fac["member"]
    res = fac["resource"]
    # Someone already holds the third Monday; an outage covers the fifth.
    services.booking_create(actor=member, resource=res, start=local(2030, 3, 18, 10), end=local(2030, 3, 18, 11), now=NOW)
    services.outage_create(actor=fac["users"]["platform_manager"], resource=res, start=local(2030, 4, 1, 0),
                           end=local(2030, 4, 2, 0), reason="service")
    result = services.booking_series_create(
        actor=member, resource=res, start=local(2030, 3, 4, 10), end=local(2030, 3, 4, 11), frequency="weekly",
        count=6, now=NOW,
    )
    assert [b.start.astimezone(SH).date().isoformat() for b in result.created] == [
        "2030-03-04", "2030-03-11", "2030-03-25", "2030-04-08",
    ]
    assert [(s["date"], s["rule"]) for s in result.skipped] == [("2030-03-18", "overlap"), ("2030-04-01", "outage")]
    series = BookingSeries.objects.get(pk=result.series.pk)
    assert len(series.skipped) == 2
    assert Booking.objects.filter(series=series).count() == 4


def test_series_across_dst_keeps_wall_clock_time(fac):
    park = fac["zone"]
    park.time_zone = "Europe/Berlin"
    park.save()
    res = fac["resource"]
    res.opening_hours = {d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    res.save()
    now = dt.datetime(2030, 3, 20, 0, 0, tzinfo=dt.UTC)
    # Europe/Berlin moves to summer time on Sunday 2030-03-31.
    result = services.booking_series_create(
        actor=fac["member"], resource=res, start=dt.datetime(2030, 3, 29, 9, 0), end=dt.datetime(2030, 3, 29, 10, 0),
        frequency="daily", count=4, now=now,
    )
    assert result.skipped == []
    assert [b.start.isoformat() for b in result.created] == [
        "2030-03-29T08:00:00+00:00",  # 09:00 CET (UTC+1)
        "2030-03-30T08:00:00+00:00",
        "2030-03-31T07:00:00+00:00",  # 09:00 CEST (UTC+2)
        "2030-04-01T07:00:00+00:00",
    ]
    # Opening hours follow the local clock too: 07:30 local on the 31st is before opening.
    berlin = ZoneInfo("Europe/Berlin")
    with pytest.raises(Exception) as info:
        services.booking_create(actor=fac["member"], resource=res, start=dt.datetime(2030, 3, 31, 7, 30, tzinfo=berlin),
                                end=dt.datetime(2030, 3, 31, 8, 30, tzinfo=berlin), now=now)
    assert info.value.rule == "opening_hours"
    # And 17:00-18:00 local is fine on both sides of the change.
    for day in (30, 31):
        services.booking_create(actor=fac["member"], resource=res, start=dt.datetime(2030, 3, day, 17, tzinfo=berlin),
                                end=dt.datetime(2030, 3, day, 18, tzinfo=berlin), now=now)
    week = selectors.utilisation(resources=[res], first_week=dt.date(2030, 3, 25), weeks=1, tz=berlin)[0].weeks[0]
    # 3 series bookings (29th-31st) and two evening bookings in the week of 25 March: 5 h of 7 x 10 h.
    assert week.available_hours == 70.0 and week.booked_hours == 5.0


def test_usage_pricing_and_statement_totals(fac):
    pm = fac["users"]["platform_manager"]
    res = fac["resource"]  # 100.00 member / 150.00 non-member per hour
    per_use = ResourceFactory(platform=fac["platform"], price_unit=Resource.PriceUnit.USE, capacity=5,
                              price_member=Decimal("33.33"), price_non_member=Decimal("50.00"))
    member = fac["member"]
    b1 = services.booking_create(actor=member, resource=res, start=NOW + 2 * H, end=NOW + 4 * H, now=NOW,
                                     project_label="P1")
    b2 = services.booking_create(actor=member, resource=res, start=NOW + 5 * H, end=NOW + 6 * H, now=NOW)
    b3 = services.booking_create(actor=member, resource=per_use, start=NOW + 2 * H, end=NOW + 3 * H, quantity=3, now=NOW)
    u1 = usage.usage_record(actor=pm, booking=b1)  # confirmed as booked: 2 h
    u2 = usage.usage_record(actor=pm, booking=b2, start=NOW + 5 * H, end=NOW + 5 * H + dt.timedelta(minutes=40))
    u3 = usage.usage_record(actor=pm, booking=b3)
    assert (u1.billed_units, u1.amount, u1.rate, u1.confirmed_from_booking) == (
        Decimal("2.0000"), Decimal("200.00"), "member", True)
    assert (u2.billed_units, u2.amount) == (Decimal("0.6667"), Decimal("66.67"))
    assert (u3.billed_units, u3.amount) == (Decimal("3"), Decimal("99.99"))
    b1.refresh_from_db()
    assert b1.status == Booking.Status.COMPLETED
    with pytest.raises(Exception) as info:
        usage.usage_record(actor=pm, booking=b1)
    assert info.value.status == 409

    st = selectors.statement(user=member, organisation=fac["enterprise"], year=2030, month=3, tz=SH)
    assert [line.amount for line in st.lines] == [Decimal("200.00"), Decimal("99.99"), Decimal("66.67")]
    assert st.totals == {"CNY": Decimal("366.66")}
    assert st.total == Decimal("366.66")
    text = statement_csv(st)
    assert text.splitlines()[-1] == "合计,,,,,,,,,,,,366.66,CNY"
    assert "P1" in text
    wb = load_workbook(io.BytesIO(statement_xlsx(st)))
    ws = wb.active
    assert ws.cell(row=ws.max_row, column=13).value == pytest.approx(366.66)
    assert ws.cell(row=3, column=13).value == pytest.approx(200.00)


def test_non_member_rate(fac):
    from biopark.accounts.models import Role
    from tests.factories import make_user

    outsider = make_user(Role.ENTERPRISE_MEMBER, organisation=fac["other_enterprise"])
    b = services.booking_create(actor=outsider, resource=fac["resource"], start=NOW + 2 * H, end=NOW + 3 * H, now=NOW)
    u = usage.usage_record(actor=fac["users"]["operator"], booking=b)
    assert (u.rate, u.unit_price, u.amount) == ("non_member", Decimal("150.00"), Decimal("150.00"))


def test_ical_feed(fac, client):
    member = fac["member"]
    res = fac["resource"]
    res.name_zh, res.name_en = "共聚焦显微镜", "Confocal microscope; room 3, floor 2"
    res.save()
    b = services.booking_create(actor=member, resource=res, start=NOW + 2 * H, end=NOW + 3 * H, now=NOW,
                                project_label="抗体 ABC")
    text = ical.calendar([b], name="my bookings", now=NOW)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//BioPark//Facilities//EN\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    unfolded = text.replace("\r\n ", "")
    assert "DTSTART:20300304T030000Z\r\n" in unfolded
    assert "DTEND:20300304T040000Z\r\n" in unfolded
    assert f"UID:booking-{b.pk}@" in unfolded
    assert "SUMMARY:共聚焦显微镜 / Confocal microscope\\; room 3\\, floor 2\r\n" in unfolded
    assert "STATUS:CONFIRMED" in unfolded
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    # The per-user feed URL works without a session; a mangled one does not (more in test_feeds.py).
    token = feed_token_create(actor=member, kind="bookings")[1]
    resp = client.get(f"/facilities/feeds/{token}.ics")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/calendar")
    assert f"UID:booking-{b.pk}@" in resp.content.decode().replace("\r\n ", "")
    assert client.get(f"/facilities/feeds/{token}x.ics").status_code == 404
    # The resource feed over the API.
    from tests.facilities.conftest import api_client

    resp = api_client(fac["users"]["platform_manager"]).get(f"/api/v1/facilities/resources/{res.pk}/calendar.ics")
    assert resp.status_code == 200 and b"BEGIN:VEVENT" in resp.content

"""The pages render for each role and stay behind the policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from biopark.facilities import services
from biopark.facilities.models import Booking, Outage

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(fac):
    start = (timezone.now() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    b = services.booking_create(actor=fac["member"], resource=fac["resource"], start=start, end=start + dt.timedelta(hours=1))
    return {**fac, "booking": b}


def test_pages_for_member(client, booked):
    client.force_login(booked["member"])
    for url in ["/facilities/", "/facilities/calendar/", f"/facilities/resources/{booked['resource'].pk}/",
                "/facilities/statements/"]:
        resp = client.get(url)
        assert resp.status_code == 200, url
    cal = client.get("/facilities/calendar/", {"week": booked["booking"].start.date().isoformat()})
    assert booked["resource"].name_zh in cal.content.decode()
    partial = client.get("/facilities/calendar/", {"week": booked["booking"].start.date().isoformat()},
                         HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b'id="week"' in partial.content
    assert client.get("/facilities/manage/").status_code == 403
    assert client.get("/facilities/utilisation/").status_code == 200


def test_book_and_cancel_through_the_page(client, fac):
    client.force_login(fac["member"])
    start = (timezone.now() + dt.timedelta(days=2)).astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    from zoneinfo import ZoneInfo

    local = start.astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    url = f"/facilities/resources/{fac['resource'].pk}/"
    resp = client.post(url, {"start": local.isoformat(timespec="minutes"),
                             "end": (local + dt.timedelta(minutes=10)).isoformat(timespec="minutes")})
    assert resp.status_code == 422 and "（规则：最短时长）" in resp.content.decode()
    assert Booking.objects.count() == 0
    resp = client.post(url, {"start": local.isoformat(timespec="minutes"),
                             "end": (local + dt.timedelta(hours=1)).isoformat(timespec="minutes"), "project_label": "X"})
    assert resp.status_code == 302
    b = Booking.objects.get()
    assert b.start == start  # typed in the park's zone, stored in UTC
    # The slot is taken now: the page says so and offers the wait list.
    slot = {"start": local.isoformat(timespec="minutes"),
            "end": (local + dt.timedelta(hours=1)).isoformat(timespec="minutes")}
    resp = client.post(url, slot)
    assert resp.status_code == 422 and "该时段已被预约（规则：时段冲突）" in resp.content.decode()
    assert "/waitlist/" in resp.content.decode()
    assert client.post(f"{url}waitlist/", slot).status_code == 302
    from biopark.facilities.models import WaitlistEntry

    assert WaitlistEntry.objects.get().start == start
    # Cancelling takes a confirmation: a bare POST only shows the question, the booking stays.
    resp = client.post(f"/facilities/bookings/{b.pk}/cancel/", {"next": "/facilities/calendar/"})
    b.refresh_from_db()
    assert resp.status_code == 200 and b.status == Booking.Status.CONFIRMED
    assert "确定取消此预约吗？" in resp.content.decode()
    resp = client.post(f"/facilities/bookings/{b.pk}/cancel/", {"confirm": "yes"})
    b.refresh_from_db()
    assert resp.status_code == 302 and b.status == Booking.Status.CANCELLED


def test_manager_pages_and_flagged_bookings(client, booked):
    pm = booked["users"]["platform_manager"]
    b = booked["booking"]
    services.outage_create(actor=pm, resource=booked["resource"], start=b.start, end=b.end,
                           kind=Outage.Kind.MAINTENANCE, reason="yearly service")
    client.force_login(booked["member"])
    assert "yearly service" in client.get("/facilities/calendar/").content.decode()
    client.force_login(pm)
    assert client.get("/facilities/manage/").status_code == 200
    resp = client.get("/facilities/utilisation/")
    assert resp.status_code == 200 and b"<svg" in resp.content
    org = booked["enterprise"].pk
    month = b.start.strftime("%Y-%m")
    assert client.get(f"/facilities/statements/{org}/{month}.csv").status_code == 200
    client.force_login(booked["users"]["viewer"])
    assert client.get(f"/facilities/statements/{org}/{month}.csv").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, fac):
    assert client.get("/facilities/").status_code == 302
    assert client.get("/facilities/calendar/").status_code == 302


def test_admin_lists_only_managed(client, fac):
    pm = fac["users"]["platform_manager"]
    pm.is_staff = True
    pm.save()
    client.force_login(pm)
    assert client.get("/admin/facilities/resource/").status_code == 200
    client.force_login(fac["users"]["admin"])
    resp = client.get(f"/admin/facilities/resource/{fac['resource'].pk}/change/")
    assert resp.status_code == 200


def test_pages_in_chinese_and_english(client, fac):
    from django.core.management import call_command

    call_command("compilemessages_py", verbosity=0)
    client.force_login(fac["member"])
    client.cookies["django_language"] = "zh-hans"
    zh = client.get("/facilities/calendar/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "预约日历" in zh and "上一周" in zh
    client.cookies["django_language"] = "en"
    en = client.get("/facilities/calendar/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Booking calendar" in en and "预约日历" not in en


def test_statements_link_only_for_who_may_read_one(client, booked):
    """The sub-navigation offers Statements only to users the STATEMENT policy lets read one (no link to a 403)."""
    from biopark.accounts.models import Role
    from tests.factories import OrganisationFactory, make_user

    investor = make_user(Role.INVESTOR, organisation=OrganisationFactory())
    client.force_login(investor)
    assert client.get("/facilities/statements/").status_code == 403
    page = client.get("/facilities/").content.decode()
    assert 'href="/facilities/calendar/"' in page
    assert 'href="/facilities/statements/"' not in page
    client.force_login(booked["users"]["investor"])
    assert 'href="/facilities/statements/"' not in client.get("/facilities/").content.decode()
    client.force_login(booked["member"])
    assert client.get("/facilities/statements/").status_code == 200
    assert 'href="/facilities/statements/"' in client.get("/facilities/").content.decode()

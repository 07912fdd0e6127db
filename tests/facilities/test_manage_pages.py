"""The platform manager's pages: a resource is created and edited through a form (no admin, no JSON), found
by the search at once, and outages, qualifications and usage have pages of their own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from biopark.facilities import selectors, services
from biopark.facilities.models import Booking, Outage, Qualification, Resource, UsageRecord
from tests.facilities.conftest import local

pytestmark = pytest.mark.django_db

FORM = {
    "name_zh": "流式细胞分析仪", "name_en": "Flow cytometer", "kind": "instrument", "capacity": "1",
    "unit_label": "", "description_zh": "", "description_en": "", "is_active": "on",
    "requires_approval": "on", "requires_qualification": "on",
    "min_minutes": "60", "max_minutes": "240", "max_advance_days": "30", "notice_minutes": "0",
    "cancel_notice_minutes": "0", "buffer_minutes": "15", "quota_hours_week": "", "quota_hours_month": "",
    "price_member": "200", "price_non_member": "350.50", "price_unit": "hour", "currency": "CNY", "price_note": "",
    "alias_new": "FACSymphony, 流式",
    "oh-mon-0-from": "09:00", "oh-mon-0-to": "12:00", "oh-mon-1-from": "13:00", "oh-mon-1-to": "17:30",
    "oh-fri-0-from": "09:00", "oh-fri-0-to": "17:00",
}


def test_create_a_resource_through_the_page_and_find_it_at_once(client, fac):
    pm = fac["users"]["platform_manager"]
    client.force_login(pm)
    page = client.get("/facilities/resources/new/")
    assert page.status_code == 200 and fac["platform"].name_zh in page.content.decode()
    resp = client.post("/facilities/resources/new/", {**FORM, "platform": fac["platform"].pk})
    assert resp.status_code == 302
    resource = Resource.objects.get(name_en="Flow cytometer")
    assert resp["Location"] == f"/facilities/resources/{resource.pk}/"
    assert resource.platform_id == fac["platform"].pk
    assert resource.opening_hours == {"mon": [["09:00", "12:00"], ["13:00", "17:30"]], "fri": [["09:00", "17:00"]]}
    assert resource.aliases == ["FACSymphony", "流式"]
    assert (resource.requires_approval, resource.requires_qualification) == (True, True)
    assert (resource.min_minutes, resource.max_minutes, resource.buffer_minutes) == (60, 240, 15)
    assert (resource.price_member, resource.price_non_member) == (Decimal("200"), Decimal("350.50"))
    for query in ["流式", "liushi", "FACSymphony", "Flow cytometer"]:
        found = list(selectors.resource_list(user=fac["member"], q=query).values_list("pk", flat=True))
        assert found == [resource.pk], query
        client.force_login(fac["member"])
        assert "流式细胞分析仪" in client.get("/facilities/", {"q": query}).content.decode(), query
        client.force_login(pm)


def test_bad_input_is_reported_next_to_the_fields_and_kept(client, fac):
    client.force_login(fac["users"]["platform_manager"])
    bad = {**FORM, "platform": fac["platform"].pk, "min_minutes": "abc", "max_minutes": "30",
           "price_member": "-5", "oh-tue-0-from": "18:00", "oh-tue-0-to": "08:00", "name_en": "Kept name"}
    resp = client.post("/facilities/resources/new/", bad)
    body = resp.content.decode()
    assert resp.status_code == 422
    assert Resource.objects.filter(name_en="Kept name").count() == 0
    assert "最短长度（分钟）必须是整数" in body or "必须是整数" in body
    assert "不能为负" in body or "must not be negative" in body
    assert "周二：18:00–08:00" in body
    assert 'value="Kept name"' in body and 'value="abc"' in body and 'value="18:00"' in body


def test_platforms_offered_are_only_those_managed(client, fac):
    from tests.factories import PlatformFactory

    other = PlatformFactory(operator=fac["other_enterprise"], name_zh="别人的平台")
    client.force_login(fac["users"]["platform_manager"])
    assert "别人的平台" not in client.get("/facilities/resources/new/").content.decode()
    resp = client.post("/facilities/resources/new/", {**FORM, "platform": other.pk})
    assert resp.status_code == 422 and "请选择您管理的平台之一" in resp.content.decode()
    assert not Resource.objects.filter(name_en="Flow cytometer").exists()
    client.force_login(fac["member"])
    assert client.get("/facilities/resources/new/").status_code == 403


def test_edit_a_resource_and_no_link_into_the_admin(client, fac):
    resource = fac["resource"]
    client.force_login(fac["users"]["platform_manager"])
    manage = client.get("/facilities/manage/").content.decode()
    assert "/admin/" not in manage and f"/facilities/resources/{resource.pk}/edit/" in manage
    form = client.get(f"/facilities/resources/{resource.pk}/edit/").content.decode()
    assert f'value="{resource.name_zh}"' in form
    data = {**FORM, "name_zh": resource.name_zh, "name_en": "Renamed", "alias_new": "NewAlias"}
    resp = client.post(f"/facilities/resources/{resource.pk}/edit/", data)
    assert resp.status_code == 302
    resource.refresh_from_db()
    assert resource.name_en == "Renamed" and resource.aliases == ["NewAlias"]
    assert list(selectors.resource_list(user=fac["member"], q="newalias").values_list("pk", flat=True)) == [resource.pk]
    # Unticking the chip (not sending it) removes the alias.
    client.post(f"/facilities/resources/{resource.pk}/edit/", {**data, "alias_new": "", "alias": []})
    resource.refresh_from_db()
    assert resource.aliases == []
    # Someone who does not manage it: answered like a missing resource, the row unchanged.
    client.force_login(fac["member"])
    assert client.post(f"/facilities/resources/{resource.pk}/edit/", {**data, "name_en": "X"}).status_code in (403, 404)
    resource.refresh_from_db()
    assert resource.name_en == "Renamed"


def test_outages_created_listed_and_ended(client, fac):
    client.force_login(fac["users"]["platform_manager"])
    start = timezone.now() - dt.timedelta(hours=1)
    end = timezone.now() + dt.timedelta(days=1)
    tz = "Asia/Shanghai"
    from zoneinfo import ZoneInfo

    fmt = "%Y-%m-%dT%H:%M"
    resp = client.post("/facilities/manage/outages/", {
        "resource": fac["resource"].pk, "kind": "outage", "reason": "laser broken",
        "start": start.astimezone(ZoneInfo(tz)).strftime(fmt), "end": end.astimezone(ZoneInfo(tz)).strftime(fmt)})
    assert resp.status_code == 302
    outage = Outage.objects.get()
    assert outage.reason == "laser broken" and outage.kind == "outage"
    assert "laser broken" in client.get("/facilities/manage/outages/").content.decode()
    bad = client.post("/facilities/manage/outages/", {"resource": fac["resource"].pk, "kind": "outage",
                                                       "start": "tomorrow", "end": ""})
    assert bad.status_code == 422 and "请以日期和时间填写开始时间" in bad.content.decode()
    assert client.post(f"/facilities/manage/outages/{outage.pk}/end/").status_code == 302
    outage.refresh_from_db()
    assert start < outage.end <= timezone.now()


def test_qualifications_granted_marked_and_revoked(client, fac):
    pm, member = fac["users"]["platform_manager"], fac["member"]
    client.force_login(pm)
    soon = (timezone.now() + dt.timedelta(days=10)).date()
    resp = client.post("/facilities/manage/qualifications/", {
        "resource": fac["resource"].pk, "person": member.username, "expires_on": soon.isoformat()})
    assert resp.status_code == 302
    qual = Qualification.objects.get()
    assert (qual.user_id, qual.resource_id, qual.expires_on, qual.granted_by_id) == (
        member.pk, fac["resource"].pk, soon, pm.pk)
    listing = client.get("/facilities/manage/qualifications/").content.decode()
    assert member.username in listing and "30 天内到期" in listing
    missing = client.post("/facilities/manage/qualifications/", {"resource": fac["resource"].pk, "person": "nobody"})
    assert missing.status_code == 422 and "没有使用此用户名或电子邮箱的有效账户" in missing.content.decode()
    assert 'value="nobody"' in missing.content.decode()
    assert client.post(f"/facilities/manage/qualifications/{qual.pk}/revoke/").status_code == 302
    assert not Qualification.objects.exists()


def test_record_actual_usage_of_a_past_booking(client, fac):
    pm = fac["users"]["platform_manager"]
    start = local(2030, 3, 4, 10)
    b = Booking.objects.create(resource=fac["resource"], user=fac["member"], organisation=fac["enterprise"],
                               start=start, end=start + dt.timedelta(hours=2), status=Booking.Status.CONFIRMED)
    client.force_login(pm)
    form = client.get(f"/facilities/bookings/{b.pk}/usage/").content.decode()
    assert 'value="2030-03-04T10:00"' in form and 'value="2030-03-04T12:00"' in form
    resp = client.post(f"/facilities/bookings/{b.pk}/usage/", {
        "start": "2030-03-04T10:00", "end": "2030-03-04T11:30", "quantity": "1"})
    assert resp.status_code == 302
    record = UsageRecord.objects.get()
    assert (record.billed_units, record.amount) == (Decimal("1.5000"), Decimal("150.00"))
    b.refresh_from_db()
    assert b.status == Booking.Status.COMPLETED
    again = client.post(f"/facilities/bookings/{b.pk}/usage/", {
        "start": "2030-03-04T10:00", "end": "2030-03-04T11:00", "quantity": "1"})
    assert again.status_code == 422 and "此预约的使用情况已记录" in again.content.decode()
    assert UsageRecord.objects.get().amount == Decimal("150.00")


def test_ending_an_outage_that_has_not_begun_removes_it(fac):
    pm = fac["users"]["platform_manager"]
    future = timezone.now() + dt.timedelta(days=2)
    outage, _n = services.outage_create(actor=pm, resource=fac["resource"], start=future,
                                        end=future + dt.timedelta(hours=1))
    assert services.outage_end(actor=pm, outage=outage) is None  # not begun: removed
    assert not Outage.objects.exists()

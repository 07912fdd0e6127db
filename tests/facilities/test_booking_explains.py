"""Booking explains itself: the week grid shows other people's bookings (without names), outages and free
slots that fill the form; a pending booking says who approves it; a rejection carries its reason to the
requester's calendar; wait-list entries are listed and can be left; training can be requested."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote

import pytest
from django.utils import timezone

from biopark.accounts.models import Role
from biopark.facilities import services
from biopark.facilities.models import Booking, Outage, WaitlistEntry
from biopark.services.models import Category, PriceModel, Service, ServiceRequest
from tests.factories import OrganisationFactory, make_user
from tests.services.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def _next_monday_local(hour: int) -> dt.datetime:
    from zoneinfo import ZoneInfo

    today = timezone.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    return dt.datetime.combine(monday, dt.time(hour), tzinfo=ZoneInfo("Asia/Shanghai"))


def test_week_grid_shows_others_as_booked_outages_and_clickable_free_slots(client, fac):
    start = _next_monday_local(10)
    other_org = OrganisationFactory(park=fac["zone"], name_zh="别家公司")
    other = make_user(Role.ENTERPRISE_MEMBER, organisation=other_org)
    services.booking_create(actor=other, resource=fac["resource"], start=start, end=start + dt.timedelta(hours=1))
    services.outage_create(actor=fac["users"]["platform_manager"], resource=fac["resource"],
                           start=start + dt.timedelta(hours=3), end=start + dt.timedelta(hours=4),
                           kind=Outage.Kind.MAINTENANCE)
    client.force_login(fac["member"])
    body = client.get(f"/facilities/resources/{fac['resource'].pk}/", {"week": start.date().isoformat()}).content.decode()
    grid = body[body.index('id="week-grid"'):]
    assert "blk-booked" in grid and "已预约" in grid
    assert "别家公司" not in body and other.username not in body
    assert "blk-outage" in grid and "维护" in grid
    assert "wk-hour" in grid and "10:00" in grid  # the time axis
    links = re.findall(r'<a href="(/facilities/resources/\d+/\?[^"]+)" class="blk blk-free', grid)
    assert links
    link = unquote(links[0].replace("&amp;", "&"))
    form = client.get(link).content.decode()
    start_value = re.search(r'id="book-start" value="([^"]*)"', form).group(1)
    end_value = re.search(r'id="book-end" value="([^"]*)"', form).group(1)
    assert start_value and start_value in link and end_value in link


def test_pending_booking_says_so_and_by_whom(client, fac):
    fac["resource"].requires_approval = True
    fac["resource"].save()
    pm = fac["users"]["platform_manager"]
    start = _next_monday_local(9)
    client.force_login(fac["member"])
    resource_page = client.get(f"/facilities/resources/{fac['resource'].pk}/").content.decode()
    assert "此资源的预约需经平台管理员审批" in resource_page and pm.username in resource_page
    fmt = "%Y-%m-%dT%H:%M"
    resp = client.post(f"/facilities/resources/{fac['resource'].pk}/", {
        "start": start.strftime(fmt), "end": (start + dt.timedelta(hours=1)).strftime(fmt)})
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.PENDING
    assert resp.status_code == 302 and resp["Location"] == f"/facilities/bookings/{booking.pk}/"
    page = client.get(resp["Location"]).content.decode()
    assert "已提交申请：等待平台管理员审批" in page and pm.username in page
    assert "预约成功" not in page


def test_rejection_needs_a_reason_and_the_requester_sees_it(client, fac):
    fac["resource"].requires_approval = True
    fac["resource"].save()
    start = _next_monday_local(9)
    booking = services.booking_create(actor=fac["member"], resource=fac["resource"], start=start,
                                      end=start + dt.timedelta(hours=1))
    client.force_login(fac["users"]["platform_manager"])
    # The old one-click rejection now leads to the form; without a reason nothing changes.
    assert client.post(f"/facilities/bookings/{booking.pk}/reject/", {}).status_code == 422
    booking.refresh_from_db()
    assert (booking.status, booking.decision_reason) == (Booking.Status.PENDING, "")
    resp = client.post(f"/facilities/bookings/{booking.pk}/reject/", {"reason": "仪器当天校准"})
    assert resp.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.decision_reason) == (Booking.Status.REJECTED, "仪器当天校准")
    assert booking.decided_by == fac["users"]["platform_manager"]
    client.force_login(fac["member"])
    calendar = client.get("/facilities/calendar/", {"week": start.date().isoformat()}).content.decode()
    assert "被拒绝的预约" in calendar and "仪器当天校准" in calendar and "blk-rejected" in calendar
    detail = client.get(f"/facilities/bookings/{booking.pk}/").content.decode()
    assert "仪器当天校准" in detail


def test_wait_list_entries_are_listed_and_left(client, fac):
    start = _next_monday_local(9)
    entry = services.waitlist_join(actor=fac["member"], resource=fac["resource"], start=start,
                                   end=start + dt.timedelta(hours=1))
    client.force_login(fac["member"])
    calendar = client.get("/facilities/calendar/").content.decode()
    assert "我的候补" in calendar and fac["resource"].name_zh in calendar
    assert f"/facilities/waitlist/{entry.pk}/leave/" in calendar
    # Someone of another organisation cannot take it off: answered like a missing entry, the entry stays.
    stranger = make_user(Role.ENTERPRISE_MEMBER, organisation=fac["other_enterprise"])
    client.force_login(stranger)
    assert client.post(f"/facilities/waitlist/{entry.pk}/leave/").status_code == 404
    assert WaitlistEntry.objects.get().start == entry.start
    client.force_login(fac["member"])
    assert client.post(f"/facilities/waitlist/{entry.pk}/leave/").status_code == 302
    assert not WaitlistEntry.objects.exists()
    assert "您没有候补中的时段。" in client.get("/facilities/calendar/").content.decode()


def test_request_training_files_a_service_request_to_the_platform(client, fac):
    fac["resource"].requires_qualification = True
    fac["resource"].save()
    # The platform offers a testing service and a training (talent) one: the request goes to the training one.
    ServiceFactory(provider_organisation=None, provider_platform=fac["platform"], park=fac["zone"])
    training = ServiceFactory(provider_organisation=None, provider_platform=fac["platform"], park=fac["zone"],
                              category=Category.TALENT)
    client.force_login(fac["member"])
    listing = client.get("/facilities/").content.decode()
    assert "需资质" in listing and f'href="/facilities/resources/{fac["resource"].pk}/#training-note">申请培训' in listing
    page = client.get(f"/facilities/resources/{fac['resource'].pk}/").content.decode()
    assert "您需要先接受此资源的培训才能预约。" in page and 'id="request-training"' in page
    resp = client.post(f"/facilities/resources/{fac['resource'].pk}/training/", {"note": "下周可以"}, follow=True)
    assert resp.redirect_chain == [(f"/facilities/resources/{fac['resource'].pk}/", 302)]
    assert "已申请培训：平台管理员会与您联系。" in resp.content.decode()
    request = ServiceRequest.objects.get()
    assert request.service_id == training.pk
    assert request.title == f"培训申请：{fac['resource'].name_zh} / {fac['resource'].name_en}"
    assert request.details == "下周可以" and request.requester_organisation_id == fac["enterprise"].pk
    assert request.state == "submitted"
    assert Service.objects.filter(provider_platform=fac["platform"]).count() == 2  # none was made


def test_request_training_without_a_platform_service_makes_the_platform_s_training_service(client, fac):
    platform = fac["platform"]
    client.force_login(fac["member"])
    resp = client.post(f"/facilities/resources/{fac['resource'].pk}/training/", {"note": ""}, follow=True)
    assert "已申请培训：平台管理员会与您联系。" in resp.content.decode()
    made = Service.objects.get()
    assert (made.key, made.name_zh, made.name_en, made.category, made.price_model, made.provider_platform_id,
            made.provider_organisation_id, made.active) == (
        f"service:training-platform-{platform.pk}", f"{platform.name_zh}仪器培训",
        f"{platform.name_en} instrument training", Category.TALENT, PriceModel.FREE, platform.pk,
        fac["enterprise"].pk, True)
    request = ServiceRequest.objects.get()
    assert (request.service_id, request.details, request.requester_organisation_id) == (
        made.pk, "", fac["enterprise"].pk)
    # A second request goes to the same service; none is made again.
    client.post(f"/facilities/resources/{fac['resource'].pk}/training/", {"note": "周五"})
    assert Service.objects.count() == 1
    assert list(ServiceRequest.objects.order_by("id").values_list("service_id", "details")) == [
        (made.pk, ""), (made.pk, "周五")]

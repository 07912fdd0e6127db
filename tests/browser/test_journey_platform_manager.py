"""A platform manager's day in a real Chromium: create a resource with opening hours and a qualification rule,
approve one booking and reject another with a reason, record the usage of a past booking. Each step checks
what the page shows; the main page is also opened at 390 px (no horizontal overflow). Screenshots go to
docs/screenshots/platform_manager-<page>.png."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from biopark.accounts.models import Role
from biopark.facilities import selectors, services
from biopark.facilities.models import Booking, Resource, UsageRecord
from tests.facilities.factories import ResourceFactory
from tests.factories import OrganisationFactory, ParkFactory, PlatformFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _shoot(page, name: str) -> None:
    """The page at 1366 px and at 390 px (then back to 1366); at 390 px nothing may stick out sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(SHOTS / f"platform_manager-{name}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow} px wider than the 390 px screen"
    page.screenshot(path=str(SHOTS / f"platform_manager-{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def _world():
    park = ParkFactory(name_zh="生物城", name_en="Bio-City", time_zone="Asia/Shanghai")
    operator = OrganisationFactory(park=park, name_zh="公共技术平台公司", name_en="Platform Co")
    platform = PlatformFactory(operator=operator, park=park, name_zh="细胞分析平台", name_en="Cell Analysis Platform")
    manager = make_user(Role.PLATFORM_MANAGER, organisation=operator, username="pm")
    enterprise = OrganisationFactory(park=park, name_zh="康诺亚", name_en="Keymed")
    member = make_user(Role.ENTERPRISE_MEMBER, organisation=enterprise, username="member")
    confocal = ResourceFactory(platform=platform, name_zh="激光共聚焦显微镜", name_en="Confocal microscope",
                               requires_approval=True)
    day = timezone.now().astimezone(SHANGHAI).date() + dt.timedelta(days=3)
    first = dt.datetime.combine(day, dt.time(9), tzinfo=SHANGHAI)
    to_approve = services.booking_create(actor=member, resource=confocal, start=first, end=first + dt.timedelta(hours=1))
    to_reject = services.booking_create(actor=member, resource=confocal, start=first + dt.timedelta(hours=2),
                                        end=first + dt.timedelta(hours=3))
    past = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    used = Booking.objects.create(resource=confocal, user=member, organisation=enterprise, start=past,
                                  end=past + dt.timedelta(hours=2), status=Booking.Status.CONFIRMED)
    return {"platform": platform, "manager": manager, "member": member, "approve": to_approve,
            "reject": to_reject, "used": used}


def test_platform_manager_journey(browser_page, live_server):
    w = _world()
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/facilities/manage/")
    page.fill("#id_username", "pm")
    page.fill("#id_password", "correct-horse-9")
    page.click("#login-submit")
    page.wait_for_url("**/facilities/manage/")
    expect(page.locator("h1")).to_have_text("管理预约")
    assert page.locator("a[href^='/admin/']").count() == 0  # no daily link into the Django admin
    _shoot(page, "manage")

    # 1. A new resource: platform by name, opening hours in the weekly picker, aliases as tags, rules, prices.
    page.click("#new-resource")
    page.wait_for_url("**/facilities/resources/new/")
    expect(page.locator("#f-platform option:checked")).to_have_text("细胞分析平台")
    page.fill("#f-name_zh", "流式细胞分析仪")
    page.fill("#f-name_en", "Flow cytometer")
    page.fill("#f-alias_new", "FACSymphony")
    page.press("#f-alias_new", "Enter")  # becomes a chip
    expect(page.locator("#alias-chips .chip")).to_have_text(["FACSymphony"])
    page.fill("#f-alias_new", "流式")
    for day in ["mon", "tue", "wed", "thu", "fri"]:
        page.fill(f"#oh-{day}-0-from", "09:00")
        page.fill(f"#oh-{day}-0-to", "12:00")
        page.fill(f"#oh-{day}-1-from", "13:00")
        page.fill(f"#oh-{day}-1-to", "17:00")
    page.check("#f-requires_qualification")
    page.check("#f-requires_approval")
    page.fill("#f-min_minutes", "60")
    page.fill("#f-price_member", "200")
    page.fill("#f-price_non_member", "320")
    # A mistake first: the message stands next to the field and what was typed stays.
    page.fill("#f-max_minutes", "30")
    _shoot(page, "resource-form")
    page.click("#save-resource")
    expect(page.locator("#form-error")).to_be_visible()
    expect(page.locator("#f-max_minutes + .error")).to_have_text("最长时长不能小于最短时长")
    expect(page.locator("#f-name_zh")).to_have_value("流式细胞分析仪")
    expect(page.locator("#oh-wed-1-to")).to_have_value("17:00")
    page.fill("#f-max_minutes", "240")
    page.click("#save-resource")
    page.wait_for_url("**/facilities/resources/*/")
    expect(page.locator("h1")).to_contain_text("流式细胞分析仪")
    expect(page.locator("#approval-note")).to_contain_text("pm")
    expect(page.locator("#resource-rules")).to_contain_text("周一 09:00–12:00, 13:00–17:00")
    created = Resource.objects.get(name_en="Flow cytometer")
    assert created.opening_hours["fri"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    assert created.requires_qualification and created.aliases == ["FACSymphony", "流式"]
    assert [r.pk for r in selectors.resource_list(user=w["member"], q="liushi")] == [created.pk]

    # The qualification rule: grant the member a qualification that expires soon; the list marks it.
    page.goto(f"{live_server.url}/facilities/manage/qualifications/?resource={created.pk}")
    page.fill("#f-person", "member")
    page.fill("#f-expires_on", (timezone.now() + dt.timedelta(days=20)).date().isoformat())
    page.click("#grant")
    expect(page.locator(".flash")).to_have_text("资质已授予。")
    expect(page.locator("#qualifications")).to_contain_text("member")
    expect(page.locator("#qualifications .expiring")).to_have_text("30 天内到期")

    # 2. Approve one booking, reject the other with a reason.
    page.goto(f"{live_server.url}/facilities/manage/")
    page.click(f"#pending tr[data-booking='{w['approve'].pk}'] button.approve")
    expect(page.locator(".flash")).to_have_text("已批准。")
    expect(page.locator(f"#pending tr[data-booking='{w['approve'].pk}']")).to_have_count(0)
    page.click(f"#pending tr[data-booking='{w['reject'].pk}'] a.reject")
    page.wait_for_url(f"**/facilities/bookings/{w['reject'].pk}/reject/")
    page.click("#confirm-reject")  # no reason yet: refused, said next to the field
    expect(page.locator(".field .error")).to_have_text("请填写理由：申请人会看到。")
    page.fill("#f-reason", "当天仪器校准，请改约周四")
    page.click("#confirm-reject")
    page.wait_for_url("**/facilities/manage/")
    expect(page.locator(".flash")).to_have_text("已拒绝；申请人可看到您的理由。")
    expect(page.locator("#pending")).to_contain_text("没有待审批的预约。")
    w["approve"].refresh_from_db()
    w["reject"].refresh_from_db()
    assert w["approve"].status == Booking.Status.CONFIRMED
    assert (w["reject"].status, w["reject"].decision_reason) == (Booking.Status.REJECTED, "当天仪器校准，请改约周四")

    # 3. Record what the past booking actually used (1.5 h of the 2 h booked).
    page.click(f"#to-record tr[data-booking='{w['used'].pk}'] a.record-usage")
    page.wait_for_url(f"**/facilities/bookings/{w['used'].pk}/usage/")
    start_local = w["used"].start.astimezone(SHANGHAI)
    page.fill("#f-end", (start_local + dt.timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M"))
    page.click("#save-usage")
    page.wait_for_url("**/facilities/manage/")
    expect(page.locator(".flash")).to_have_text("已记录使用。")
    expect(page.locator(f"#to-record tr[data-booking='{w['used'].pk}']")).to_have_count(0)
    record = UsageRecord.objects.get(booking=w["used"])
    assert (record.billed_units, record.amount) == (Decimal("1.5000"), Decimal("150.00"))

"""An enterprise member books in a real Chromium: find a free slot and book it, see it awaiting approval, join
a wait list and leave it, cancel with a confirmation step, download the month's statement. Each step checks
what the page shows; the calendar is also opened at 390 px (no horizontal overflow). Screenshots go to
docs/screenshots/enterprise_member-<page>.png."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from biopark.accounts.models import Role
from biopark.facilities import services, usage
from biopark.facilities.models import Booking, WaitlistEntry
from tests.facilities.factories import ResourceFactory
from tests.factories import OrganisationFactory, ParkFactory, PlatformFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS = {d: [["09:00", "17:00"]] for d in ["mon", "tue", "wed", "thu", "fri"]}


def _shoot(page, name: str) -> None:
    """The page at 1366 px and at 390 px (then back to 1366); at 390 px nothing may stick out sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(SHOTS / f"enterprise_member-{name}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow} px wider than the 390 px screen"
    page.screenshot(path=str(SHOTS / f"enterprise_member-{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def _world():
    park = ParkFactory(name_zh="生物城", name_en="Bio-City", time_zone="Asia/Shanghai")
    operator = OrganisationFactory(park=park, name_zh="公共技术平台公司", name_en="Platform Co")
    platform = PlatformFactory(operator=operator, park=park, name_zh="细胞分析平台", name_en="Cell Analysis Platform")
    manager = make_user(Role.PLATFORM_MANAGER, organisation=operator, username="pm")
    enterprise = OrganisationFactory(park=park, name_zh="康诺亚", name_en="Keymed")
    member = make_user(Role.ENTERPRISE_MEMBER, organisation=enterprise, username="member")
    rival = make_user(Role.ENTERPRISE_MEMBER, organisation=OrganisationFactory(park=park, name_zh="别家公司"))
    flow = ResourceFactory(platform=platform, name_zh="流式细胞分析仪", name_en="Flow cytometer",
                           aliases=["FACSymphony"], requires_approval=True, opening_hours=WEEKDAYS, min_minutes=60,
                           search_text="流式细胞分析仪 | liushixibaofenxiyi | flow cytometer | facsymphony")
    today = timezone.now().astimezone(SHANGHAI).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    taken = dt.datetime.combine(monday, dt.time(13), tzinfo=SHANGHAI)
    services.booking_create(actor=rival, resource=flow, start=taken, end=taken + dt.timedelta(hours=1))
    # Last use this month, recorded by the platform: the month's statement has a line.
    first = dt.datetime.combine(today.replace(day=1), dt.time(10), tzinfo=SHANGHAI)
    used = Booking.objects.create(resource=flow, user=member, organisation=enterprise, start=first,
                                  end=first + dt.timedelta(hours=2), status=Booking.Status.CONFIRMED)
    usage.usage_record(actor=manager, booking=used)
    return {"flow": flow, "monday": monday, "taken": taken, "member": member, "month": today.strftime("%Y-%m")}


def test_enterprise_member_booking_journey(browser_page, live_server):
    w = _world()
    page = browser_page
    monday = w["monday"].isoformat()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/facilities/")
    page.fill("#id_username", "member")
    page.fill("#id_password", "correct-horse-9")
    page.click("#login-submit")
    page.wait_for_url("**/facilities/")

    # 1. Find the resource by its alias and open its week; click a free stretch: the form is filled in.
    page.fill("#fac-q", "FACSymphony")
    page.press("#fac-q", "Enter")
    expect(page.locator("#results")).to_contain_text("流式细胞分析仪")
    page.goto(f"{live_server.url}/facilities/resources/{w['flow'].pk}/?week={monday}")
    expect(page.locator("#approval-note")).to_contain_text("pm")
    expect(page.locator(f".wk-day[data-day='{monday}'] .blk-booked")).to_contain_text("已预约")
    assert "别家公司" not in page.inner_text("main")  # others' bookings show no names
    _shoot(page, "resource")
    page.locator(f".wk-day[data-day='{monday}'] a.blk-free").first.click()
    expect(page.locator("#book-start")).to_have_value(f"{monday}T09:00")
    expect(page.locator("#book-end")).to_have_value(f"{monday}T11:00")

    # 2. Book it: the page says it awaits approval, and by whom; not "booked".
    page.click("#book-submit")
    page.wait_for_url("**/facilities/bookings/*/")
    expect(page.locator("#booking-state")).to_contain_text("已提交申请：等待平台管理员审批")
    expect(page.locator("#booking-state")).to_contain_text("pm")
    mine = Booking.objects.get(user=w["member"], status=Booking.Status.PENDING)
    page.click("text=我的日历")
    page.wait_for_url(f"**/facilities/calendar/?week={monday}")
    expect(page.locator(f".wk-day[data-day='{monday}'] .blk-pending")).to_contain_text("流式细胞分析仪")

    # 3. The 13:00 slot is taken: the refusal says so and offers the wait list; join it, see it, leave it.
    page.goto(f"{live_server.url}/facilities/resources/{w['flow'].pk}/?week={monday}")
    page.fill("#book-start", f"{monday}T13:00")
    page.fill("#book-end", f"{monday}T14:00")
    page.click("#book-submit")
    expect(page.locator("p.errors")).to_contain_text("该时段已被预约")
    page.click("#join-waitlist")
    expect(page.locator(".flash")).to_have_text("您已加入候补名单；时段空出时会通知您。")
    page.goto(f"{live_server.url}/facilities/calendar/")
    expect(page.locator("#waitlist + div table")).to_contain_text("流式细胞分析仪")
    assert WaitlistEntry.objects.filter(user=w["member"]).count() == 1
    page.click("button.leave-waitlist")
    expect(page.locator(".flash")).to_have_text("您已退出候补。")
    expect(page.locator("main")).to_contain_text("您没有候补中的时段。")
    assert not WaitlistEntry.objects.exists()

    # 4. Cancel the request: a confirmation step first.
    page.goto(f"{live_server.url}/facilities/calendar/?week={monday}")
    _shoot(page, "calendar")
    page.locator(f".wk-day[data-day='{monday}'] a.blk-pending").click()
    page.wait_for_url(f"**/facilities/bookings/{mine.pk}/")
    page.click("#cancel-booking")
    page.wait_for_url(f"**/facilities/bookings/{mine.pk}/cancel/")
    expect(page.locator("h1")).to_have_text("确定取消此预约吗？")
    mine.refresh_from_db()
    assert mine.status == Booking.Status.PENDING  # nothing happened yet
    page.click("#confirm-cancel")
    page.wait_for_url("**/facilities/calendar/*")
    expect(page.locator(".flash")).to_have_text("已取消。")
    expect(page.locator(f".wk-day[data-day='{monday}'] .blk-pending")).to_have_count(0)
    mine.refresh_from_db()
    assert mine.status == Booking.Status.CANCELLED

    # 5. The month's statement, downloaded as CSV.
    page.goto(f"{live_server.url}/facilities/statements/?month={w['month']}")
    expect(page.locator("table")).to_contain_text("流式细胞分析仪")
    with page.expect_download() as info:
        page.click("text=CSV")
    path = info.value.path()
    text = Path(path).read_text(encoding="utf-8-sig")
    assert info.value.suggested_filename.endswith(f"{w['month']}.csv")
    assert "流式细胞分析仪" in text and "200.00" in text

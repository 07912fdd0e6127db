"""An enterprise member gets the month's statement in a real Chromium, step by step from the pages: the header's
link to the facilities, the "Statements" tab, last month and back, then the CSV and the XLSX, whose rows and
totals are read and checked. Screenshots: docs/screenshots/enterprise_member-statement(-390).png."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from biopark.accounts.models import Role
from biopark.facilities import usage
from biopark.facilities.models import Booking
from tests.browser.steps_pipeline_desk import overflow_at_390, shoot, sign_in
from tests.facilities.factories import ResourceFactory
from tests.factories import OrganisationFactory, ParkFactory, PlatformFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _used(resource, member, organisation, manager, start: dt.datetime, hours: int) -> None:
    """A past booking whose use the platform recorded: one line of the statement."""
    booking = Booking.objects.create(resource=resource, user=member, organisation=organisation, start=start,
                                     end=start + dt.timedelta(hours=hours), status=Booking.Status.CONFIRMED)
    usage.usage_record(actor=manager, booking=booking)


def _world() -> dict:
    park = ParkFactory(name_zh="生物城", name_en="Bio-City", time_zone="Asia/Shanghai")
    operator = OrganisationFactory(park=park, name_zh="公共技术平台公司", name_en="Platform Co")
    platform = PlatformFactory(operator=operator, park=park, name_zh="细胞分析平台", name_en="Cell Analysis Platform")
    manager = make_user(Role.PLATFORM_MANAGER, organisation=operator, username="pm")
    enterprise = OrganisationFactory(park=park, name_zh="康诺亚", name_en="Keymed")
    member = make_user(Role.ENTERPRISE_MEMBER, organisation=enterprise, username="member")
    flow = ResourceFactory(platform=platform, name_zh="流式细胞分析仪", name_en="Flow cytometer",
                           price_member=Decimal("100.00"), price_non_member=Decimal("100.00"))
    sequencer = ResourceFactory(platform=platform, name_zh="基因测序仪", name_en="Sequencer",
                                price_member=Decimal("80.00"), price_non_member=Decimal("80.00"))
    today = timezone.now().astimezone(SHANGHAI).date()
    first = today.replace(day=1)
    last_month = (first - dt.timedelta(days=1)).replace(day=1)
    _used(flow, member, enterprise, manager, dt.datetime.combine(first, dt.time(10), tzinfo=SHANGHAI), 2)
    _used(sequencer, member, enterprise, manager, dt.datetime.combine(first, dt.time(14), tzinfo=SHANGHAI), 3)
    _used(flow, member, enterprise, manager, dt.datetime.combine(last_month, dt.time(9), tzinfo=SHANGHAI), 1)
    return {"enterprise": enterprise, "first": first, "month": first.strftime("%Y-%m"),
            "last_month": last_month.strftime("%Y-%m")}


def _xlsx_cells(data: bytes) -> list[str]:
    """The texts and numbers of the workbook's first sheet, in order (read from its XML: no reader needed)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
        shared = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in book.namelist() else ""
    # The XML writer may store any non-ASCII character as a reference (&#21512;) — with lxml installed, openpyxl
    # does; both are the same text to a reader, so compare the text, not its escaping.
    return [html.unescape(xml), html.unescape(shared)]


def test_member_downloads_the_months_statement_step_by_step(browser_page, live_server):
    w = _world()
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, "member")
    page.goto(f"{live_server.url}/")

    # 1. From the header to the facilities, then the "Statements" tab: this month of the member's organisation.
    page.click("header a[href='/facilities/']")
    page.wait_for_url("**/facilities/")
    page.click(".subnav >> text=账单")
    page.wait_for_url("**/facilities/statements/")
    expect(page.locator("h1")).to_have_text("月度账单")
    expect(page.locator("#statement-month")).to_have_value(w["month"])
    lines = page.locator("#statement tbody tr.line")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("流式细胞分析仪")
    expect(lines.nth(0)).to_contain_text("200.00")
    expect(lines.nth(1)).to_contain_text("基因测序仪")
    expect(lines.nth(1)).to_contain_text("240.00")
    expect(page.locator("#statement tr.total")).to_contain_text("440.00")

    # 2. Last month, chosen on the page: only its line and its total.
    page.fill("#statement-month", w["last_month"])
    page.click("#statement-show")
    page.wait_for_url(f"**/facilities/statements/?*month={w['last_month']}*")
    expect(lines).to_have_count(1)
    expect(page.locator("#statement tr.total")).to_contain_text("100.00")

    # 3. Back to this month, and the CSV: a header, the two lines, the total.
    page.fill("#statement-month", w["month"])
    page.click("#statement-show")
    expect(lines).to_have_count(2)
    shoot(page, "enterprise_member-statement")
    with page.expect_download() as info:
        page.click("#statement-csv")
    org = w["enterprise"].pk
    assert info.value.suggested_filename == f"statement-{org}-{w['month']}.csv"
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    day = w["first"].isoformat()
    assert rows[0][:3] == ["日期", "平台", "资源"] and rows[0][-2:] == ["金额", "币种"]
    assert [(r[0], r[2], r[5], r[6], r[-3], r[-2]) for r in rows[1:3]] == [
        (day, "流式细胞分析仪", f"{day} 10:00", f"{day} 12:00", "2.0000", "200.00"),
        (day, "基因测序仪", f"{day} 14:00", f"{day} 17:00", "3.0000", "240.00"),
    ]
    assert [(r[0], r[-2], r[-1]) for r in rows[3:]] == [("合计", "440.00", "CNY")]

    # 4. The same statement as XLSX: its sheet holds the lines and the total.
    with page.expect_download() as info:
        page.click("#statement-xlsx")
    assert info.value.suggested_filename == f"statement-{org}-{w['month']}.xlsx"
    sheet, strings = _xlsx_cells(Path(info.value.path()).read_bytes())
    assert re.search(r"<v>440(\.0+)?</v>", sheet) and re.search(r"<v>240(\.0+)?</v>", sheet)
    assert all(text in strings + sheet for text in ("流式细胞分析仪", "基因测序仪", "合计"))

    # 5. On a phone the page fits the screen.
    assert overflow_at_390(page, f"{live_server.url}/facilities/statements/?month={w['month']}") == 0
    shoot(page, "enterprise_member-statement-390")

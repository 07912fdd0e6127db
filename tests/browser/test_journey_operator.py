"""A park operator's day in a real Chromium: find organisations in Chinese, pinyin and by alias, edit one,
import a file with bad rows (every problem reported at once) and then a clean one, export the portfolio.
The main page also at 390 px; the header on one line at 1,366 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from biopark.accounts.models import Role
from biopark.ecosystem.models import Organisation
from tests.browser.conftest import at_width, page_overflow, screenshot, sign_in
from tests.factories import OrganisationFactory, ParkFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD_FILE = (
    "name_zh,name_en,kind,park,founded\n"
    ",,biotech,火星园区,2016-13-45\n"
    "好企业,,enterprise,成都天府国际生物城,2019\n"
    "坏日期企业,,enterprise,成都天府国际生物城,2019-02-30\n"
).encode()
CLEAN_FILE = "中文名称,英文名称,类型\n蜀道生物,Shudao Bio,enterprise\n锦江医疗,Jinjiang Medical,enterprise\n".encode()


def header_rows(page, selector: str) -> int:
    """How many rows the elements matching `selector` sit on (1 when they fit on one line)."""
    return page.evaluate("""(selector) => {
        const tops = new Set();
        for (const el of document.querySelectorAll(selector)) {
            const r = el.getBoundingClientRect();
            if (r.width > 0) tops.add(Math.round(r.top + r.height / 2));
        }
        const values = [...tops].sort((a, b) => a - b);
        let rows = 1;
        for (let i = 1; i < values.length; i++) if (values[i] - values[i - 1] > 12) rows++;
        return rows;
    }""", selector)


def nav_links_clipped(page) -> list[str]:
    """The navigation links not wholly visible: past the viewport's edge, or past the edge of the navigation
    row itself (a row that scrolls sideways hides its last links)."""
    return page.evaluate("""() => {
        const nav = document.querySelector('header .mainnav').getBoundingClientRect();
        return [...document.querySelectorAll('header .mainnav > a')]
            .filter(a => { const r = a.getBoundingClientRect();
                           return r.width === 0 || r.left < Math.max(0, nav.left) - 1
                                  || r.right > Math.min(window.innerWidth, nav.right) + 1; })
            .map(a => a.textContent);
    }""")


def test_operator_journey(browser_page, live_server):
    park = ParkFactory(name_zh="成都天府国际生物城", name_en="Tianfu International Bio-City", public_directory=True)
    keymed = OrganisationFactory(name_zh="康诺亚生物医药科技有限公司", name_en="Keymed Biosciences", park=park,
                                 aliases=["Konoya"])
    OrganisationFactory(name_zh="蓉生药业", name_en="Rongsheng Pharmaceuticals", park=park)
    user = make_user(Role.OPERATOR, park=park, username="operator")
    page, base = browser_page, live_server.url
    at_width(page, 1366)
    sign_in(page, base, user.username)
    page.goto(f"{base}/")
    # The header's two rows: brand, search, language and account on one line; every app's link on the next,
    # each wholly visible.
    assert header_rows(page, "header.topbar > *:not(.mainnav)") == 1
    assert header_rows(page, "header.topbar .mainnav > a") == 1
    assert nav_links_clipped(page) == []
    expect(page.locator("nav.mainnav")).to_contain_text("导入 / 导出")

    # Search: Chinese in the header, pinyin and an alias in the list's field.
    page.fill("header .search input[name=q]", "康诺亚")
    page.press("header .search input[name=q]", "Enter")
    page.wait_for_url("**/search/?q=*")
    expect(page.locator("main")).to_contain_text("康诺亚生物医药科技有限公司")
    page.goto(f"{base}/organisations/")
    page.fill("#list-q", "rongsheng")
    expect(page.locator("#results")).not_to_contain_text("康诺亚")
    expect(page.locator("#results")).to_contain_text("蓉生药业")
    page.fill("#list-q", "Konoya")
    expect(page.locator("#results")).not_to_contain_text("蓉生药业")
    expect(page.locator("#results")).to_contain_text("康诺亚生物医药科技有限公司")
    # The park filter takes a name, suggested as one types.
    page.fill("#list-q", "")
    page.fill("#list-park", "tianfu")
    expect(page.locator("#park-options option")).to_have_count(1)
    assert page.locator("#park-options option").get_attribute("value") == "成都天府国际生物城"
    screenshot(page, "operator-organisations")

    # Edit an organisation; its fields show as a two-column table.
    page.goto(f"{base}/organisations/{keymed.pk}/")
    page.click("#edit-record")
    page.fill("#f-description_zh", "抗体药物研发企业")
    page.click("#save")
    page.wait_for_url(f"**/organisations/{keymed.pk}/")
    expect(page.locator("main")).to_contain_text("抗体药物研发企业")
    expect(page.locator("#record-fields th").first).to_have_text("别名")

    # A file with bad rows: every problem of every row at once, nothing written.
    before = Organisation.objects.count()
    page.goto(f"{base}/import/")
    expect(page.locator("#import-columns")).to_contain_text("园区，填名称、标识或编号")
    page.select_option("#f-type", "organisations")
    page.set_input_files("#f-file", files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": BAD_FILE}])
    page.click("#import-check")
    expect(page.locator("#import-result h2")).to_have_text("未导入：请修正以下行")
    expect(page.locator("#line-2 ul.problems li")).to_have_text([
        "需要填写中文或英文名称",
        "类型：值 'biotech' 不是有效选项。",
        "园区：没有园区 火星园区。",
        "成立时间（YYYY、YYYY-MM 或 YYYY-MM-DD）：2016-13-45 不是日历上存在的日期。",
    ])
    expect(page.locator("#line-4")).to_contain_text("成立时间（YYYY、YYYY-MM 或 YYYY-MM-DD）：2019-02-30 不是日历上存在的日期。")
    page.locator("#import-result").scroll_into_view_if_needed()
    screenshot(page, "operator-import")
    assert Organisation.objects.count() == before

    # A clean file without a park column: the operator's park is chosen for it; check, then import.
    page.select_option("#f-type", "organisations")
    expect(page.locator("#f-park")).to_have_value(str(park.pk))
    page.set_input_files("#f-file", files=[{"name": "clean.csv", "mimeType": "text/csv", "buffer": CLEAN_FILE}])
    page.click("#import-check")
    expect(page.locator("#import-result h2")).to_have_text("试运行：尚未写入")
    page.click("#import-staged")
    expect(page.locator("#import-result h2")).to_have_text("已导入")
    expect(page.locator("#import-counts")).to_contain_text("新记录: 2")
    assert sorted(Organisation.objects.filter(name_en__in=["Shudao Bio", "Jinjiang Medical"]).values_list(
        "name_zh", "park_id")) == [("蜀道生物", park.pk), ("锦江医疗", park.pk)]

    # Export the portfolio.
    page.goto(f"{base}/pipeline/portfolio/")
    with page.expect_download() as download:
        page.click("a[href^='/pipeline/portfolio.xlsx']")
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "operator-portfolio")

    # The main page on a phone: nothing scrolls sideways.
    at_width(page, 390, 844)
    page.goto(f"{base}/organisations/")
    expect(page.locator("#results")).to_contain_text("康诺亚生物医药科技有限公司")
    assert page_overflow(page) <= 0
    page.goto(f"{base}/import/")
    assert page_overflow(page) <= 0
    screenshot(page, "operator-organisations-390")

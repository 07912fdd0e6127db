"""An operator, in Chinese, pastes an article, reviews its proposals and accepts a new organisation; the
document's page then lists it as accepted and the organisation's page lists the document."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from biopark.ecosystem.models import Organisation
from tests.browser.conftest import at_width, screenshot, sign_in
from tests.factories import OrganisationFactory, ParkFactory, PersonFactory, make_user
from tests.news.conftest import ARTICLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_paste_review_accept_in_chinese(browser_page, live_server, transactional_db):
    park = ParkFactory(name_zh="亦庄生物医药园", name_en="Yizhuang Bio Park")
    OrganisationFactory(name_zh="北京亦庄生物医药管委会", name_en="Yizhuang Biomedicine Committee", aliases=[], park=park)
    PersonFactory(name_zh="严明", name_en="Yan Ming", aliases=[])
    operator = make_user("operator", park=park, username="news-operator")
    page, base = browser_page, live_server.url
    at_width(page, 1366)
    sign_in(page, base, operator.username)
    page.goto(f"{base}/")
    page.click("nav.mainnav a[data-nav='news']")
    expect(page.locator("main h1")).to_have_text("资讯读入")
    expect(page.locator("#fetch-off")).to_be_visible()
    page.fill("#f-text", ARTICLE)
    page.fill("#f-publisher", "亦庄发布")
    page.fill("#f-published", "2025-05-01")
    page.click("#ingest")
    expect(page.locator(".flash")).to_contain_text("文档已读取：6 条建议待审核。")
    expect(page.locator(".news-text span[id^='passage-']")).to_have_count(6)
    card = page.locator("article.proposal[data-type='organisation']", has_text="苏州沐光生物科技有限公司")
    expect(card).to_contain_text("置信度 0.60")
    screenshot(page, "operator-news-review")
    card.locator("button[name='accept']").click()
    expect(page.locator(".flash")).to_contain_text("已接受。")
    expect(page.locator("#accepted")).to_contain_text("苏州沐光生物科技有限公司")
    org = Organisation.objects.get(name_zh="苏州沐光生物科技有限公司")
    page.locator("#accepted a", has_text="苏州沐光生物科技有限公司").click()
    page.wait_for_url(f"{base}/organisations/{org.pk}/")
    expect(page.locator("#news-mentions")).to_contain_text(ARTICLE[:20])

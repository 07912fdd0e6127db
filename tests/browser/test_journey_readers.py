"""Investors and viewers browse by the navigation without meeting a refusal; an anonymous visitor reads the
public directory. Each main page also at 390 px. Screenshots go to docs/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from biopark.accounts.models import Role
from tests.browser.conftest import at_width, page_overflow, screenshot, sign_in
from tests.factories import OrganisationFactory, ParkFactory, PlatformFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registry(transactional_db):
    park = ParkFactory(name_zh="成都天府国际生物城", name_en="Tianfu International Bio-City", public_directory=True)
    closed = ParkFactory(name_zh="内部园区", name_en="Internal Park", public_directory=False)
    keymed = OrganisationFactory(name_zh="康诺亚生物医药科技有限公司", name_en="Keymed Biosciences", park=park)
    OrganisationFactory(name_zh="内部企业", name_en="Internal Co", park=closed)
    PlatformFactory(name_zh="抗体筛选平台", name_en="Antibody screening platform", operator=keymed, park=park)
    return {"park": park, "closed": closed, "keymed": keymed}


def walk_the_navigation(page, base: str) -> dict[str, int]:
    """Open every link of the main navigation, and the first record each list shows: {url: status}."""
    page.goto(f"{base}/")
    hrefs = page.eval_on_selector_all("nav.mainnav a", "links => links.map(a => a.getAttribute('href'))")
    statuses: dict[str, int] = {}
    for href in hrefs:
        response = page.goto(f"{base}{href}")
        statuses[href] = response.status
        expect(page.locator("main h1").first).to_be_visible()
        first = page.locator("main table a[href^='/'], main ul.tree a[href^='/']").first
        if first.count():
            target = first.get_attribute("href")
            statuses[target] = page.goto(f"{base}{target}").status
    return statuses


@pytest.mark.parametrize("role", [Role.INVESTOR, Role.VIEWER])
def test_readers_follow_every_navigation_link_without_a_refusal(browser_page, live_server, registry, role):
    user = make_user(role, username=f"reader-{role}")
    page, base = browser_page, live_server.url
    at_width(page, 1366)
    sign_in(page, base, user.username)
    page.goto(f"{base}/")
    nav = page.locator("nav.mainnav")
    expect(nav).to_contain_text("园区")
    expect(nav).not_to_contain_text("导入 / 导出")
    statuses = walk_the_navigation(page, base)
    assert {url for url, status in statuses.items() if status >= 400} == set()
    assert {"/parks/", "/organisations/", "/people/", "/platforms/"} <= set(statuses)
    name = "investor" if role == Role.INVESTOR else "viewer"
    page.goto(f"{base}/organisations/")
    expect(page.locator("#results")).to_contain_text("康诺亚生物医药科技有限公司")
    screenshot(page, f"{name}-organisations")
    # The import page, forced by its address, offers export only.
    page.goto(f"{base}/import/")
    expect(page.locator("#no-import")).to_be_visible()
    assert page.locator("#import-form").count() == 0
    at_width(page, 390, 844)
    page.goto(f"{base}/organisations/{registry['keymed'].pk}/")
    expect(page.locator("#record-name")).to_contain_text("康诺亚生物医药科技有限公司")
    assert page_overflow(page) <= 0
    page.goto(f"{base}/organisations/")
    assert page_overflow(page) <= 0
    screenshot(page, f"{name}-organisations-390")


def test_anonymous_visitor_reads_the_public_directory(browser_page, live_server, registry):
    page, base = browser_page, live_server.url
    at_width(page, 1366)
    page.goto(f"{base}/parks/")
    expect(page.locator("main")).to_contain_text("成都天府国际生物城")
    expect(page.locator("main")).not_to_contain_text("内部园区")
    expect(page.locator("#sign-in")).to_be_visible()
    assert {url for url, status in walk_the_navigation(page, base).items() if status >= 400} == set()
    page.goto(f"{base}/organisations/")
    expect(page.locator("#results")).to_contain_text("康诺亚生物医药科技有限公司")
    expect(page.locator("#results")).not_to_contain_text("内部企业")
    page.click("text=康诺亚生物医药科技有限公司")
    expect(page.locator("#record-fields")).to_contain_text("成都天府国际生物城")
    assert page.locator("#edit-record").count() == 0
    screenshot(page, "anonymous-organisation")
    at_width(page, 390, 844)
    page.goto(f"{base}/parks/")
    expect(page.locator("main")).to_contain_text("成都天府国际生物城")
    assert page_overflow(page) <= 0
    screenshot(page, "anonymous-parks-390")

"""The home page per role (issue 12) in a real browser, in Chinese and English: which tiles each role sees,
under their exact headings, with one headline value each where the tile has one, and every tile saying when
its figures were computed. Screenshots: docs/screenshots/<role>-home.png at 1366 wide, the operator's also
at 390 (operator-home-390.png)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import at_width, page_overflow, screenshot, sign_in
from tests.ecosystem.test_home import world  # noqa: F401  (the hand-built park the tile tests use)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Per role and language: each tile's heading, in order, with its headline value (None: a list only). ANY: a
# utilisation share, which depends on whether yesterday and tomorrow fall in this week and month.
ANY = "<any>"
EXPECTED = {
    "operator": {
        "zh-hans": [("提醒", "1"), ("项目漏斗", "2"), ("无进展报告", "1"), ("服务台队列", "2"), ("本周设施", ANY),
                    ("本园区最新协议", None), ("待跟进线索", "0"), ("目标", "0"), ("自上次访问以来", "1")],
        "en": [("Alerts", "1"), ("Project funnel", "2"), ("No development reported", "1"),
               ("Service desk queue", "2"), ("Facilities this week", ANY), ("Recent agreements in your park", None),
               ("Leads to follow up", "0"), ("Targets", "0"), ("Since your last visit", "1")],
    },
    "platform_manager": {
        "zh-hans": [("提醒", "0"), ("待审批的预约", "1"), ("今天和明天", "1"), ("本月利用率", ANY),
                    ("待记录的使用", "1"), ("停机", "1"), ("投资机构引荐", "0"), ("数据征集", "0")],
        "en": [("Alerts", "0"), ("Bookings awaiting approval", "1"), ("Today and tomorrow", "1"),
               ("Utilisation this month", ANY), ("Usage to record", "1"), ("Outages", "1"),
               ("Introductions to investors", "0"), ("Figure requests", "0")],
    },
    "enterprise_member": {
        "zh-hans": [("我的项目", "2"), ("我的预约", "1"), ("等待我处理的申请", "1"), ("适合我的项目的服务", "2"),
                    ("投资机构引荐", "0"), ("数据征集", "0")],
        "en": [("My projects", "2"), ("My bookings", "1"), ("Requests awaiting me", "1"),
               ("Services for my projects", "2"), ("Introductions to investors", "0"), ("Figure requests", "0")],
    },
    "investor": {
        "zh-hans": [("阶段有变化的项目", "1")],
        "en": [("Projects that changed stage", "1")],
    },
}
PUBLIC = {"zh-hans": ["关键数据", "功能平台"], "en": ["Key figures", "Functional platforms"]}
AS_OF = {"zh-hans": "截至 ", "en": "as of "}


def _tiles_on(page) -> list[tuple[str, str | None]]:
    """Each tile's heading and headline value, as the page shows them."""
    return page.eval_on_selector_all(
        "section.tile",
        "tiles => tiles.map(t => [t.querySelector('h2').innerText.trim(),"
        " t.querySelector(':scope > p > .num') ? t.querySelector(':scope > p > .num').innerText.trim() : null])",
    )


def _open_home(page, base: str, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/")
    expect(page.locator("main h1")).to_be_visible()


def _every_tile_says_when(page, language: str) -> None:
    notes = page.locator("section.tile p.asof time").all_inner_texts()
    assert len(notes) == page.locator("section.tile").count()
    assert all(n.startswith(AS_OF[language]) for n in notes), notes


@pytest.mark.parametrize("role", ["operator", "platform_manager", "enterprise_member", "investor"])
def test_each_role_sees_its_tiles_with_their_headings_and_values(browser_page, live_server, world, role):  # noqa: F811
    page, base = browser_page, live_server.url
    at_width(page, 1366)
    sign_in(page, base, world["users"][role].username)
    for language in ("en", "zh-hans"):
        _open_home(page, base, language)
        got = [tuple(t) for t in _tiles_on(page)]
        expected = EXPECTED[role][language]
        assert got == [(h, got[i][1] if v == ANY and i < len(got) else v) for i, (h, v) in enumerate(expected)]
        assert all(got[i][1] and got[i][1].endswith("%") for i, (_h, v) in enumerate(expected) if v == ANY)
        _every_tile_says_when(page, language)
    screenshot(page, f"{role}-home")
    if role == "operator":
        # The targets tile's status badges keep their word; the whole page fits a phone's width.
        at_width(page, 390)
        page.goto(f"{base}/")
        assert page_overflow(page) == 0
        screenshot(page, "operator-home-390")


@pytest.mark.parametrize("who", ["viewer", "anonymous"])
def test_viewers_and_visitors_see_the_public_profile(browser_page, live_server, world, who):  # noqa: F811
    page, base = browser_page, live_server.url
    at_width(page, 1366)
    if who == "viewer":
        sign_in(page, base, world["users"]["viewer"].username)
    # A visitor reads the public directory only (the park tree's two organisations); a viewer the registry.
    organisations = "4" if who == "viewer" else "2"
    for language in ("en", "zh-hans"):
        _open_home(page, base, language)
        figures, platforms = PUBLIC[language]
        assert [tuple(t) for t in _tiles_on(page)] == [(figures, organisations), (platforms, "1")]
        _every_tile_says_when(page, language)
    screenshot(page, f"{who}-home")

"""A park operator on the service desk in a real Chromium: assigns a request to a colleague and moves it, one
verb at a time, to delivered; only the moves the policy allows are offered. Then the requester signs in,
finds the request delivered, and rates it (no rating is chosen for them)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from biopark.accounts.models import Role
from biopark.services import services
from tests.browser.steps_pipeline_desk import overflow_at_390, shoot, sign_in
from tests.factories import OrganisationFactory, ParkFactory, make_user
from tests.services.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_assigns_to_a_colleague_delivers_and_the_requester_rates(browser_page, live_server):
    park = ParkFactory(name_zh="成都天府国际生物城", name_en="Tianfu International Bio-City")
    enterprise = OrganisationFactory(name_zh="康诺亚生物医药科技有限公司", park=park)
    provider = OrganisationFactory(name_zh="天府药物安全评价中心", park=park)
    service = ServiceFactory(name_zh="GLP毒理研究", provider_organisation=provider, park=park)
    member = make_user(Role.ENTERPRISE_MEMBER, organisation=enterprise, username="keymed-member")
    operator = make_user(Role.OPERATOR, park=park, username="desk-operator")
    colleague = make_user(Role.OPERATOR, park=park, username="desk-colleague")
    request = services.request_submit(actor=member, service=service, title="CM310 GLP毒理研究")
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, operator.username)

    page.goto(f"{live_server.url}/services/requests/")
    page.click(f"a[href='/services/requests/{request.pk}/']")
    page.wait_for_url(f"**/services/requests/{request.pk}/")
    expect(page.locator("#state")).to_have_text("已提交")
    # The requester's own move is not offered to the desk; the desk's are, as verbs.
    expect(page.locator("button[data-action=withdrawn]")).to_have_count(0)
    expect(page.locator("button[data-action=accepted]")).to_have_text("受理")

    page.select_option("#assignee-select", label="desk-colleague (园区运营人员)")
    page.click("#assign")
    expect(page.locator("#assignee")).to_have_text("desk-colleague")
    expect(page.locator(".timeline")).to_contain_text("已指派给 desk-colleague")
    for action, verb, state in (("accepted", "受理", "已受理"), ("in_progress", "开始办理", "办理中"),
                                ("delivered", "交付", "已交付")):
        button = page.locator(f"button[data-action={action}]")
        expect(button).to_have_text(verb)
        button.click()
        expect(page.locator("#state")).to_have_text(state)
    # Once delivered, the desk may close it (asking for the rating) or the requester sends it back.
    expect(page.locator("button[data-action=closed]")).to_have_count(1)
    request.refresh_from_db()
    assert (request.state, request.assignee_id) == ("delivered", colleague.pk)
    shoot(page, "operator-request")

    assert overflow_at_390(page, f"{live_server.url}/services/requests/") == 0
    expect(page.locator("#results")).to_contain_text("CM310 GLP毒理研究")
    shoot(page, "operator-requests-390")

    # The requester finds it delivered in their own list and rates it; nothing is pre-chosen.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, member.username)
    page.goto(f"{live_server.url}/services/requests/")
    expect(page.locator("#results")).to_contain_text("已交付")
    page.click(f"a[href='/services/requests/{request.pk}/']")
    page.wait_for_url(f"**/services/requests/{request.pk}/")
    expect(page.locator("#state")).to_have_text("已交付")
    rating = page.locator("form[action$='/rate'] select[name=rating]")
    expect(rating).to_have_value("")
    rating.select_option("4")
    page.fill("form[action$='/rate'] input[name=comment]", "报告及时，沟通顺畅")
    page.click("form[action$='/rate'] button")
    expect(page.locator("#request-facts")).to_contain_text("4 / 5 · 报告及时，沟通顺畅")
    request.refresh_from_db()
    assert (request.state, request.rating, request.rating_comment) == ("delivered", 4, "报告及时，沟通顺畅")
    shoot(page, "enterprise_member-request-rated")

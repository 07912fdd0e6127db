"""Issue 13 in a real Chromium, in Simplified Chinese at 1366 wide: an operator records a licence agreement at a
signing and sees the event's totals; an operator moves a lead on the board and is told why a move back is
refused; an investor records interest, the operator introduces it and both sides read the notification."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from biopark.accounts.models import Role
from biopark.accounts.policy import SYSTEM
from biopark.deals import services as deals
from biopark.deals.models import Agreement, LicenceTerms
from biopark.ecosystem.models import Organisation
from biopark.financing import services as financing
from biopark.financing.models import Interest
from biopark.promotion import services as promotion
from biopark.promotion.models import Lead, Pipeline
from tests.browser.conftest import screenshot, sign_in
from tests.factories import OrganisationFactory, ParkFactory, make_user
from tests.pipeline.factories import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _park():
    return ParkFactory(name_zh="苏州工业园区", name_en="Suzhou Industrial Park", province_en="Jiangsu",
                       city_en="Suzhou")


def test_operator_records_a_licence_and_sees_the_event_totals(browser_page, live_server):
    park = _park()
    licensor = OrganisationFactory(park=park, name_zh="启德医药科技有限公司")
    licensee = OrganisationFactory(park=None, name_zh="阿斯利康")
    operator = make_user(Role.OPERATOR, park=park, username="deal-operator")
    event = deals.event_create(actor=SYSTEM, data={"kind": "signing", "title_zh": "合作签约仪式", "park": park,
                                                   "starts_on": "2023-02-23"})
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, operator.username)

    page.goto(f"{live_server.url}/deals/new/")
    page.fill("#f-title_zh", "CMG901 全球独家许可协议")
    page.select_option("#f-kind", "licensing")
    page.select_option("#f-status", "signed")
    page.fill("#f-value_amount", "1200000000")
    page.select_option("#f-value_currency", "USD")
    page.select_option("#f-event", str(event.pk))
    page.fill("[name='party-0-organisation']", str(licensor.pk))
    page.select_option("[name='party-0-role']", "licensor")
    page.fill("[name='party-1-organisation']", str(licensee.pk))
    page.select_option("[name='party-1-role']", "licensee")
    page.click("#save")
    page.wait_for_url("**/deals/*/")
    agreement = Agreement.objects.get(title_zh="CMG901 全球独家许可协议")

    page.goto(f"{live_server.url}/deals/{agreement.pk}/terms/")
    page.select_option("#f-currency", "USD")
    page.fill("#f-upfront_amount", "63000000")
    page.click("#save")
    expect(page.locator("body")).to_contain_text("许可条款已保存。")
    assert LicenceTerms.objects.get(agreement=agreement).upfront_amount == Decimal("63000000.00")

    page.goto(f"{live_server.url}/deals/events/{event.pk}/")
    expect(page.locator("main")).to_contain_text("1 项协议，12 亿美元")
    expect(page.locator("main")).to_contain_text("CMG901 全球独家许可协议")
    screenshot(page, "operator-deal-event")


def test_operator_moves_a_lead_on_the_board_and_a_refused_move_says_why(browser_page, live_server):
    park = _park()
    prospect = OrganisationFactory(park=park, name_zh="信达生物制药")
    operator = make_user(Role.OPERATOR, park=park, username="lead-operator")
    # A transactional test starts from an emptied database: seed the pipeline as its migration does.
    import_module("biopark.promotion.migrations.0002_investment_promotion_pipeline").seed(apps, None)
    lead = promotion.lead_create(actor=operator, data={
        "park": park, "organisation": prospect, "project": "抗体生产基地", "source": "referral"})
    pipeline = Pipeline.objects.get(key="investment-promotion")
    contacted = pipeline.stages.get(code="contacted")
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, operator.username)

    page.goto(f"{live_server.url}/promotion/?pipeline={pipeline.pk}")
    card = page.locator("article.lead-card", has_text="抗体生产基地")
    card.locator("select[name=stage]").select_option(str(contacted.pk))
    card.locator("button").click()
    column = page.locator("section.board-column[aria-label='已接洽']")
    expect(column.locator("article.lead-card", has_text="抗体生产基地")).to_have_count(1)
    assert Lead.objects.get(pk=lead.pk).stage_id == contacted.pk
    screenshot(page, "operator-lead-board")

    page.goto(f"{live_server.url}/promotion/leads/{lead.pk}/")
    expect(page.locator("#stage")).to_have_text("已接洽")
    form = page.locator(f"form[action='/promotion/leads/{lead.pk}/move']")
    form.locator("select[name=stage]").select_option(label="线索")
    form.locator("button").click()
    expect(page.locator("main")).to_contain_text("将线索退回到较早的阶段需要填写备注")
    expect(page.locator("#stage")).to_have_text("已接洽")
    assert Lead.objects.get(pk=lead.pk).stage_id == contacted.pk
    screenshot(page, "operator-lead-refused-move")


def test_investor_interest_operator_introduction_and_both_notified(browser_page, live_server):
    park = _park()
    enterprise = OrganisationFactory(park=park, name_zh="博奥生物")
    fund = OrganisationFactory(park=None, name_zh="君联资本", kind=Organisation.Kind.INVESTOR)
    operator = make_user(Role.OPERATOR, park=park, username="fin-operator")
    investor = make_user(Role.INVESTOR, organisation=fund, username="fin-investor")
    member = make_user(Role.ENTERPRISE_MEMBER, organisation=enterprise, username="fin-member")
    project = ProjectFactory(organisation=enterprise, park=park, modality="antibody", name_zh="双抗一号",
                             therapeutic_areas=["oncology"])
    financing.need_create(actor=SYSTEM, project=project, data={
        "round": "a", "amount": "50000000", "currency": "CNY", "visibility": "investors"})
    financing.mandate_create(actor=SYSTEM, organisation=fund, data={
        "name": "早期基金", "stages": ["preclinical", "phase1"], "ticket_min": "20000000", "ticket_max": "80000000",
        "currency": "CNY"})
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})

    sign_in(page, live_server, investor.username)
    page.goto(f"{live_server.url}/financing/projects/{project.pk}/")
    interest_form = page.locator("form:has(input[name=action][value=interest])")
    interest_form.locator("select[name=state]").select_option("considering")
    interest_form.locator("button").click()
    page.wait_for_load_state()
    assert Interest.objects.get(investor=fund, project=project).state == "considering"
    page.context.clear_cookies()

    sign_in(page, live_server, operator.username)
    page.goto(f"{live_server.url}/financing/projects/{project.pk}/")
    introduce = page.locator(f"form:has(input[name=investor][value='{fund.pk}'])")
    introduce.locator("input[name=message]").fill("请于下周联系")
    introduce.locator("button").click()
    expect(page.locator("body")).to_contain_text("引荐已发出，双方均已收到通知。")
    page.context.clear_cookies()

    for user, text, name in ((investor, "园区为您引荐了项目双抗一号。", "investor-notification"),
                             (member, "园区将君联资本引荐给您的项目双抗一号。", "enterprise-notification")):
        sign_in(page, live_server, user.username)
        page.goto(f"{live_server.url}/financing/")
        expect(page.locator("main")).to_contain_text(text)
        screenshot(page, name)
        page.context.clear_cookies()
    assert timezone.now() - dt.timedelta(hours=1) < Interest.objects.get(project=project).updated_at

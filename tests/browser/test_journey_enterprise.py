"""An enterprise member's day in a real Chromium: registers a project, records a stage (and is told why a
stage without its evidence is refused), and asks the service desk for it with a file attached."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from biopark.accounts.models import Role
from biopark.pipeline.models import Project
from biopark.services.models import ServiceRequest
from tests.browser.steps_pipeline_desk import overflow_at_390, shoot, sign_in
from tests.factories import OrganisationFactory, ParkFactory, PersonFactory, make_user
from tests.services.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_creates_a_project_records_a_stage_and_requests_a_service(browser_page, live_server, tmp_path,
                                                                          settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    park = ParkFactory(name_zh="成都天府国际生物城", name_en="Tianfu International Bio-City")
    enterprise = OrganisationFactory(name_zh="康诺亚生物医药科技有限公司", name_en="Keymed Biosciences", park=park)
    cro = OrganisationFactory(name_zh="天府药物安全评价中心", name_en="Tianfu Drug Safety Center", park=park)
    PersonFactory(name_zh="陈博", name_en="Chen Bo")
    service = ServiceFactory(name_zh="GLP毒理研究", name_en="GLP toxicology", provider_organisation=cro, park=park,
                             category="preclinical", stages=["discovery", "preclinical", "ind"])
    member = make_user(Role.ENTERPRISE_MEMBER, organisation=enterprise, username="keymed-member")
    page = browser_page
    sign_in(page, live_server, member.username)

    # 1. A new project, from the list's button; the team member is suggested as one types.
    page.goto(f"{live_server.url}/pipeline/")
    page.click("#new-project")
    page.wait_for_url("**/pipeline/new/")
    expect(page.locator("#f-organisation")).to_have_text("康诺亚生物医药科技有限公司")
    page.fill("#f-name_zh", "CM310注射液")
    page.fill("#f-name_en", "CM310 injection")
    page.select_option("#f-modality", label="抗体")
    page.fill("#f-targets", "IL-4Rα")
    page.fill("#f-indications", "特应性皮炎")
    page.locator("input[name=team_name]").first.press_sequentially("chenbo", delay=30)
    expect(page.locator("#dl-people option")).to_have_attribute("value", "陈博")
    page.locator("input[name=team_name]").first.fill("陈博")
    page.locator("input[name=team_role]").first.fill("项目负责人")
    page.click("#save")
    project = Project.objects.get(name_zh="CM310注射液")
    page.wait_for_url(f"**/pipeline/{project.pk}/")
    expect(page.locator("h1")).to_contain_text("CM310注射液")
    expect(page.locator("#project-facts")).to_contain_text("抗体")
    expect(page.locator("#project-team")).to_contain_text("陈博 (项目负责人)")

    # 2. A stage without the evidence it needs is refused beside the field; with it, it is recorded.
    page.select_option("#f-stage", value="phase1")
    page.fill("#f-date", "2024-03")
    page.click("#record")
    expect(page.locator("#error-trial_id")).to_be_visible()
    expect(page.locator("#f-date")).to_have_value("2024-03")
    page.select_option("#f-stage", value="preclinical")
    page.fill("#f-date", "2024-03")
    page.click("#record")
    expect(page.locator("#stage-history")).to_contain_text("2024年3月")
    expect(page.locator("#highest-stage")).to_contain_text("临床前")
    page.set_viewport_size({"width": 1366, "height": 900})
    shoot(page, "enterprise-project")

    # 3. A service for the project, with a file.
    page.click("#request-service")
    page.wait_for_url(f"**/services/?project={project.pk}")
    page.click(f"a[href='/services/{service.pk}/?project={project.pk}']")
    expect(page.locator("#f-project")).to_have_value(str(project.pk))
    page.fill("#f-title", "CM310 GLP毒理研究")
    protocol = tmp_path / "protocol.pdf"
    protocol.write_bytes(b"%PDF-1.7\nstudy protocol\n")
    page.set_input_files("#f-file", str(protocol))
    page.click("#submit-request")
    request = ServiceRequest.objects.get()
    page.wait_for_url(f"**/services/requests/{request.pk}/")
    expect(page.locator("#state")).to_have_text("已提交")
    expect(page.locator("#request-facts")).to_contain_text("CM310注射液")
    expect(page.locator("main")).to_contain_text("protocol.pdf")
    assert list(request.attachments.values_list("original_name", flat=True)) == ["protocol.pdf"]
    shoot(page, "enterprise-request")

    # 4. The projects list fits a 390 px phone.
    assert overflow_at_390(page, f"{live_server.url}/pipeline/") == 0
    expect(page.locator("#results")).to_contain_text("CM310注射液")
    shoot(page, "enterprise-projects-390")

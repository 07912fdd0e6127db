"""A person signs in, searches in Chinese, opens a record and edits it, in a real Chromium."""

import pytest
from playwright.sync_api import expect

from biopark.accounts.models import Role
from biopark.ecosystem.models import Organisation
from tests.factories import OrganisationFactory, ParkFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_search_in_chinese_open_and_edit(browser_page, live_server):
    park = ParkFactory(name_zh="成都天府国际生物城", name_en="Tianfu International Bio-City", public_directory=True)
    org = OrganisationFactory(name_zh="康诺亚生物医药科技有限公司", name_en="Keymed Biosciences", park=park,
                              aliases=["Konoya"])
    OrganisationFactory(name_zh="蓉生药业", name_en="Rongsheng Pharmaceuticals", park=park)
    user = make_user(Role.OPERATOR, park=park, username="op")
    page = browser_page

    page.goto(f"{live_server.url}/accounts/login/?next=/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct-horse-9")
    page.click("#login-submit")
    page.wait_for_url(f"{live_server.url}/")
    assert "op" in page.inner_text(".who")

    # htmx is served by this server and filters the list as one types.
    page.goto(f"{live_server.url}/organisations/")
    assert page.evaluate("typeof window.htmx") == "object"
    page.fill("#list-q", "rongsheng")
    expect(page.locator("#results")).not_to_contain_text("康诺亚")
    assert "蓉生药业" in page.inner_text("#results")

    page.fill("header .search input[name=q]", "康诺亚")
    page.press("header .search input[name=q]", "Enter")
    page.wait_for_url("**/search/?q=*")
    page.click("text=康诺亚生物医药科技有限公司")
    page.wait_for_url(f"**/organisations/{org.pk}/")
    assert page.inner_text("#record-name").startswith("康诺亚生物医药科技有限公司")

    page.click("#edit-record")
    page.fill("#f-description_zh", "抗体偶联药物研发企业")
    page.fill("#f-aliases", "Konoya; 康诺亚")
    page.click("#save")
    page.wait_for_url(f"**/organisations/{org.pk}/")
    assert "抗体偶联药物研发企业" in page.inner_text("main")
    assert "康诺亚" in page.inner_text("main")
    history = page.inner_text("#history")
    assert "— → 抗体偶联药物研发企业" in history and "description_zh" not in history  # a label, not the column

    org.refresh_from_db()
    assert org.description_zh == "抗体偶联药物研发企业"
    assert org.aliases == ["Konoya", "康诺亚"]
    assert Organisation.objects.count() == 2

    # The language switch is on every page.
    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.inner_text("#record-name").startswith("Keymed Biosciences")

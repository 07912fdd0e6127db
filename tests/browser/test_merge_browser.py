"""A park operator merges a duplicate organisation record from its page, in a real Chromium."""

import pytest

from biopark.accounts.models import Role
from biopark.ecosystem.models import Organisation
from biopark.pipeline.models import Project
from tests.factories import OrganisationFactory, ParkFactory, make_user
from tests.pipeline.factories import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_merges_a_duplicate_from_its_page(browser_page, live_server):
    park = ParkFactory(name_zh="生物城", name_en="Bio-City")
    keep = OrganisationFactory(name_zh="康诺亚生物医药科技有限公司", name_en="Keymed Biosciences", park=park)
    dup = OrganisationFactory(name_zh="康诺亚", name_en="Keymed", park=park)
    project = ProjectFactory(organisation=dup, name_zh="CM310")
    user = make_user(Role.OPERATOR, park=park, username="op")
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/?next=/organisations/{dup.pk}/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct-horse-9")
    page.click("#login-submit")
    page.wait_for_url(f"**/organisations/{dup.pk}/")

    page.click("#merge-record")
    page.fill("#merge-search input[name=q]", "康诺亚")
    page.press("#merge-search input[name=q]", "Enter")
    page.click("#merge-candidates >> text=康诺亚生物医药科技有限公司")
    assert "CM310" in page.inner_text("#merge-preview")
    page.click("#merge-confirm")
    page.wait_for_url(f"**/organisations/{keep.pk}/")
    assert "已并入本记录" in page.inner_text("main")
    assert "并入的记录: — → 康诺亚" in page.inner_text("#history")  # the merge row by its label, not its key
    assert not Organisation.objects.filter(pk=dup.pk).exists()
    assert Project.objects.get(pk=project.pk).organisation_id == keep.pk

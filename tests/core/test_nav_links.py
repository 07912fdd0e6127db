"""What each role is shown in the navigation, and a forced upload by a reader.

That no link a role is shown answers 403 or 500 (issue 11: "管理" and "项目组合" for enterprise members,
investors and viewers; "导入 / 导出" for investors and viewers) is checked by the translation crawl
(tests/i18n/test_pages.py), which follows every link from the home page for every role in three languages
before it visits the other pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

REGISTRY = ["/parks/", "/organisations/", "/people/", "/platforms/"]
APPS = ["/facilities/", "/pipeline/", "/services/", "/deals/"]
EXPECTED_LINKS = {
    # Registry, apps, then deals, investment promotion (operators and administrators only), financing (not for
    # viewers), targets, news (operators and admins: they ingest and review), rankings, and the import page only for those who may import.
    "admin": REGISTRY + APPS + ["/promotion/", "/financing/", "/metrics/targets/", "/news/", "/rankings/", "/import/"],
    "operator": REGISTRY + APPS + ["/promotion/", "/financing/", "/metrics/targets/", "/news/", "/rankings/", "/import/"],
    "member": REGISTRY + APPS + ["/financing/", "/metrics/targets/", "/rankings/"],
    "investor": REGISTRY + APPS + ["/financing/", "/metrics/targets/", "/rankings/"],
    "viewer": REGISTRY + APPS + ["/metrics/targets/", "/rankings/"],
}


def _nav_links(client: Client) -> list[str]:
    html = client.get("/").content.decode()
    nav = html[html.index('<nav class="mainnav"'):html.index("</nav>")]
    return re.findall(r'href="([^"]+)"', nav)


@pytest.mark.parametrize("who", sorted(EXPECTED_LINKS))
def test_each_role_sees_the_links_it_may_use(module_world: dict[str, Any], who: str) -> None:
    client = Client()
    client.force_login(module_world["users"][who])
    assert _nav_links(client) == EXPECTED_LINKS[who]


@pytest.mark.parametrize("who", ["investor", "viewer"])
def test_a_forced_upload_by_a_reader_is_refused_cleanly(module_world: dict[str, Any], who: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from biopark.ecosystem.models import Organisation

    client = Client()
    client.force_login(module_world["users"][who])
    before = sorted(Organisation.objects.values_list("pk", "name_zh", "name_en"))
    page = client.get("/import/").content.decode()
    assert 'id="import-form"' not in page and 'id="no-import"' in page
    refused = client.post("/import/", {"type": "organisations", "apply": "1",
                                       "file": SimpleUploadedFile("o.csv", "name_zh\n新企业\n".encode())})
    assert refused.status_code == 403
    role = "投资方" if who == "investor" else "只读用户"
    assert f"“{role}”角色只能查看" in refused.content.decode()
    assert sorted(Organisation.objects.values_list("pk", "name_zh", "name_en")) == before

"""Every role follows every link on every page it can reach from the home page: none answers 403 or 500.

A link that answers 403 is a link the role should never have been shown (issue 11: "管理" and "项目组合" for
enterprise members, investors and viewers; "导入 / 导出" for investors and viewers)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client, override_settings

from tests.i18n.crawl import FILES, SKIP, FormsAndLinks

pytestmark = pytest.mark.django_db

MAX_PAGES = 300
ROLES = ("admin", "operator", "member", "platform_manager", "investor", "viewer", "anonymous")


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from biopark.accounts.models import Role
    from tests.factories import make_user
    from tests.world import build_world

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with fast, django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        built["users"]["investor"] = make_user(Role.INVESTOR)
        built["users"]["viewer"] = make_user(Role.VIEWER)
        built["users"]["anonymous"] = None
        yield built
        transaction.set_rollback(True)


def _shape(url: str) -> str:
    """One visit per page shape: /organisations/7/ stands for every organisation (and its filtered views)."""
    return re.sub(r"\d+", "N", urlsplit(url).path)


def crawl(client: Client) -> dict[str, int]:
    """Every link reachable from the home page (once per page shape), with the status it answers and the
    page that showed it: {"/x/ (from /y/)": 403}."""
    bad: dict[str, int] = {}
    seen: set[str] = set()
    queue: deque[tuple[str, str]] = deque([("/", "")])
    pages = 0
    while queue and pages < MAX_PAGES:
        url, source = queue.popleft()
        if not url.startswith("/") or url.startswith(SKIP) or _shape(url) in seen:
            continue
        seen.add(_shape(url))
        response = client.get(url)
        pages += 1
        if response.status_code in (403, 500):
            bad[f"{url} (from {source})"] = response.status_code
        if FILES.search(urlsplit(url).path) or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = FormsAndLinks()
        parser.feed(response.content.decode())
        for href in parser.links:
            target = urljoin(url, href).split("#")[0]
            if target:
                queue.append((target, url))
    return bad


@pytest.mark.parametrize("who", ROLES)
def test_no_link_any_role_is_shown_answers_403_or_500(world: dict[str, Any], who: str) -> None:
    client = Client()
    user = world["users"][who]
    if user is not None:
        client.force_login(user)
    with override_settings(LANGUAGE_CODE="zh-hans"):
        assert crawl(client) == {}


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
def test_each_role_sees_the_links_it_may_use(world: dict[str, Any], who: str) -> None:
    client = Client()
    client.force_login(world["users"][who])
    assert _nav_links(client) == EXPECTED_LINKS[who]


@pytest.mark.parametrize("who", ["investor", "viewer"])
def test_a_forced_upload_by_a_reader_is_refused_cleanly(world: dict[str, Any], who: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from biopark.ecosystem.models import Organisation

    client = Client()
    client.force_login(world["users"][who])
    before = sorted(Organisation.objects.values_list("pk", "name_zh", "name_en"))
    page = client.get("/import/").content.decode()
    assert 'id="import-form"' not in page and 'id="no-import"' in page
    refused = client.post("/import/", {"type": "organisations", "apply": "1",
                                       "file": SimpleUploadedFile("o.csv", "name_zh\n新企业\n".encode())})
    assert refused.status_code == 403
    role = "投资方" if who == "investor" else "只读用户"
    assert f"“{role}”角色只能查看" in refused.content.decode()
    assert sorted(Organisation.objects.values_list("pk", "name_zh", "name_en")) == before

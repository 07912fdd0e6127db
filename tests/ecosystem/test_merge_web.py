"""Merging from the registry page (choose, preview, confirm) and through the API."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from biopark.accounts.auth import token_create
from biopark.accounts.models import Role
from biopark.core.models import ChangeRecord
from biopark.ecosystem.models import Organisation
from biopark.pipeline.models import Project
from tests.conftest import assert_api_error
from tests.ecosystem import merge_world
from tests.factories import OrganisationFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return merge_world.build()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"}


def _signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _csrf(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_operator_merges_from_the_registry_page(world):
    keep, dup = world["keep"], world["duplicate"]
    client = _signed_in(world["operator"])
    detail = client.get(f"/organisations/{dup.pk}/").content.decode()
    assert f'href="/organisations/{dup.pk}/merge/"' in detail
    choose = client.get(f"/organisations/{dup.pk}/merge/", {"q": "康诺亚"})
    assert choose.status_code == 200
    assert re.findall(r'href="\?into=(\d+)"', choose.content.decode()) == [str(keep.pk)]
    preview = client.get(f"/organisations/{dup.pk}/merge/", {"into": keep.pk})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert re.findall(r'<tr data-kind="(\w+)"><td>[^<]*</td><td class="num">(\d+)</td>', page)[:3] == [
        ("positions", "1"), ("platforms", "1"), ("relations", "3")
    ]
    assert "dup项目" in page and "康诺亚生物" in page
    # The fields the duplicate fills, by their labels (never field codes).
    assert re.findall(r'<span id="filled-\d">([^<]+)</span>', page) == [
        "标识: keymed-dup", "网站: https://keymed.example", "成立时间: 2016"
    ]
    # Without the CSRF token the confirmation is refused and nothing moves.
    before = merge_world.rows_everywhere()
    assert client.post(f"/organisations/{dup.pk}/merge/", {"into": keep.pk}).status_code == 403
    assert merge_world.rows_everywhere() == before
    done = client.post(
        f"/organisations/{dup.pk}/merge/", {"into": keep.pk, "csrfmiddlewaretoken": _csrf(page)}, follow=True
    )
    assert done.redirect_chain == [(f"/organisations/{keep.pk}/", 302)]
    assert "康诺亚生物 已并入本记录" in done.content.decode()
    assert not Organisation.objects.filter(pk=dup.pk).exists()
    assert Project.objects.filter(organisation=keep).count() == 2


def test_merge_page_offers_only_records_the_user_may_merge(world):
    elsewhere = OrganisationFactory(park=world["other_park"], name_zh="康诺亚上海")
    client = _signed_in(world["operator"])
    choose = client.get(f"/organisations/{world['duplicate'].pk}/merge/", {"q": "康诺亚"}).content.decode()
    assert f"?into={elsewhere.pk}" not in choose
    # Asking for it anyway is refused, with the reason, and changes nothing.
    before = merge_world.rows_everywhere()
    refused = client.get(f"/organisations/{world['duplicate'].pk}/merge/", {"into": elsewhere.pk})
    assert refused.status_code == 403
    client = Client()
    client.force_login(world["operator"])
    posted = client.post(f"/organisations/{world['duplicate'].pk}/merge/", {"into": elsewhere.pk})
    assert posted.status_code == 403
    assert merge_world.rows_everywhere() == before


def test_member_sees_no_merge_action_and_is_refused(world):
    member = make_user(Role.ENTERPRISE_MEMBER, organisation=world["duplicate"])
    client = Client()
    client.force_login(member)
    detail = client.get(f"/organisations/{world['duplicate'].pk}/").content.decode()
    assert "/merge/" not in detail
    before = merge_world.rows_everywhere()
    response = client.post(f"/organisations/{world['duplicate'].pk}/merge/", {"into": world["keep"].pk})
    assert response.status_code == 403
    assert merge_world.rows_everywhere() == before


def test_api_preview_then_merge(world):
    keep, dup = world["keep"], world["duplicate"]
    client = Client()
    headers = bearer(world["operator"])
    preview = client.get(f"/api/v1/organisations/{dup.pk}/merge", {"into": keep.pk}, **headers)
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert (body["duplicate"], body["into"]) == (dup.pk, keep.pk)
    kinds = {k["kind"]: k for k in body["kinds"]}
    assert (kinds["projects"]["app"], kinds["projects"]["count"]) == ("pipeline", 1)
    assert kinds["partner_projects"]["conflicts"] == ["keep项目"]
    assert body["aliases_added"] == ["康诺亚生物", "KM Bio"]
    assert body["fields_filled"] == {
        "key": "keymed-dup", "website": "https://keymed.example", "founded_on": "2016-01-01",
        "founded_precision": "year",
    }
    dup_project = Project.objects.get(organisation=dup).pk
    merged = client.post(
        f"/api/v1/organisations/{dup.pk}/merge", {"into": keep.pk}, content_type="application/json", **headers
    )
    assert merged.status_code == 200, merged.content
    result = merged.json()
    assert (result["into"], result["merged"], result["merged_name"]) == (keep.pk, dup.pk, "康诺亚生物")
    moved = {m["kind"]: m for m in result["moved"]}
    assert moved["projects"] == {"app": "pipeline", "kind": "projects", "label": "项目", "moved": [dup_project],
                                 "dropped": []}
    assert ChangeRecord.objects.filter(object_id=keep.pk, action="merge").count() == 1
    gone = client.get(f"/api/v1/organisations/{dup.pk}", **headers)
    assert_api_error(gone, 404)


def test_survivor_page_and_api_show_the_merged_records_older_history(world):
    from biopark.ecosystem import merge, services

    keep, dup, operator = world["keep"], world["duplicate"], world["operator"]
    services.record_update(actor=operator, instance=dup, data={"website": "https://km.example"})
    dup_id = dup.pk
    merge.organisation_merge(actor=operator, keep=keep, duplicate=dup)

    api = Client().get(f"/api/v1/organisations/{keep.pk}/history", **bearer(operator)).json()
    # Newest first: the survivor's merge, then the duplicate's merge and its earlier edit, named by the duplicate.
    assert [(row["action"], row["merged_from"]) for row in api[:3]] == [
        ("merge", ""), ("merge", "康诺亚生物"), ("update", "康诺亚生物")
    ]
    assert api[1]["changes"] == {"merged_into": [dup_id, keep.pk]}
    assert api[2]["changes"] == {"website": ["https://keymed.example", "https://km.example"]}
    own = ChangeRecord.objects.filter(object_id__in=[keep.pk, dup_id], content_type__model="organisation")
    assert [row["id"] for row in api] == list(own.order_by("-at", "-id").values_list("pk", flat=True))

    page = _signed_in(operator).get(f"/organisations/{keep.pk}/").content.decode()
    history = page[page.index('<table id="history">'):]
    rows = re.findall(r"<tr><td>.*?</tr>", history, re.S)
    label = '<div class="muted merged-from">来自已并入的记录 康诺亚生物</div>'
    assert [label in row for row in rows] == [row["merged_from"] == "康诺亚生物" for row in api]
    assert "https://km.example" in rows[2]


def test_api_refusals_and_bad_input_change_nothing(world):
    keep, dup = world["keep"], world["duplicate"]
    client = Client()
    member = bearer(make_user(Role.ENTERPRISE_MEMBER, organisation=dup))
    operator = bearer(world["operator"])
    other = OrganisationFactory(park=world["other_park"])
    url = f"/api/v1/organisations/{dup.pk}/merge"
    before = merge_world.rows_everywhere()
    assert_api_error(client.post(url, {"into": keep.pk}, content_type="application/json", **member), 403)
    assert_api_error(client.get(url, {"into": keep.pk}, **member), 403)
    assert_api_error(client.post(url, {"into": dup.pk}, content_type="application/json", **operator), 422, "into")
    assert_api_error(client.post(url, {"into": 10**9}, content_type="application/json", **operator), 422, "into")
    assert_api_error(client.post(url, {"into": "x"}, content_type="application/json", **operator), 422, "into")
    assert_api_error(client.post(url, {}, content_type="application/json", **operator), 422, "into")
    assert_api_error(client.get(url, **operator), 422, "into")
    # Anonymous callers are answered as if the record did not exist (the directory is closed).
    assert_api_error(client.post(url, {"into": keep.pk}, content_type="application/json"), 404)
    assert_api_error(client.post(url, {"into": other.pk}, content_type="application/json", **operator), 403)
    assert merge_world.rows_everywhere() == before


def _history_lines(client: Client, org_id: int, language: str) -> list[str]:
    page = client.get(f"/organisations/{org_id}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    table = page.split('<table id="history">', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"<[^>]+>", "", line) for line in re.findall(r"<div>(.*?)</div>", table)]


def test_the_merge_reads_in_history_by_labels_and_names_never_keys():
    from biopark.accounts.policy import SYSTEM
    from biopark.ecosystem import merge, services
    from tests.factories import PersonFactory
    from tests.pipeline.factories import ProjectFactory

    admin = make_user(Role.ADMIN)
    keep = OrganisationFactory(name_zh="留存公司", name_en="Keeper Co")
    dup = OrganisationFactory(name_zh="重复公司", name_en="Duplicate Co", park=keep.park)
    ProjectFactory(organisation=dup, park=keep.park)
    person = PersonFactory(name_zh="张三", name_en="Zhang San")
    services.relation_create(actor=SYSTEM, subject=person, predicate="member_of", obj=dup)
    services.relation_create(actor=SYSTEM, subject=keep, predicate="partner_of", obj=person)
    services.relation_create(actor=SYSTEM, subject=dup, predicate="partner_of", obj=person)  # the survivor has it
    merge.organisation_merge(actor=admin, keep=keep, duplicate=dup)
    client = _signed_in(admin)

    zh = _history_lines(client, keep.pk, "zh-hans")
    en = _history_lines(client, keep.pk, "en")
    # Exact lines, newest row first (a merge row's keys by name); the merged record is named as it was recorded when merged.
    assert zh == [
        "并入的记录: — → 重复公司", "别名: — → 重复公司, Duplicate Co", "转移的项目: — → 1",
        "转移的关系: — → 1", "因已存在而舍弃的关系: 1 → —", "并入: 重复公司 → 留存公司", "关系: — → 合作伙伴 张三",
        "关系: — → 合作伙伴 张三",
    ]
    assert en == [
        "merged record: — → 重复公司", "Aliases: — → 重复公司, Duplicate Co", "projects moved: — → 1",
        "relations moved: — → 1", "relations dropped (already held): 1 → —", "merged into: 重复公司 → Keeper Co",
        "relations: — → partner of Zhang San", "relations: — → partner of Zhang San",
    ]
    for lines in (zh, en):
        assert not any(key in line for line in lines for key in ("merged_", "_dropped", "projects:", "#", "partner_of"))

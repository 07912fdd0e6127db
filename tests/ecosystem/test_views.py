"""Registry pages: bilingual, searchable, editable by who may, refusing who may not."""

import re

import pytest
from django.test import Client

from biopark.ecosystem.models import Organisation
from tests.factories import OrganisationFactory, ParkFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_switch_between_chinese_and_english(roles):
    client = signed_in(roles["users"]["viewer"])
    zh = client.get("/organisations/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "机构" in zh and 'lang="zh-Hans"' in zh
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/organisations/"})
    assert response.status_code == 302
    en = client.get("/organisations/").content.decode()
    assert "Organisations" in en and 'lang="en"' in en
    # The record's name follows the language too.
    org = roles["enterprise"]
    assert f"<h1 id=\"record-name\">{org.name_en}" in client.get(f"/organisations/{org.pk}/").content.decode()


def test_search_page_finds_by_pinyin_and_partial(roles):
    OrganisationFactory(name_zh="天府生物", name_en="Tianfu Bio", park=roles["zone"])
    client = signed_in(roles["users"]["viewer"])
    for q in ("tianfu", "天府", "tian fu"):
        page = client.get("/search/", {"q": q}).content.decode()
        assert "Tianfu Bio" in page or "天府生物" in page, q
    htmx = client.get("/organisations/", {"q": "tianfu"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in htmx and "天府生物" in htmx


def test_edit_form_saves_through_the_service_and_shows_history(roles):
    org = roles["enterprise"]
    client = signed_in(roles["users"]["enterprise_member"])
    form = client.get(f"/organisations/{org.pk}/edit/")
    assert form.status_code == 200
    response = client.post(f"/organisations/{org.pk}/edit/", {
        "name_zh": org.name_zh, "name_en": "Edited Name", "kind": "enterprise", "park": org.park_id,
        "aliases": "E1; E2", "country": "CN", "version": org.version,
    })
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name_en == "Edited Name" and org.aliases == ["E1", "E2"]
    detail = client.get(f"/organisations/{org.pk}/").content.decode()
    assert "Edited Name" in detail and 'id="history"' in detail


def test_edit_errors_are_shown_and_nothing_is_saved(roles):
    org = roles["enterprise"]
    client = signed_in(roles["users"]["admin"])
    response = client.post(f"/organisations/{org.pk}/edit/", {"name_zh": "", "name_en": "", "kind": "enterprise", "version": org.version})
    assert response.status_code == 422
    assert "需要填写中文名称或英文名称。" in response.content.decode()
    assert Organisation.objects.get(pk=org.pk).name_zh == org.name_zh


def test_refused_edit_page_and_post(roles):
    other = roles["other_enterprise"]
    client = signed_in(roles["users"]["enterprise_member"])
    assert client.get(f"/organisations/{other.pk}/edit/").status_code == 403
    assert client.post(f"/organisations/{other.pk}/edit/", {"name_en": "x"}).status_code == 403
    assert Organisation.objects.get(pk=other.pk).name_en == other.name_en


def same_page(a, b, a_part, b_part):
    """Two pages are the same but for the id in their URL and their (per-response) CSRF tokens."""
    def norm(response, part):
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return body.replace(part, "/N/")
    return norm(a, a_part) == norm(b, b_part)


def test_anonymous_sees_public_directory_and_not_found_otherwise():
    client = Client()
    closed = OrganisationFactory(park=ParkFactory(public_directory=False))
    response = client.get(f"/organisations/{closed.pk}/")
    # Answered like a missing record (no existence oracle); the page still offers "Sign in".
    missing = client.get("/organisations/999999/")
    assert response.status_code == missing.status_code == 404
    assert same_page(response, missing, f"/{closed.pk}/", "/999999/")
    assert b'id="sign-in"' in response.content
    public = OrganisationFactory(park=ParkFactory(public_directory=True))
    assert client.get(f"/organisations/{public.pk}/").status_code == 200
    assert client.get(f"/organisations/{public.pk}/edit/").status_code == 302


def test_import_page_dry_run_then_import(roles):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(roles["users"]["operator"])
    data = f"name_zh,park\n页面导入企业,{roles['zone'].pk}\n".encode()
    dry = client.post("/import/", {"type": "organisations", "apply": "0",
                                   "file": SimpleUploadedFile("o.csv", data)})
    assert dry.status_code == 200 and "新记录: 1" in dry.content.decode()
    assert not Organisation.objects.filter(name_zh="页面导入企业").exists()
    done = client.post("/import/", {"type": "organisations", "apply": "1",
                                    "file": SimpleUploadedFile("o.csv", data)})
    assert done.status_code == 200 and Organisation.objects.filter(name_zh="页面导入企业").count() == 1
    bad = client.post("/import/", {"type": "organisations", "apply": "1", "file": SimpleUploadedFile("o.txt", data)})
    assert bad.status_code == 422 and "不支持的文件类型" in bad.content.decode()
    export = client.get("/export/organisations.csv")
    assert export.status_code == 200 and "页面导入企业" in export.content.decode("utf-8-sig")


def test_relations_and_positions_from_the_record_page(roles):
    from biopark.ecosystem.models import Person, Relation
    from tests.factories import PersonFactory

    client = signed_in(roles["users"]["operator"])
    org = roles["enterprise"]
    response = client.post(f"/organisations/{org.pk}/relations/",
                           {"predicate": "located_in", "other_type": "park", "other": roles["zone"].name_en})
    assert response.status_code == 302
    relation = Relation.objects.get()
    assert (relation.subject_id, relation.predicate, relation.object_id) == (org.pk, "located_in", roles["zone"].pk)
    page = client.get(f"/parks/{roles['zone'].pk}/").content.decode()
    assert org.name_zh in page.split('id="relations"')[1]
    bad = client.post(f"/organisations/{org.pk}/relations/", {"predicate": "likes", "other_type": "park",
                                                             "other": str(roles["zone"].pk)}, follow=True)
    assert "未知的关系“likes”" in bad.content.decode() and Relation.objects.count() == 1
    client.post(f"/organisations/{org.pk}/relations/{relation.pk}/delete/")
    assert Relation.objects.count() == 0

    person = PersonFactory()
    client.post(f"/people/{person.pk}/positions/", {"title_en": "CEO", "organisation": str(org.pk), "start": "2021"})
    assert list(Person.objects.get(pk=person.pk).positions.values_list("title_en", "organisation_id")) == [
        ("CEO", org.pk)]
    viewer = signed_in(roles["users"]["viewer"])
    assert viewer.post(f"/people/{person.pk}/positions/", {"title_en": "Boss"}).status_code == 403
    assert person.positions.count() == 1


def test_the_park_tree_shows_anonymous_visitors_only_open_parks(roles):
    roles["park"].public_directory = True
    roles["park"].save()
    page = Client().get("/parks/").content.decode()
    assert f'href="/parks/{roles["park"].pk}/"' in page and f'href="/parks/{roles["zone"].pk}/"' in page
    assert f'href="/parks/{roles["other_park"].pk}/"' not in page  # closed: its link would answer 404
    signed = signed_in(roles["users"]["viewer"]).get("/parks/").content.decode()
    assert f'href="/parks/{roles["other_park"].pk}/"' in signed


def test_pages_offer_no_link_their_reader_may_not_open(roles):
    from tests.facilities.factories import ResourceFactory
    from tests.factories import PlatformFactory

    ResourceFactory(platform=PlatformFactory(operator=roles["enterprise"], park=roles["zone"]))
    for role, manages, portfolio in (("enterprise_member", False, False), ("platform_manager", True, False),
                                     ("operator", True, True), ("viewer", False, False)):
        client = signed_in(roles["users"][role])
        assert ('href="/facilities/manage/"' in client.get("/facilities/").content.decode()) is manages, role
        assert ('href="/pipeline/portfolio/"' in client.get("/pipeline/").content.decode()) is portfolio, role
        assert client.get("/facilities/manage/").status_code == (200 if manages else 403), role
        assert client.get("/pipeline/portfolio/").status_code == (200 if portfolio else 403), role

"""/api/v1/news/: documents (list, create from text or a base64 file, detail), proposals, accept and reject,
under the same policy and error format as the pages."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from biopark.ecosystem.models import Organisation
from biopark.news.models import Document, Proposal
from tests.conftest import assert_api_error
from tests.factories import OrganisationFactory, make_user
from tests.news.conftest import ARTICLE, docx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world) -> Client:
    client = Client()
    client.force_login(world["operator"])
    return client


def test_create_list_and_review_through_the_api(api, world):
    response = api.post("/api/v1/news/documents", {"text": ARTICLE, "published": "2025-05-01"},
                        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["language"], body["kind"], body["published"], body["open_count"], body["text"]) == (
        "zh", "paste", "2025-05-01", 6, ARTICLE)
    listed = api.get("/api/v1/news/documents").json()
    assert [d["id"] for d in listed["results"]] == [body["id"]]
    proposals = api.get(f"/api/v1/news/documents/{body['id']}/proposals").json()
    new_org = next(p for p in proposals if p["fields"].get("name") == "苏州沐光生物科技有限公司")
    assert (new_org["span"], new_org["match"], new_org["status"]) == ([18, 30], None, "proposed")
    accepted = api.post(f"/api/v1/news/documents/{body['id']}/proposals/{new_org['id']}/accept", {},
                        content_type="application/json").json()
    org = Organisation.objects.get(name_zh="苏州沐光生物科技有限公司")
    assert (accepted["status"], accepted["record"]) == ("accepted", f"organisation:{org.pk}")
    other = proposals[0]
    rejected = api.post(f"/api/v1/news/documents/{body['id']}/proposals/{other['id']}/reject").json()
    assert rejected["status"] == "rejected"


def test_a_word_file_as_base64(api):
    content = base64.b64encode(docx_bytes(["严明出席。"])).decode()
    response = api.post("/api/v1/news/documents", {"file_name": "a.docx", "content_base64": content},
                        content_type="application/json")
    assert response.status_code == 201 and response.json()["kind"] == "docx"


@pytest.mark.parametrize("payload, field", [
    ({"text": ""}, "text"),
    ({"file_name": "a.exe", "content_base64": base64.b64encode(b"MZ").decode()}, "file"),
    ({"file_name": "a.txt", "content_base64": "@@not base64@@"}, "content_base64"),
    ({"text": ARTICLE, "published": "2025-13-40"}, "published"),
])
def test_bad_documents_are_refused_and_nothing_is_written(api, payload, field):
    before = (list(Document.objects.values()), list(Proposal.objects.values()))
    assert_api_error(api.post("/api/v1/news/documents", payload, content_type="application/json"), 422, field)
    assert (list(Document.objects.values()), list(Proposal.objects.values())) == before


def test_an_enterprise_member_is_refused(world):
    client = Client()
    client.force_login(make_user("enterprise_member", organisation=OrganisationFactory(park=world["park"])))
    assert_api_error(client.get("/api/v1/news/documents"), 403)
    before = list(Document.objects.values())
    assert_api_error(client.post("/api/v1/news/documents", {"text": ARTICLE}, content_type="application/json"), 403)
    assert list(Document.objects.values()) == before

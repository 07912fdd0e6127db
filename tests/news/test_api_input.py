"""What the schemathesis run and a hand probe of the news API found: a link that is not a web address (a
`javascript:` link would be rendered on the document's page) and a text of invisible characters only were
accepted. Both are refused naming the field, and nothing is written."""

from __future__ import annotations

import pytest
from django.test import Client

from biopark.accounts.auth import token_create
from biopark.news.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=world['operator'])}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(("payload", "field", "message"), [
    ({"text": "严明出席。", "url": "javascript:alert(1)"}, "url", "give a link starting with http:// or https://"),
    ({"text": "严明出席。", "url": "ftp://example.org/a"}, "url", "give a link starting with http:// or https://"),
    ({"text": "\u200b\u200b\n"}, "text", "paste the text of the document, or choose a file"),
    ({"text": "\x00"}, "text", "the text holds binary data; paste plain text"),
])
def test_refused_input_names_the_field_and_writes_nothing(api, payload, field, message):
    response = api.post("/api/v1/news/documents", payload, content_type="application/json")
    assert (response.status_code, response.json()["error"]["fields"]) == (422, {field: message})
    assert list(Document.objects.values_list("pk", flat=True)) == []


def test_a_web_link_is_kept(api):
    response = api.post("/api/v1/news/documents", {"text": "严明出席。", "url": "https://example.org/news/1"},
                        content_type="application/json")
    assert (response.status_code, response.json()["url"]) == (201, "https://example.org/news/1")


@pytest.mark.parametrize(("query", "field", "zh", "en"), [
    ("page=0", "page", "page 须为 1 或更大", "page must be 1 or more"),
    ("page_size=0", "page_size", "page_size 须在 1 到 200 之间", "page_size must be between 1 and 200"),
])
def test_paging_errors_are_in_the_readers_language(world, query, field, zh, en):
    token = token_create(user=world["operator"])
    for language, message in (("zh-hans", zh), ("en", en)):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE=language)
        response = client.get(f"/api/v1/news/documents?{query}")
        assert (response.status_code, response.json()["error"]["fields"]) == (422, {field: message})

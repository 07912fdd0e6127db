"""No existence oracle: a record the caller may not see answers exactly like one that does not exist, in the
API, on the pages and in the validation of a service request (status and body compared byte for byte, except
the id and the page's per-response CSRF token)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from biopark.services.models import ServiceRequest
from tests.world import build_world

pytestmark = pytest.mark.django_db

MISSING = 987654321


@pytest.fixture
def world():
    from biopark.accounts.policy import SYSTEM
    from biopark.rankings.services import run_create
    from tests.rankings.helpers import IDATA

    data = build_world()
    data["draft"] = run_create(actor=SYSTEM, framework=data["framework"], idata=IDATA, publish=False)
    return data


def _client(world: dict[str, Any], who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(world["users"][who])
    return client


def _same(hidden: Any, missing: Any, hidden_id: Any, urls: tuple[str, str] | None = None) -> None:
    """Same status, same body once the ids are blanked: in a JSON body every standalone occurrence of the
    id; in a page its URL (the sign-in link names it) and the per-response CSRF tokens."""
    def norm(response: Any, pk: Any, url: str | None) -> bytes:
        body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
        if response.get("Content-Type", "").startswith("application/json"):
            # Translated messages come \u-escaped, and escapes hold hex digits that look like ids: compare text.
            body = json.dumps(json.loads(body), ensure_ascii=False).encode()
        if url is not None:
            return body.replace(url.encode(), b"URL")
        return re.sub(rb"(?<![0-9])" + str(pk).encode() + rb"(?![0-9])", b"ID", body)

    assert hidden.status_code == missing.status_code, (hidden.content, missing.content)
    assert norm(hidden, hidden_id, urls[0] if urls else None) == norm(missing, MISSING, urls[1] if urls else None)
    assert hidden.status_code in (404, 422)


# (who asks, URL with {id}, which record is hidden from them)
API_READS = [
    ("member", "/api/v1/pipeline/projects/{id}", "hidden_project"),
    ("anonymous", "/api/v1/pipeline/projects/{id}", "project"),
    ("other_member", "/api/v1/pipeline/projects/{id}/stages", "project"),
    ("other_member", "/api/v1/services/requests/{id}", "request"),
    ("anonymous", "/api/v1/services/requests/{id}", "request"),
    ("other_member", "/api/v1/facilities/bookings/{id}", "booking"),
    ("anonymous", "/api/v1/rankings/runs/{id}", "draft"),
    ("member", "/api/v1/rankings/runs/{id}/ranking", "draft"),
    ("anonymous", "/api/v1/organisations/{id}", "other_enterprise"),
    ("anonymous", "/api/v1/parks/{id}", "other_park"),
]


@pytest.mark.parametrize(("who", "url", "record"), API_READS)
def test_api_read_of_a_hidden_record_is_a_missing_record(world, who, url, record):
    client = _client(world, who)
    pk = world[record].pk
    _same(client.get(url.format(id=pk)), client.get(url.format(id=MISSING)), pk)


API_WRITES = [
    ("member", "patch", "/api/v1/pipeline/projects/{id}", {"name_en": "taken over"}, "hidden_project"),
    ("other_member", "post", "/api/v1/services/requests/{id}/comments", {"text": "hello"}, "request"),
    ("other_member", "post", "/api/v1/facilities/bookings/{id}/cancel", {}, "booking"),
]


@pytest.mark.parametrize(("who", "method", "url", "body", "record"), API_WRITES)
def test_api_write_to_a_hidden_record_is_a_missing_record(world, who, method, url, body, record):
    client = _client(world, who)
    obj = world[record]
    before = type(obj).objects.filter(pk=obj.pk).values().get()
    send = getattr(client, method)
    hidden = send(url.format(id=obj.pk), body, content_type="application/json")
    missing = send(url.format(id=MISSING), body, content_type="application/json")
    _same(hidden, missing, obj.pk)
    assert type(obj).objects.filter(pk=obj.pk).values().get() == before


PAGES = [
    ("member", "/pipeline/{id}/", "hidden_project"),
    ("anonymous", "/pipeline/{id}/", "project"),
    ("other_member", "/services/requests/{id}/", "request"),
    ("anonymous", "/services/requests/{id}/", "request"),
    ("member", "/rankings/runs/{id}/", "draft"),
    ("anonymous", "/organisations/{id}/", "other_enterprise"),
    ("anonymous", "/parks/{id}/", "other_park"),
]


@pytest.mark.parametrize(("who", "url", "record"), PAGES)
def test_page_of_a_hidden_record_is_a_missing_page(world, who, url, record):
    client = _client(world, who)
    pk = world[record].pk
    urls = (url.format(id=pk), url.format(id=MISSING))
    _same(client.get(urls[0]), client.get(urls[1]), pk, urls)


def test_service_request_naming_a_hidden_project_is_refused_like_a_missing_one(world):
    client = _client(world, "member")
    service, hidden = world["service"], world["hidden_project"]
    count = ServiceRequest.objects.count()

    def ask(project: int) -> Any:
        body = {"service": service.pk, "title": "Tox study", "project": project}
        return client.post("/api/v1/services/requests", body, content_type="application/json")

    _same(ask(hidden.pk), ask(MISSING), hidden.pk)
    # The catalogue's "services that fit this project", in the API and on the page.
    _same(client.get("/api/v1/services/catalogue", {"project": hidden.pk}),
          client.get("/api/v1/services/catalogue", {"project": MISSING}), hidden.pk)
    urls = (f"/services/?project={hidden.pk}", f"/services/?project={MISSING}")
    _same(client.get(urls[0]), client.get(urls[1]), hidden.pk, urls)
    # The request form of a service page.
    page = f"/services/{service.pk}/"
    _same(client.post(page, {"title": "Tox", "project": hidden.pk}),
          client.post(page, {"title": "Tox", "project": MISSING}), hidden.pk, (page, page))
    assert ServiceRequest.objects.count() == count


PAGE_WRITES = [
    ("other_member", "/facilities/bookings/{id}/cancel/", {}, "booking"),
    ("other_member", "/services/requests/{id}/comment", {"text": "hello"}, "request"),
    ("member", "/pipeline/{id}/", {"stage": "phase1", "date": "2024-01-01"}, "hidden_project"),
]


@pytest.mark.parametrize(("who", "url", "body", "record"), PAGE_WRITES)
def test_page_form_posted_to_a_hidden_record_is_a_missing_page(world, who, url, body, record):
    client = _client(world, who)
    obj = world[record]
    before = type(obj).objects.filter(pk=obj.pk).values().get()
    urls = (url.format(id=obj.pk), url.format(id=MISSING))
    _same(client.post(urls[0], body), client.post(urls[1], body), obj.pk, urls)
    assert type(obj).objects.filter(pk=obj.pk).values().get() == before

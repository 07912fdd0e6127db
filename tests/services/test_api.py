"""The services API: bad input → 4xx in the one error format, with nothing written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from biopark.accounts.models import Role
from biopark.services.models import Attachment, ServiceRequest
from tests.conftest import assert_api_error
from tests.factories import OrganisationFactory, make_user
from tests.services.factories import ServiceFactory

API = "/api/v1/services"


_error = assert_api_error


@pytest.fixture
def setup(roles, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    provider_org = OrganisationFactory(park=roles["zone"])
    service = ServiceFactory(provider_organisation=provider_org, park=roles["zone"])
    provider = make_user(Role.PLATFORM_MANAGER, organisation=provider_org)
    client.force_login(roles["users"]["enterprise_member"])
    return {"service": service, "provider": provider, "client": client, **roles}


def test_request_cycle_over_api(setup):
    c = setup["client"]
    r = c.post(f"{API}/requests", {"service": setup["service"].pk, "title": "Tox study"}, content_type="application/json")
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert r.json()["allowed_transitions"] == ["withdrawn"]
    up = SimpleUploadedFile("brief.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = c.post(f"{API}/requests/{rid}/attachments", {"file": up})
    assert r.status_code == 201, r.content
    assert c.get(f"{API}/requests/{rid}/attachments/{r.json()['id']}").status_code == 200
    c.force_login(setup["provider"])
    r = c.post(f"{API}/requests/{rid}/transition", {"state": "accepted"}, content_type="application/json")
    assert r.json()["state"] == "accepted"
    assert c.get(f"{API}/requests").json()["count"] == 1


def test_bad_inputs(setup):
    c = setup["client"]
    _error(c.post(f"{API}/requests", {"service": 999999, "title": "x"}, content_type="application/json"), 422, "service")
    _error(c.post(f"{API}/requests", {"service": setup["service"].pk, "title": " "}, content_type="application/json"),
           422, "title")
    _error(c.post(f"{API}/requests", {"service": setup["service"].pk}, content_type="application/json"), 422, "title")
    r = c.post(f"{API}/requests", {"service": setup["service"].pk, "title": "ok"}, content_type="application/json")
    rid = r.json()["id"]
    _error(c.post(f"{API}/requests/{rid}/transition", {"state": "accepted"}, content_type="application/json"), 403)
    _error(c.post(f"{API}/requests/{rid}/transition", {"state": "closed"}, content_type="application/json"), 409, "state")
    _error(c.post(f"{API}/requests/{rid}/transition", {"state": "nope"}, content_type="application/json"), 422, "state")
    bad = SimpleUploadedFile("x.pdf", b"not a pdf")
    _error(c.post(f"{API}/requests/{rid}/attachments", {"file": bad}), 422, "file")
    _error(c.get(f"{API}/requests/424242"), 404)
    _error(c.get(f"{API}/catalogue", {"stage": "phase9"}), 422, "stage")
    _error(c.get(f"{API}/desk"), 403)
    _error(c.post(f"{API}/catalogue", {"name_en": "x", "category": "preclinical"}, content_type="application/json"), 403)
    assert ServiceRequest.objects.count() == 1
    assert ServiceRequest.objects.get().state == "submitted"
    assert Attachment.objects.count() == 0
    c.force_login(setup["users"]["viewer"])
    _error(c.get(f"{API}/requests/{rid}"), 404)  # a request the caller may not see reads as missing


def test_operator_creates_catalogue_entry_with_field_errors(setup):
    c = setup["client"]
    c.force_login(setup["users"]["operator"])
    org = setup["service"].provider_organisation_id
    _error(c.post(f"{API}/catalogue", {"name_en": "x", "category": "astrology", "provider_organisation": org},
                  content_type="application/json"), 422, "category")
    _error(c.post(f"{API}/catalogue", {"name_en": "x", "category": "ip", "stages": ["phase9"], "provider_organisation": org},
                  content_type="application/json"), 422, "stages.0")  # the enum names the bad item
    _error(c.post(f"{API}/catalogue", {"name_en": "x", "category": "ip"}, content_type="application/json"), 422, "provider")
    r = c.post(f"{API}/catalogue", {"name_en": "Patent search", "category": "ip", "provider_organisation": org,
                                    "price_model": "fixed", "price_amount": "3000.00", "currency": "CNY"},
               content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["price_amount"] == "3000.00"

"""The deals API: lists filtered by the policy, create/update through the services, errors in the standard
shape (translated), refused writes leaving rows unchanged."""

from __future__ import annotations

import pytest
from django.test import Client

from biopark.deals.models import Agreement

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_the_list_answers_what_the_reader_may_see(deals_world):
    body = Client().get("/api/v1/deals/agreements").json()
    assert [r["title_en"] for r in body["results"]] == ["public licence"]
    body = _client(deals_world["users"]["neighbour"]).get("/api/v1/deals/agreements").json()
    assert sorted(r["title_en"] for r in body["results"]) == ["park licence", "public licence"]
    hidden = deals_world["agreements"]["parties"]
    response = _client(deals_world["users"]["neighbour"]).get(f"/api/v1/deals/agreements/{hidden.pk}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_create_then_set_licence_terms(deals_world):
    client = _client(deals_world["users"]["member"])
    response = client.post("/api/v1/deals/agreements", {
        "title_en": "Exclusive licence", "kind": "licensing", "value_amount": "1200000000", "value_currency": "USD",
        "value_qualifier": "up_to", "signed_on": "2023-02", "confidentiality": "parties",
        "parties": [{"organisation": deals_world["own"].pk, "role": "licensor"},
                    {"organisation": deals_world["abroad"].pk, "role": "licensee"}],
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["value_amount"], body["value_qualifier"], body["signed_on"], body["park_id"]) == (
        "1200000000.00", "up_to", "2023-02", deals_world["zone"].pk)
    response = client.put(f"/api/v1/deals/agreements/{body['id']}/licence-terms", {
        "upfront_amount": "63000000", "currency": "USD", "exclusivity": "exclusive",
        "milestones": [{"kind": "regulatory", "amount": "100000000"}],
    }, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["licence_terms"]["milestones"] == [{
        "kind": "regulatory", "description_zh": "", "description_en": "", "amount": "100000000.00",
        "qualifier": "", "reached": False}]


def test_errors_name_the_field_in_the_standard_shape(deals_world):
    client = _client(deals_world["users"]["operator"])
    count = Agreement.objects.count()
    response = client.post("/api/v1/deals/agreements", {
        "title_en": "x", "kind": "licensing", "value_amount": "1.234", "value_currency": "USD",
        "parties": [{"organisation": deals_world["own"].pk}],
    }, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"value_amount": "金额最多保留两位小数"}
    assert Agreement.objects.count() == count


def test_a_refused_patch_leaves_the_row_unchanged(deals_world):
    agreement = deals_world["agreements"]["public"]
    before = Agreement.objects.values().get(pk=agreement.pk)
    response = _client(deals_world["users"]["rival"]).patch(
        f"/api/v1/deals/agreements/{agreement.pk}", {"status": "terminated"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert Agreement.objects.values().get(pk=agreement.pk) == before


def test_events_carry_their_computed_totals(deals_world):
    client = _client(deals_world["users"]["operator"])
    response = client.post("/api/v1/deals/events", {"kind": "signing", "title_zh": "签约仪式",
                                                    "park": deals_world["park"].pk}, content_type="application/json")
    assert response.status_code == 201
    event_id = response.json()["id"]
    client.patch(f"/api/v1/deals/agreements/{deals_world['agreements']['park'].pk}", {"event": event_id},
                 content_type="application/json")
    body = client.get(f"/api/v1/deals/events/{event_id}").json()
    assert (body["agreements_count"], body["agreements_sums"]) == (1, [{"currency": "CNY", "amount": "1000000.00"}])


def test_ip_assets(deals_world):
    client = _client(deals_world["users"]["member"])
    response = client.post("/api/v1/deals/ip-assets", {
        "kind": "patent", "number": "US11111111B2", "title_en": "ADC linker", "jurisdiction": "US",
        "status": "granted", "filed_on": "2019-03-01", "granted_on": "2022-01-04",
        "owners": [deals_world["own"].pk]}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["owners"] == [deals_world["own"].pk]
    response = client.post("/api/v1/deals/ip-assets", {
        "kind": "patent", "number": "US2", "title_en": "x", "filed_on": "2022-05-01", "granted_on": "2021-01-01",
        "owners": [deals_world["own"].pk]}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"granted_on": "授权日早于申请日"}

"""The promotion API: the lead cycle, errors in the one translated shape, and refusals that write nothing."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.utils import translation

from biopark.accounts.models import Role
from biopark.promotion.models import Activity, Lead
from tests.conftest import assert_api_error
from tests.factories import OrganisationFactory, ParkFactory, PersonFactory, make_user
from tests.promotion.factories import LeadFactory, stage

pytestmark = pytest.mark.django_db
API = "/api/v1/promotion"
JSON = "application/json"


@pytest.fixture
def setup(client):
    park = ParkFactory()
    operator = make_user(Role.OPERATOR, park=park)
    org = OrganisationFactory(name_zh="康诺亚", name_en="Konoya")
    client.force_login(operator)
    return {"client": client, "park": park, "operator": operator, "org": org}


def test_lead_cycle(setup):
    c = setup["client"]
    pipelines = c.get(f"{API}/pipelines").json()
    assert [s["code"] for s in pipelines[0]["stages"]] == [
        "lead", "contacted", "visited", "negotiating", "signed", "registered", "construction", "operating", "lost"]
    r = c.post(f"{API}/leads", {"park": setup["park"].pk, "organisation": setup["org"].pk, "project": "ADC plant",
                                "source": "event", "investment_amount": "2770000000", "investment_currency": "CNY"},
               content_type=JSON)
    assert r.status_code == 201, r.content
    lead_id = r.json()["id"]
    assert (r.json()["stage_code"], r.json()["investment_amount"], r.json()["organisation_name"]) == (
        "lead", "2770000000.00", "康诺亚")
    r = c.patch(f"{API}/leads/{lead_id}", {"next_action": "Visit", "next_action_due": "2026-12-01"}, content_type=JSON,
                HTTP_IF_MATCH=c.get(f"{API}/leads/{lead_id}")["ETag"])
    assert (r.status_code, r.json()["next_action"], r.json()["version"]) == (200, "Visit", 2)
    r = c.post(f"{API}/leads/{lead_id}/move", {"stage": stage("visited").pk}, content_type=JSON)
    assert r.json()["stage_code"] == "visited"
    assert [(ch["from_stage_id"], ch["to_stage_id"]) for ch in r.json()["stage_changes"]] == [
        (None, stage("lead").pk), (stage("lead").pk, stage("visited").pk)]
    person = PersonFactory()
    r = c.post(f"{API}/leads/{lead_id}/activities",
               {"kind": "visit", "on": "2026-05-18", "summary": "Delegation visit", "people": [person.pk]},
               content_type=JSON)
    assert r.status_code == 201 and r.json()["people"] == [person.pk]
    assert c.get(f"{API}/leads", {"source": "event"}).json()["count"] == 1


def test_errors_are_translated_and_name_the_field(setup):
    c = setup["client"]
    lead = LeadFactory(park=setup["park"])
    before = model_to_dict(Lead.objects.get(pk=lead.pk))
    error = assert_api_error(c.post(f"{API}/leads/{lead.pk}/move", {"stage": stage("lost").pk}, content_type=JSON,
                                    HTTP_ACCEPT_LANGUAGE="en"), 422, "lost_reason")
    with translation.override("en"):
        assert error["message"] == "say why the lead was lost: choose a reason from the list"
    assert_api_error(c.patch(f"{API}/leads/{lead.pk}", {"investment_amount": "lots"}, content_type=JSON), 422,
                     "investment_amount")
    assert_api_error(c.patch(f"{API}/leads/{lead.pk}", {"jobs": 3}, content_type=JSON, HTTP_IF_MATCH='"x"'), 412)
    assert_api_error(c.post(f"{API}/leads", {"park": setup["park"].pk, "project": "x", "source": "inbound"},
                            content_type=JSON), 422, "organisation")
    assert_api_error(c.post(f"{API}/leads/{lead.pk}/activities", {"kind": "visit", "on": "2026-01-01",
                                                                  "summary": "x", "people": [999999]},
                            content_type=JSON), 404, "people")
    assert model_to_dict(Lead.objects.get(pk=lead.pk)) == before
    assert not Activity.objects.exists()


@pytest.mark.parametrize("role", [Role.ENTERPRISE_MEMBER, Role.INVESTOR, Role.VIEWER])
def test_other_roles_are_refused_and_nothing_changes(setup, role, client):
    lead = LeadFactory(park=setup["park"])
    before = model_to_dict(Lead.objects.get(pk=lead.pk))
    client.force_login(make_user(role))
    assert_api_error(client.get(f"{API}/leads"), 403)
    assert_api_error(client.get(f"{API}/pipelines"), 403)
    assert_api_error(client.get(f"{API}/leads/{lead.pk}"), 404)
    assert_api_error(client.patch(f"{API}/leads/{lead.pk}", {"project": "x"}, content_type=JSON), 404)
    assert_api_error(client.post(f"{API}/leads/{lead.pk}/move", {"stage": stage("signed").pk}, content_type=JSON),
                     404)
    assert model_to_dict(Lead.objects.get(pk=lead.pk)) == before

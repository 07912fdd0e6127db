"""The financing API: matches with criteria and reasons, the policy's answers, standard translated errors."""

from __future__ import annotations

import pytest
from django.test import Client

from biopark.financing.models import Interest, Introduction, Mandate
from tests.conftest import assert_api_error

pytestmark = pytest.mark.django_db


def api(user, language="en"):
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        c.force_login(user)
    return c


def test_ranked_investors_for_a_project_carry_criteria_and_reasons(fin):
    rows = api(fin["users"]["operator"]).get(f"/api/v1/financing/projects/{fin['project'].pk}/investors").json()
    assert [(r["organisation"], r["score"]) for r in rows] == [("Fund A", 100), ("Fund B", 25)]
    assert rows[0]["criteria"][3] == {"key": "ticket", "label": "Ticket size", "points": 20, "maximum": 20,
                                      "reason": "ticket: 50 M CNY sought, mandate 20–80 M"}


def test_projects_for_an_investor_only_those_it_may_see(fin):
    c = api(fin["users"]["investor_a"])
    rows = c.get(f"/api/v1/financing/investors/{fin['fund_a'].pk}/projects").json()
    assert [(r["project_id"], r["score"]) for r in rows] == [(fin["project"].pk, 100)]
    # another investor's matches answer like a missing investor
    assert_api_error(c.get(f"/api/v1/financing/investors/{fin['fund_b'].pk}/projects"), 404)


def test_mandates_list_and_a_stale_patch(fin):
    c = api(fin["users"]["investor_a"])
    listed = c.get("/api/v1/financing/mandates").json()
    assert [m["id"] for m in listed["results"]] == [fin["mandate_a"].pk]
    url = f"/api/v1/financing/mandates/{fin['mandate_a'].pk}"
    etag = c.get(url)["ETag"]
    ok = c.patch(url, {"ticket_max": "70000000"}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert ok.json()["ticket_max"] == "70000000.00"
    stale = c.patch(url, {"ticket_max": "60000000"}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Mandate.objects.get(pk=fin["mandate_a"].pk).ticket_max == 70000000
    other = api(fin["users"]["investor_b"]).patch(url, {"name": "x"}, content_type="application/json")
    assert_api_error(other, 404)


def test_a_bad_amount_is_a_translated_error_naming_the_field(fin):
    response = api(fin["users"]["member"], "zh-hans").post(
        f"/api/v1/financing/projects/{fin['project'].pk}/needs", {"round": "a", "amount": "lots"},
        content_type="application/json")
    assert_api_error(response, 422, "amount")
    assert response.json()["error"]["fields"]["amount"] == "融资金额必须是金额，例如 50,000,000"


def test_interest_on_a_hidden_project_is_refused_like_a_missing_one(fin):
    c = api(fin["users"]["investor_a"])
    response = c.post("/api/v1/financing/interests", {"project": fin["other_project"].pk, "state": "observing"},
                      content_type="application/json")
    assert_api_error(response, 422, "project")
    assert not Interest.objects.filter(project=fin["other_project"]).exists()


def test_introductions_through_the_api(fin):
    body = {"project": fin["project"].pk, "investor": fin["fund_a"].pk, "message": "Meet"}
    refused = api(fin["users"]["other_operator"]).post("/api/v1/financing/introductions", body,
                                                        content_type="application/json")
    assert refused.status_code in (403, 422)
    assert not Introduction.objects.exists()
    made = api(fin["users"]["operator"]).post("/api/v1/financing/introductions", body,
                                              content_type="application/json")
    assert made.status_code == 201 and made.json()["score"] == 100
    assert [i["id"] for i in api(fin["users"]["member"]).get("/api/v1/financing/introductions").json()["results"]] \
        == [made.json()["id"]]


def test_notes_never_leave_the_investor(fin):
    assert [n["text"] for n in api(fin["users"]["investor_a"]).get("/api/v1/financing/notes").json()["results"]] == [
        "Strong team"]
    for who in ("admin", "operator", "investor_b"):
        assert api(fin["users"][who]).get("/api/v1/financing/notes").json()["results"] == []


def test_rankings_say_as_of_when_the_cached_rows_were_last_checked(fin):
    import datetime as dt

    from django.utils import timezone

    from biopark.financing import selectors

    selectors.invalidate()
    now = timezone.now()
    before = now.replace(microsecond=now.microsecond // 1000 * 1000)  # the API gives milliseconds
    rows = api(fin["users"]["operator"]).get(f"/api/v1/financing/projects/{fin['project'].pk}/investors").json()
    as_of = {dt.datetime.fromisoformat(r["as_of"].replace("Z", "+00:00")) for r in rows}
    assert len(as_of) == 1 and before <= as_of.pop() <= timezone.now()

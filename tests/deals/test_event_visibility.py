"""Events: public ones (marked public, or where a public agreement was signed) are read by everyone, visitors and
viewers included; confidential ones by administrators, the park's operators, the organisers and the park's
organisations only. The rule and its queryset filter are checked together, both ways."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from biopark.accounts import policy
from biopark.accounts.policy import SYSTEM
from biopark.deals import services
from biopark.deals.models import Event
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def events(deals_world: dict[str, Any], django_db_blocker: Any) -> dict[str, Event]:
    w = deals_world
    with django_db_blocker.unblock():
        organiser = OrganisationFactory(park=w["other_park"], name_en="Organiser Co")
        made = {
            "public": services.event_create(actor=SYSTEM, data={
                "kind": "conference", "title_en": "Open conference", "park": w["other_park"], "visibility": "public"}),
            "closed": services.event_create(actor=SYSTEM, data={
                "kind": "site_visit", "title_en": "Closed visit", "park": w["park"]}),
            "organised": services.event_create(actor=SYSTEM, data={
                "kind": "promotion", "title_en": "Organised meeting", "park": w["other_park"]},
                organisers=[w["own"]]),
            "signing": services.event_create(actor=SYSTEM, data={
                "kind": "signing", "title_en": "Public signing", "park": w["other_park"]}),
        }
        services.agreement_update(actor=SYSTEM, agreement=w["agreements"]["public"], data={"event": made["signing"]})
        made["organiser"] = organiser  # type: ignore[assignment]
    return made


READERS = {  # who reads each event
    "public": {"admin", "operator", "other_operator", "member", "manager", "neighbour", "rival", "investor",
               "viewer", "anonymous"},
    "closed": {"admin", "operator", "member", "manager", "neighbour"},
    "organised": {"admin", "other_operator", "member", "manager", "rival"},
    "signing": {"admin", "operator", "other_operator", "member", "manager", "neighbour", "rival", "investor",
                "viewer", "anonymous"},
}


@pytest.mark.parametrize("name", sorted(READERS))
def test_the_rule_and_its_filter_agree_for_every_role(deals_world, events, name):
    event = events[name]
    for role, user in deals_world["users"].items():
        allowed = policy.decide(user, policy.VIEW, event).allowed
        listed = Event.objects.filter(policy.visible_filter(user, Event), pk=event.pk).exists()
        assert (role, allowed, listed) == (role, role in READERS[name], role in READERS[name])


def test_a_visitor_reads_public_events_and_gets_404_for_a_confidential_one(deals_world, events):
    visitor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    listing = visitor.get("/deals/events/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Open conference" in page and "Public signing" in page
    assert "Closed visit" not in page and "Organised meeting" not in page
    assert visitor.get(f"/deals/events/{events['public'].pk}/").status_code == 200
    assert visitor.get(f"/deals/events/{events['closed'].pk}/").status_code == 404
    assert [e["title_en"] for e in visitor.get("/api/v1/deals/events").json()
            if e["title_en"] in ("Open conference", "Closed visit")] == ["Open conference"]


def test_a_viewer_does_not_read_a_confidential_event(deals_world, events):
    viewer = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    viewer.force_login(deals_world["users"]["viewer"])
    assert viewer.get(f"/deals/events/{events['closed'].pk}/").status_code == 404
    assert viewer.get(f"/deals/events/{events['signing'].pk}/").status_code == 200


def test_the_operator_marks_an_event_public_and_visibility_is_checked(deals_world, events):
    event = events["closed"]
    with pytest.raises(Exception) as bad:
        services.event_update(actor=deals_world["users"]["operator"], event=event, data={"visibility": "secret"})
    assert list(bad.value.fields) == ["visibility"]  # type: ignore[attr-defined]
    assert Event.objects.get(pk=event.pk).visibility == "confidential"
    services.event_update(actor=deals_world["users"]["operator"], event=event, data={"visibility": "public"})
    assert policy.decide(deals_world["users"]["anonymous"], policy.VIEW, Event.objects.get(pk=event.pk)).allowed
    services.event_update(actor=deals_world["users"]["operator"], event=event, data={"visibility": "confidential"})


def _facts(user, event, language: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    html = client.get(f"/deals/events/{event.pk}/").content.decode()
    start = html.index('<td id="visibility">')
    return html[start:html.index("</td>", start) + 5]


def test_the_event_page_says_who_may_see_it_in_each_language(deals_world, events):
    operator = deals_world["users"]["operator"]
    assert _facts(operator, events["closed"], "zh-hans") == (
        '<td id="visibility">不公开<div class="muted">可见范围：'
        "管理员、所在园区的运营人员、园区内的机构和主办方；只读用户和访客不可见</div></td>")
    assert _facts(operator, events["closed"], "en") == (
        '<td id="visibility">Confidential<div class="muted">Who may see it: administrators, the operators of '
        "its park, the organisations of its park and the organisers; not viewers or visitors</div></td>")
    assert _facts(None, events["public"], "en") == (
        '<td id="visibility">Public<div class="muted">Who may see it: everyone, visitors who are not signed '
        "in included</div></td>")
    assert _facts(None, events["signing"], "zh-hans") == (
        '<td id="visibility">不公开<div class="muted">可见范围：所有人（活动本身不公开，但在此签署了一项公开的协议）'
        "</div></td>")

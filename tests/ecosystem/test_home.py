"""The home page per role (issue 12): every tile's numbers and lists on a hand-built world, the API, and that
no tile names a record its reader may not see."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from biopark.accounts import policy
from biopark.accounts.models import Profile, Role
from biopark.accounts.services import api_token_create, profile_home_visit
from biopark.core.audit import record_change
from biopark.core.models import ChangeRecord
from biopark.ecosystem.models import Organisation, Park
from biopark.facilities.models import Booking, Outage
from biopark.pipeline.models import Project
from biopark.services.models import ServiceRequest
from tests.facilities.factories import ResourceFactory
from tests.factories import OrganisationFactory, ParkFactory, PlatformFactory, make_user
from tests.pipeline.factories import ProjectFactory
from tests.services.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _request(service, org, *, title, state="submitted", due=None, park=None):
    return ServiceRequest.objects.create(
        service=service, requester_organisation=org, provider_organisation=service.provider_organisation,
        park=park or service.park, title=title, state=state, due_on=due, submitted_at=timezone.now(),
        delivered_at=timezone.now() if state == "delivered" else None,
    )


@pytest.fixture
def world(db):
    today = timezone.localdate()
    now = timezone.now()
    park = ParkFactory(name_en="Hi-tech Zone", public_directory=True)
    zone = ParkFactory(name_en="Bio-City", parent=park, public_directory=True)
    other = ParkFactory(name_en="Other Park", public_directory=False)
    own = OrganisationFactory(park=zone, name_en="Own Bio")
    rival = OrganisationFactory(park=other, name_en="Rival Bio")
    users = {
        "operator": make_user(Role.OPERATOR, park=park),
        "platform_manager": make_user(Role.PLATFORM_MANAGER, organisation=own),
        "enterprise_member": make_user(Role.ENTERPRISE_MEMBER, organisation=own),
        "investor": make_user(Role.INVESTOR),
        "viewer": make_user(Role.VIEWER),
        "rival_member": make_user(Role.ENTERPRISE_MEMBER, organisation=rival),
    }
    recent = today - dt.timedelta(days=10)
    projects = {
        "a1": ProjectFactory(organisation=own, name_en="A1", highest_stage="preclinical", last_event_on=recent),
        "a2": ProjectFactory(organisation=own, name_en="A2", highest_stage="phase1",
                             last_event_on=today - dt.timedelta(days=3 * 365)),
        "b1": ProjectFactory(organisation=rival, name_en="B1", highest_stage="phase2", last_event_on=recent,
                             visibility="public"),
        "b2": ProjectFactory(organisation=rival, name_en="B2", highest_stage="ind", last_event_on=recent),
    }
    service = ServiceFactory(provider_organisation=own, park=zone, stages=["preclinical", "phase1"])
    rival_service = ServiceFactory(provider_organisation=rival, park=other, stages=["phase2"])
    requests = {
        "late": _request(service, own, title="Late study", due=today - dt.timedelta(days=2)),
        "soon": _request(service, own, title="Soon study", due=today + dt.timedelta(days=5)),
        "done": _request(service, own, title="Delivered study", state="delivered"),
        "rival": _request(rival_service, rival, title="Rival study", due=today - dt.timedelta(days=1)),
    }
    platform = PlatformFactory(operator=own, park=zone)
    resource = ResourceFactory(platform=platform, name_en="Mass spec", opening_hours={})
    tomorrow = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    bookings = {
        "pending": Booking.objects.create(resource=resource, user=users["enterprise_member"], organisation=own,
                                          start=tomorrow, end=tomorrow + dt.timedelta(hours=2), status="pending"),
        "past": Booking.objects.create(resource=resource, user=users["enterprise_member"], organisation=own,
                                       start=now - dt.timedelta(hours=30), end=now - dt.timedelta(hours=28),
                                       status="confirmed"),
    }
    outage = Outage.objects.create(resource=resource, kind="outage", start=now - dt.timedelta(hours=1),
                                   end=now + dt.timedelta(hours=5), reason="laser")
    # A new organisation in the operator's park since the last visit, and one in a park it does not see.
    new_org = OrganisationFactory(park=zone, name_en="Newcomer Bio")
    hidden_org = OrganisationFactory(park=other, name_en="Hidden Bio")
    for org in (new_org, hidden_org):
        record_change(actor=None, obj=org, action=ChangeRecord.CREATE, changes={})
    return {"users": users, "projects": projects, "requests": requests, "bookings": bookings, "outage": outage,
            "resource": resource, "park": park, "zone": zone, "new_org": new_org, "hidden_org": hidden_org,
            "own": own, "rival": rival}


def _api(user, path="/api/v1/home"):
    client = Client()
    headers = {}
    if user is not None:
        _token, raw = api_token_create(actor=user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    return client.get(path, HTTP_ACCEPT_LANGUAGE="en", **headers)


def _tiles(user):
    response = _api(user)
    assert response.status_code == 200
    return {t["key"]: t for t in response.json()["tiles"]}


def test_operator_tiles(world):
    tiles = _tiles(world["users"]["operator"])
    assert list(tiles) == ["alerts", "pipeline.funnel", "pipeline.stale", "services.queue", "facilities.week",
                           "deals.recent", "promotion.due", "metrics.targets", "registry.since"]
    # The world holds no agreement, lead or target: those tiles show their empty state.
    assert [(tiles[k]["value"], tiles[k]["items"], tiles[k]["href"]) for k in
            ("deals.recent", "promotion.due", "metrics.targets")] == [
        (None, [], "/deals/"), ("0", [], "/promotion/leads/?due=1"), ("0", [], "/metrics/targets/")]
    funnel = tiles["pipeline.funnel"]
    # The operator's park holds A1 and A2 only (B1, B2 are in another park).
    assert funnel["value"] == "2"
    assert funnel["extra"]["by_stage"]["preclinical"] == 1 and funnel["extra"]["by_stage"]["phase1"] == 1
    assert sum(funnel["extra"]["by_stage"].values()) == 2
    assert funnel["chart_text"].startswith("Discovery: 0; Preclinical: 1; Clinical application (IND): 0; Phase 1: 1")
    assert funnel["as_of"] is not None
    assert [i["href"] for i in funnel["items"]] == [f"/pipeline/?stage=preclinical&park={world['park'].pk}",
                                                   f"/pipeline/?stage=phase1&park={world['park'].pk}"]
    stale = tiles["pipeline.stale"]
    assert (stale["value"], [i["label"] for i in stale["items"]]) == ("1", ["A2"])
    queue = tiles["services.queue"]
    late, soon = world["requests"]["late"], world["requests"]["soon"]
    assert queue["value"] == "2" and queue["extra"]["overdue"] == 1
    assert [(i["href"], i["status"]) for i in queue["items"]] == [
        (f"/services/requests/{late.pk}/", "overdue"), (f"/services/requests/{soon.pk}/", "submitted")]
    week = tiles["facilities.week"]
    assert week["extra"]["current_outages"] == 1
    assert [i["label"] for i in week["items"]] == ["Mass spec"]
    assert [i["label"] for i in tiles["alerts"]["items"]] == ["1 service requests overdue"]
    since = tiles["registry.since"]
    assert since["extra"]["new_organisations"] == 1
    assert since["items"][0] == {"label": "Newcomer Bio", "href": f"/organisations/{world['new_org'].pk}/",
                                 "detail": "new", "status": ""}


def test_platform_manager_tiles(world):
    tiles = _tiles(world["users"]["platform_manager"])
    assert list(tiles) == ["alerts", "facilities.pending", "facilities.days", "facilities.month",
                           "facilities.unrecorded", "facilities.outages", "financing.introductions",
                           "metrics.requests"]
    # No introduction to an investor and no figure asked of the organisation yet.
    assert [(tiles[k]["value"], tiles[k]["items"]) for k in ("financing.introductions", "metrics.requests")] == [
        ("0", []), ("0", [])]
    assert tiles["facilities.pending"]["value"] == "1"
    assert tiles["facilities.days"]["value"] == "1"
    assert tiles["facilities.unrecorded"]["value"] == "1"
    assert tiles["facilities.outages"]["value"] == "1"
    month = tiles["facilities.month"]["extra"]["resources"][str(world["resource"].pk)]
    # Two hours pending tomorrow plus two hours confirmed yesterday, when both fall in this month.
    start_of_month = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    expected = sum(2.0 for b in world["bookings"].values() if b.start >= start_of_month
                   and b.start.astimezone().month == timezone.localtime().month)
    assert month[0] == expected


def test_member_tiles(world):
    tiles = _tiles(world["users"]["enterprise_member"])
    assert list(tiles) == ["pipeline.mine", "facilities.mine", "services.awaiting", "services.fit",
                           "financing.introductions", "metrics.requests"]
    # No introduction to an investor and no figure asked of the organisation yet.
    assert [(tiles[k]["value"], tiles[k]["items"]) for k in ("financing.introductions", "metrics.requests")] == [
        ("0", []), ("0", [])]
    mine = tiles["pipeline.mine"]
    assert mine["value"] == "2"
    assert [(i["label"], i["detail"]) for i in mine["items"]] == [
        ("A1", "Preclinical · next: Clinical application (IND)"), ("A2", "Phase 1 · next: Phase 2")]
    assert tiles["facilities.mine"]["value"] == "1"  # the pending booking tomorrow; the past one is over
    awaiting = tiles["services.awaiting"]
    assert (awaiting["value"], awaiting["href"]) == ("1", "/services/requests/?state=delivered")
    assert [i["label"] for i in awaiting["items"]] == [f"#{world['requests']['done'].pk} Delivered study"]
    # Own service serves preclinical and phase 1 (both stages of the member's projects): one line each.
    assert tiles["services.fit"]["value"] == "2"


def test_investor_sees_only_visible_projects_that_moved(world):
    tiles = _tiles(world["users"]["investor"])
    assert list(tiles) == ["pipeline.moved"]
    moved = tiles["pipeline.moved"]
    assert (moved["value"], [i["label"] for i in moved["items"]]) == ("1", ["B1"])
    assert moved["href"] == "/pipeline/?moved=1"


def test_public_profile_for_visitors_and_viewers(world):
    anonymous = _tiles(None)
    viewer = _tiles(world["users"]["viewer"])
    assert list(anonymous) == ["registry.figures", "registry.platforms"]
    assert list(viewer) == ["registry.figures", "registry.platforms"]
    # A visitor sees the public directory only: the park tree's organisations, not the other park's.
    assert anonymous["registry.figures"]["extra"]["counts"]["organisations"] == 2
    assert viewer["registry.figures"]["extra"]["counts"]["organisations"] == 4


def test_one_tile_and_refusal(world):
    operator, member = world["users"]["operator"], world["users"]["enterprise_member"]
    one = _api(operator, "/api/v1/home/services.queue")
    assert one.status_code == 200 and one.json()["value"] == "2"
    refused = _api(member, "/api/v1/home/services.queue")
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "not_found"
    assert _api(member, "/api/v1/home/no.such.tile").status_code == 404


def _visible_ids(user, model):
    return set(model.objects.filter(policy.visible_filter(user, model)).values_list("pk", flat=True))


LINKS = {
    r"^/pipeline/(\d+)/$": Project,
    r"^/services/requests/(\d+)/$": ServiceRequest,
    r"^/organisations/(\d+)/$": Organisation,
    r"^/parks/(\d+)/$": Park,
}


@pytest.mark.parametrize("role", ["operator", "platform_manager", "enterprise_member", "investor", "viewer",
                                  "rival_member", None])
def test_no_tile_names_a_record_its_reader_may_not_see(world, role):
    user = world["users"][role] if role else None
    checked = 0
    for tile in _tiles(user).values():
        for item in tile["items"]:
            for pattern, model in LINKS.items():
                found = re.match(pattern, item["href"])
                if found:
                    assert int(found.group(1)) in _visible_ids(user, model), (tile["key"], item)
                    checked += 1
    labels = " ".join(i["label"] for t in _tiles(user).values() for i in t["items"])
    if role != "rival_member":
        assert "B2" not in labels and "Rival study" not in labels and "Hidden Bio" not in labels
    if role in ("operator", "enterprise_member", "investor"):
        assert checked > 0


def test_home_page_per_role(world):
    client = Client()
    client.force_login(world["users"]["operator"])
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Project funnel" in page and "Service desk queue" in page and "<svg" in page
    assert f'href="/services/requests/{world["requests"]["late"].pk}/"' in page
    anonymous = Client().get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Key figures" in anonymous and "Project funnel" not in anonymous


def test_since_last_visit_moves_only_after_a_gap(world):
    user = world["users"]["operator"]
    t0 = timezone.now() - dt.timedelta(hours=5)
    profile_home_visit(user=user, now=t0)
    profile_home_visit(user=user, now=t0 + dt.timedelta(minutes=20))  # a reload: the same visit
    assert Profile.objects.filter(user=user).values_list("home_visit_at", "home_previous_visit_at").get() == (t0, None)
    t1 = t0 + dt.timedelta(hours=3)
    profile_home_visit(user=user, now=t1)
    assert Profile.objects.filter(user=user).values_list("home_visit_at", "home_previous_visit_at").get() == (t1, t0)


def test_filters_behind_the_tiles_answer(world):
    client = Client()
    client.force_login(world["users"]["investor"])
    page = client.get("/pipeline/?moved=1", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # The listed records, read from their links (the page's other text, a CSRF token say, may hold "B2").
    assert re.findall(r'<a href="/pipeline/(\d+)/">([^<]*)</a>', page) == [(str(world["projects"]["b1"].pk), "B1")]
    client.force_login(world["users"]["operator"])
    overdue = client.get("/services/requests/?overdue=1", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.findall(r'<a href="/services/requests/(\d+)/">([^<]*)</a>', overdue) == [
        (str(world["requests"]["late"].pk), "Late study")]

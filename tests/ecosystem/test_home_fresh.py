"""The operator's cached home tiles never hide a write (issue 12: "never stale without saying so"): a
request submitted or a booking rejected shows on the next page and API answer, with a later "as of", while
the tiles that do not read what was written are served from the cache as they were."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from biopark.accounts.models import Role
from biopark.accounts.services import api_token_create, profile_home_visit
from biopark.facilities import timeutil
from biopark.facilities.models import Booking
from biopark.facilities.services import booking_decide
from biopark.services.services import request_submit
from tests.facilities.factories import ResourceFactory
from tests.factories import OrganisationFactory, ParkFactory, PlatformFactory, make_user
from tests.services.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def park_world(db):
    cache.clear()
    park = ParkFactory(name_en="Hi-tech Zone")
    zone = ParkFactory(name_en="Bio-City", parent=park)
    own = OrganisationFactory(park=zone, name_en="Own Bio")
    platform = PlatformFactory(operator=own, park=zone)
    resource = ResourceFactory(platform=platform, name_en="Mass spec", opening_hours={})
    # A pending booking of two hours inside this week (the operator's "facilities this week" counts it).
    week_start, _end = timeutil.week_bounds(timezone.now(), timeutil.zone(None))
    member = make_user(Role.ENTERPRISE_MEMBER, organisation=own)
    booking = Booking.objects.create(resource=resource, user=member, organisation=own, status="pending",
                                     start=week_start + dt.timedelta(hours=1), end=week_start + dt.timedelta(hours=3))
    yield {"operator": make_user(Role.OPERATOR, park=park), "member": member, "own": own, "booking": booking,
           "manager": make_user(Role.PLATFORM_MANAGER, organisation=own),
           "service": ServiceFactory(provider_organisation=own, park=zone)}
    cache.clear()


def _api_tiles(user) -> dict:
    _token, raw = api_token_create(actor=user)
    response = Client().get("/api/v1/home", HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    return {t["key"]: t for t in response.json()["tiles"]}


def _when(tile: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(tile["as_of"])


def _page_queue(client: Client) -> tuple[str, str]:
    """The queue tile's headline figure and its as-of time on the operator's page."""
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = re.search(r'<section class="tile" id="tile-servicesqueue".*?</section>', html, re.S)
    assert section is not None
    found = re.search(r'class="num" href="[^"]+">([^<]+)</a>.*<time datetime="([^"]+)"', section.group(0), re.S)
    assert found is not None
    return found.group(1), found.group(2)


def test_a_submitted_request_shows_at_once_on_the_page_and_in_the_api(
        park_world, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(park_world["operator"])
    before_value, before_as_of = _page_queue(client)
    api_before = _api_tiles(park_world["operator"])
    assert _page_queue(client) == (before_value, before_as_of)  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        request_submit(actor=park_world["member"], service=park_world["service"], title="Stability study")
    after_value, after_as_of = _page_queue(client)
    api_after = _api_tiles(park_world["operator"])
    assert (before_value, after_value) == ("0", "1")
    assert dt.datetime.fromisoformat(after_as_of) > dt.datetime.fromisoformat(before_as_of)
    assert (api_before["services.queue"]["value"], api_after["services.queue"]["value"]) == ("0", "1")
    assert _when(api_after["services.queue"]) > _when(api_before["services.queue"])
    # What does not read service requests is served as it was built (same figures, same time).
    assert api_after["pipeline.funnel"]["as_of"] == api_before["pipeline.funnel"]["as_of"]
    assert api_after["facilities.week"]["as_of"] == api_before["facilities.week"]["as_of"]


def test_a_rejected_booking_leaves_this_weeks_utilisation_at_once(park_world, django_capture_on_commit_callbacks):
    before = _api_tiles(park_world["operator"])["facilities.week"]
    with django_capture_on_commit_callbacks(execute=True):
        booking_decide(actor=park_world["manager"], booking=park_world["booking"], approve=False,
                       reason="The instrument is being serviced")
    after = _api_tiles(park_world["operator"])["facilities.week"]
    assert (before["extra"]["booked_hours"], after["extra"]["booked_hours"]) == (2.0, 0.0)
    assert _when(after) > _when(before)


def test_the_page_says_a_tile_is_refreshed_after_each_change(park_world):
    client = Client()
    client.force_login(park_world["operator"])
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    queue = re.search(r'<section class="tile" id="tile-servicesqueue".*?</section>', html, re.S)
    assert queue is not None and "每 60 秒更新，有改动时立即更新" in queue.group(0)


# Committed for real: each visit is its own transaction, as each request is (a test transaction would keep the
# first visit's callback pending, and the tiles wait for the commit).
@pytest.mark.django_db(transaction=True)
def test_a_new_visit_moves_the_since_tile_at_once(park_world):
    operator = park_world["operator"]
    user = type(operator).objects.get(pk=operator.pk)
    now = timezone.now()
    profile_home_visit(user=user, now=now - dt.timedelta(hours=5))
    profile_home_visit(user=type(operator).objects.get(pk=operator.pk), now=now - dt.timedelta(hours=2))
    first = _api_tiles(operator)["registry.since"]
    assert dt.datetime.fromisoformat(first["extra"]["since"]) == now - dt.timedelta(hours=5)
    # Two hours on a new visit starts: the tile counts from the visit that just ended, at once.
    profile_home_visit(user=type(operator).objects.get(pk=operator.pk), now=now)
    second = _api_tiles(operator)["registry.since"]
    assert dt.datetime.fromisoformat(second["extra"]["since"]) == now - dt.timedelta(hours=2)
    assert _when(second) >= _when(first)

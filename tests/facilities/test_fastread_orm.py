"""The booking paths give the same answers with BIOPARK_FASTREAD on (once-built SQL, core.fastread) and off
(the ORM): what a resource holds around a request, the free slots of several resources, the locked and the
API's resource lookups, and a booking written either way."""

from __future__ import annotations

import datetime as dt

import pytest

from biopark import settings as project_settings
from biopark.accounts.auth import _TOKEN, token_create
from biopark.accounts.models import hash_token
from biopark.core.models import ChangeRecord
from biopark.facilities import selectors, services
from biopark.facilities.api import _RESOURCE
from biopark.facilities.models import Booking, BookingUnit, Outage
from biopark.facilities.policy import BookingRequest, booking_policy
from biopark.facilities.services import _LOCKED_RESOURCE
from tests.facilities.factories import ResourceFactory
from tests.factories import PlatformFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2031, 3, 3, 0, 0, tzinfo=dt.UTC)


def _both(settings, read):
    settings.BIOPARK_FASTREAD = True
    fast = read()
    settings.BIOPARK_FASTREAD = False
    orm = read()
    settings.BIOPARK_FASTREAD = True
    return fast, orm


@pytest.fixture
def busy_week(fac):
    """Two resources with bookings (one cancelled; the first resource has two units and a buffer), outages."""
    first = fac["resource"]
    first.capacity, first.buffer_minutes = 2, 15
    first.save()
    second = ResourceFactory(platform=first.platform, capacity=1)
    user, org = fac["member"], fac["enterprise"]
    for resource, hours, status, units in (
        (first, (1, 3), "confirmed", (1, 2)), (first, (4, 5), "confirmed", (1,)), (first, (6, 7), "cancelled", (1,)),
        (second, (1, 2), "confirmed", (1,)), (second, (30, 31), "confirmed", (1,)),
    ):
        start, end = MONDAY + dt.timedelta(hours=hours[0]), MONDAY + dt.timedelta(hours=hours[1])
        booking = Booking.objects.create(
            resource=resource, user=user, organisation=org, start=start, end=end, status=status, quantity=len(units)
        )
        for n in units:
            BookingUnit.objects.create(
                booking=booking, resource=resource, unit_no=n, start=start,
                blocked_until=end + dt.timedelta(minutes=resource.buffer_minutes), active=status != "cancelled",
            )
    Outage.objects.create(resource=first, start=MONDAY + dt.timedelta(hours=8), end=MONDAY + dt.timedelta(hours=9),
                          kind=Outage.Kind.MAINTENANCE)
    Outage.objects.create(resource=second, start=MONDAY + dt.timedelta(hours=3), end=MONDAY + dt.timedelta(hours=5),
                          kind=Outage.Kind.OUTAGE)
    return {**fac, "first": first, "second": second}


def test_what_a_resource_holds_is_the_same_either_way(settings, busy_week):
    first, user = busy_week["first"], busy_week["member"]

    def read():
        request = BookingRequest(
            resource=first, user=user, organisation_id=busy_week["enterprise"].pk, now=MONDAY,
            start=MONDAY + dt.timedelta(hours=2, minutes=30), end=MONDAY + dt.timedelta(hours=8, minutes=30),
        )
        held = booking_policy().busy(request)
        return sorted(held.units), held.outages

    fast, orm = _both(settings, read)
    assert fast == orm
    assert fast[0] == [  # (the cancelled booking's unit is not held)
        (1, MONDAY + dt.timedelta(hours=1), MONDAY + dt.timedelta(hours=3)),
        (1, MONDAY + dt.timedelta(hours=4), MONDAY + dt.timedelta(hours=5)),
        (2, MONDAY + dt.timedelta(hours=1), MONDAY + dt.timedelta(hours=3)),
    ]
    assert fast[1] == [("maintenance", MONDAY + dt.timedelta(hours=8), MONDAY + dt.timedelta(hours=9))]


def test_free_slots_of_several_resources_are_the_same_either_way(settings, busy_week):
    resources = [busy_week["first"], busy_week["second"]]

    def read():
        found = selectors.availability(resources=resources, start=MONDAY, end=MONDAY + dt.timedelta(days=2))
        return [(r.resource.pk, [(s.start, s.end, s.free_units) for s in r.slots]) for r in found]

    fast, orm = _both(settings, read)
    assert fast == orm
    second_slots = dict(fast)[busy_week["second"].pk]
    assert second_slots[:2] == [(MONDAY, MONDAY + dt.timedelta(hours=1), 1),
                                (MONDAY + dt.timedelta(hours=2), MONDAY + dt.timedelta(hours=3), 1)]


def test_the_resource_and_token_lookups_are_the_same_either_way(settings, busy_week):
    first = busy_week["first"]
    raw = token_create(user=busy_week["member"], name="t")

    def read():
        locked, plain = _LOCKED_RESOURCE.first(first.pk), _RESOURCE.first(first.pk)
        token = _TOKEN.first(hash_token(raw))
        assert locked is not None and plain is not None and token is not None
        return (
            [(r.pk, r.capacity, r.platform.pk, r.platform.park_id) for r in (locked, plain)],
            (token.pk, token.user.pk, token.user.profile.role),
            _RESOURCE.first(987654321),
        )

    fast, orm = _both(settings, read)
    assert fast == orm and fast[2] is None


@pytest.mark.parametrize("fastread", [True, False], ids=["fastread", "orm"])
def test_a_booking_is_written_alike_either_way(settings, fac, fastread):
    settings.BIOPARK_FASTREAD = fastread
    resource = ResourceFactory(platform=PlatformFactory(operator=fac["enterprise"], park=fac["zone"]), capacity=2)
    start = MONDAY + dt.timedelta(days=7, hours=2)
    booking = services.booking_create(
        actor=fac["member"], resource=resource, start=start, end=start + dt.timedelta(hours=1), quantity=2,
        organisation=fac["enterprise"], now=MONDAY,
    )
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.resource_id, stored.start, stored.quantity, stored.status) == (resource.pk, start, 2, "confirmed")
    assert sorted(BookingUnit.objects.filter(booking=stored).values_list("unit_no", "start", "active")) == [
        (1, start, True), (2, start, True)
    ]
    record = ChangeRecord.objects.get(object_id=booking.pk, content_type__model="booking", action="create")
    assert record.actor_id == fac["member"].pk


def test_the_setting_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("BIOPARK_FASTREAD", "0")
    assert project_settings.env_bool("BIOPARK_FASTREAD", True) is False
    monkeypatch.delenv("BIOPARK_FASTREAD")
    assert project_settings.env_bool("BIOPARK_FASTREAD", True) is True

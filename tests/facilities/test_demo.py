"""The demo builder fills resources, members, bookings and usage, and running it twice changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from biopark.ecosystem.models import Platform
from biopark.facilities import selectors
from biopark.facilities.demo import PRICE_NOTE, build_demo
from biopark.facilities.models import Booking, Qualification, Resource, UsageRecord
from tests.factories import OrganisationFactory, ParkFactory, PlatformFactory

pytestmark = pytest.mark.django_db


def test_build_demo_is_idempotent():
    park = ParkFactory()
    operator = OrganisationFactory(park=park, kind="operator")
    for kind in (Platform.Kind.ANIMAL, Platform.Kind.GMP_PILOT, Platform.Kind.SCREENING, Platform.Kind.CRO):
        PlatformFactory(kind=kind, operator=operator, park=park)
    for _ in range(3):
        OrganisationFactory(park=park)
    now = dt.datetime(2030, 6, 12, 4, 0, tzinfo=dt.UTC)
    first = build_demo(now=now)
    assert first["resources"] == 8
    assert first["members"] == 6
    assert first["bookings"] > 20 and first["usage"] > 5
    assert all(r.price_note == PRICE_NOTE for r in Resource.objects.all())
    counts = (Resource.objects.count(), Booking.objects.count(), UsageRecord.objects.count(),
              Qualification.objects.count())
    assert build_demo(now=now) == first
    assert counts == (Resource.objects.count(), Booking.objects.count(), UsageRecord.objects.count(),
                      Qualification.objects.count())
    usage = UsageRecord.objects.select_related("organisation").first()
    from django.contrib.auth import get_user_model

    member = get_user_model().objects.get(username="member-1")
    assert member.check_password("biopark-demo")
    st = selectors.statement(user=member, organisation=member.profile.organisation, year=2030, month=6,
                             tz=dt.timezone(dt.timedelta(hours=8)))
    assert st.total == sum(line.amount for line in st.lines)
    assert usage is not None

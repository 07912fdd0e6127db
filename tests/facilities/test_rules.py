"""Every booking rule refuses with its own name, and a refused booking writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from biopark.core.errors import DomainError
from biopark.core.models import ChangeRecord
from biopark.facilities import services
from biopark.facilities.errors import BookingConflict, BookingRefused
from biopark.facilities.models import Booking, BookingUnit, Outage
from biopark.facilities.policy import BookingPolicy as _Base
from biopark.facilities.policy import Refusal as _Refusal
from tests.facilities.conftest import NOW, local


@pytest.fixture(autouse=True)
def _english():
    """These tests read the refusals' English wording; the site's default language is Chinese."""
    with translation.override("en"):
        yield

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


def counts():
    return (Booking.objects.count(), BookingUnit.objects.count(), ChangeRecord.objects.count())


def book(fac, start, end, **kw):
    return services.booking_create(
        actor=kw.pop("actor", fac["member"]), resource=kw.pop("resource", fac["resource"]), start=start, end=end,
        now=kw.pop("now", NOW), **kw,
    )


def refused_by(fac, rule, start, end, exc=BookingRefused, **kw):
    before = counts()
    with pytest.raises(exc) as info:
        book(fac, start, end, **kw)
    assert info.value.rule == rule
    assert info.value.fields["rule"] == rule
    assert counts() == before, "a refused booking must change nothing"
    return info.value


def test_a_valid_booking_is_confirmed_and_recorded(fac):
    before = ChangeRecord.objects.count()
    b = book(fac, NOW + 2 * H, NOW + 3 * H, project_label="ABC-101")
    assert b.status == Booking.Status.CONFIRMED
    assert b.organisation_id == fac["enterprise"].pk
    assert list(b.units.values_list("unit_no", flat=True)) == [1]
    assert ChangeRecord.objects.count() == before + 1


def test_time_order(fac):
    e = refused_by(fac, "time_order", NOW + 3 * H, NOW + 2 * H)
    assert "end" in e.fields


def test_min_length(fac):
    e = refused_by(fac, "min_length", NOW + 2 * H, NOW + 2 * H + dt.timedelta(minutes=15))
    assert e.message == "bookings last at least 30 min (rule: minimum length)"


def test_max_length(fac):
    e = refused_by(fac, "max_length", NOW + 2 * H, NOW + 11 * H)
    assert e.message == "bookings last at most 8 h (rule: maximum length)"


def test_past(fac):
    refused_by(fac, "past", NOW - 2 * H, NOW - H)


def test_notice(fac):
    fac["resource"].notice_minutes = 24 * 60
    fac["resource"].save()
    e = refused_by(fac, "notice", NOW + 2 * H, NOW + 3 * H)
    assert e.message == "book at least 24 h before the start (rule: notice period)"
    assert book(fac, NOW + 25 * H, NOW + 26 * H).pk


def test_advance(fac):
    e = refused_by(fac, "advance", NOW + dt.timedelta(days=61), NOW + dt.timedelta(days=61) + H)
    assert e.message == "bookings open at most 60 days ahead (rule: booking horizon)"


def test_opening_hours_in_park_time(fac):
    fac["resource"].opening_hours = {"mon": [["08:00", "18:00"]], "tue": [["08:00", "18:00"]]}
    fac["resource"].save()
    # 17:00-19:00 Shanghai on Monday 2030-03-04 runs past closing time.
    refused_by(fac, "opening_hours", local(2030, 3, 4, 17), local(2030, 3, 4, 19))
    # Wednesday is closed.
    refused_by(fac, "opening_hours", local(2030, 3, 6, 10), local(2030, 3, 6, 11))
    ok = book(fac, local(2030, 3, 4, 16), local(2030, 3, 4, 18))
    assert ok.start == dt.datetime(2030, 3, 4, 8, 0, tzinfo=dt.UTC)


def test_overlap_is_a_conflict(fac):
    book(fac, NOW + 2 * H, NOW + 4 * H)
    e = refused_by(fac, "overlap", NOW + 3 * H, NOW + 5 * H, exc=BookingConflict)
    assert e.status == 409


def test_buffer(fac):
    fac["resource"].buffer_minutes = 30
    fac["resource"].save()
    book(fac, NOW + 2 * H, NOW + 3 * H)
    e = refused_by(fac, "buffer", NOW + 3 * H + dt.timedelta(minutes=10), NOW + 5 * H, exc=BookingConflict)
    assert "30 min between bookings" in e.message
    # Before an existing booking, too.
    refused_by(fac, "buffer", NOW + H, NOW + 2 * H - dt.timedelta(minutes=10), exc=BookingConflict)
    assert book(fac, NOW + 3 * H + dt.timedelta(minutes=30), NOW + 4 * H).pk


def test_capacity(fac):
    cages = fac["resource"]
    cages.capacity = 10
    cages.unit_label = "cage"
    cages.save()
    a = book(fac, NOW + 2 * H, NOW + 6 * H, quantity=6)
    b = book(fac, NOW + 4 * H, NOW + 8 * H, quantity=4)
    assert sorted(a.units.values_list("unit_no", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert sorted(b.units.values_list("unit_no", flat=True)) == [7, 8, 9, 10]
    e = refused_by(fac, "capacity", NOW + 5 * H, NOW + 6 * H, exc=BookingConflict)
    assert e.message == "only 0 of 10 units are free then; you asked for 1 (rule: capacity)"
    refused_by(fac, "quantity", NOW + 9 * H, NOW + 10 * H, quantity=11)
    # After the first booking ends, its six cages are free again.
    assert book(fac, NOW + 6 * H, NOW + 7 * H, quantity=6).pk


def test_weekly_quota(fac):
    fac["resource"].quota_hours_week = Decimal("3")
    fac["resource"].save()
    book(fac, NOW + 2 * H, NOW + 4 * H)
    e = refused_by(fac, "quota_week", NOW + 5 * H, NOW + 7 * H)
    assert e.message.startswith("your organisation's quota on this resource is 3 h per week; 2 h are booked")
    assert book(fac, NOW + 5 * H, NOW + 6 * H).pk  # exactly 3 h
    # Next week starts afresh (Monday 00:00 Shanghai).
    assert book(fac, local(2030, 3, 11, 9), local(2030, 3, 11, 11)).pk


def test_monthly_quota(fac):
    fac["resource"].quota_hours_month = Decimal("2.5")
    fac["resource"].save()
    book(fac, NOW + 2 * H, NOW + 4 * H)
    refused_by(fac, "quota_month", local(2030, 3, 20, 9), local(2030, 3, 20, 10))
    assert book(fac, local(2030, 4, 1, 9), local(2030, 4, 1, 10)).pk


def test_qualification_needed_and_expiry(fac):
    resource = fac["resource"]
    resource.requires_qualification = True
    resource.save()
    refused_by(fac, "qualification", NOW + 2 * H, NOW + 3 * H)
    manager = fac["users"]["platform_manager"]
    services.qualification_grant(actor=manager, resource=resource, user=fac["member"], expires_on=dt.date(2030, 3, 10))
    assert book(fac, NOW + 2 * H, NOW + 3 * H).pk
    e = refused_by(fac, "qualification_expired", local(2030, 3, 12, 9), local(2030, 3, 12, 10))
    assert "expires on 10 Mar 2030" in e.message
    services.qualification_grant(actor=manager, resource=resource, user=fac["member"], expires_on=None)
    assert book(fac, local(2030, 3, 12, 9), local(2030, 3, 12, 10)).pk


def test_enterprise_member_cannot_grant_qualifications(fac):
    with pytest.raises(DomainError) as info:
        services.qualification_grant(actor=fac["member"], resource=fac["resource"], user=fac["member"])
    assert info.value.status == 403


def test_outage_refuses_and_flags(fac):
    resource = fac["resource"]
    kept = book(fac, NOW + 2 * H, NOW + 3 * H)
    hit = book(fac, NOW + 5 * H, NOW + 6 * H)
    outage, flagged = services.outage_create(
        actor=fac["users"]["platform_manager"], resource=resource, start=NOW + 4 * H, end=NOW + 8 * H,
        kind=Outage.Kind.OUTAGE, reason="laser replaced",
    )
    assert flagged == 1
    hit.refresh_from_db()
    kept.refresh_from_db()
    assert hit.outage_id == outage.pk and kept.outage_id is None
    with translation.override("en"):  # the kind's label is translated; do not depend on what ran before
        e = refused_by(fac, "outage", NOW + 7 * H, NOW + 9 * H)
    assert "Outage" in e.message


def test_inactive_resource(fac):
    fac["resource"].is_active = False
    fac["resource"].save()
    refused_by(fac, "resource_inactive", NOW + 2 * H, NOW + 3 * H)


def test_approval_makes_pending_and_managers_decide(fac):
    fac["resource"].requires_approval = True
    fac["resource"].save()
    b = book(fac, NOW + 2 * H, NOW + 3 * H)
    assert b.status == Booking.Status.PENDING
    # A pending booking holds the slot.
    refused_by(fac, "overlap", NOW + 2 * H, NOW + 3 * H, exc=BookingConflict)
    with pytest.raises(DomainError) as info:
        services.booking_decide(actor=fac["member"], booking=b, approve=True)
    assert info.value.status == 403
    services.booking_decide(actor=fac["users"]["platform_manager"], booking=b, approve=False, reason="维护")
    assert b.status == Booking.Status.REJECTED
    assert book(fac, NOW + 2 * H, NOW + 3 * H).status == Booking.Status.PENDING


def test_cancel_rules_and_waitlist(fac):
    fac["resource"].cancel_notice_minutes = 4 * 60
    fac["resource"].save()
    b = book(fac, NOW + 2 * H, NOW + 3 * H)
    other = book(fac, NOW + 10 * H, NOW + 11 * H)
    entry = services.waitlist_join(actor=fac["member"], resource=fac["resource"], start=NOW + 10 * H, end=NOW + 11 * H)
    with pytest.raises(BookingRefused) as info:
        services.booking_cancel(actor=fac["member"], booking=b, now=NOW)
    assert info.value.rule == "cancel_notice"
    b.refresh_from_db()
    assert b.status == Booking.Status.CONFIRMED
    # The platform manager may still cancel it; a member may cancel the later one.
    services.booking_cancel(actor=fac["users"]["platform_manager"], booking=b, now=NOW)
    services.booking_cancel(actor=fac["member"], booking=other, now=NOW)
    entry.refresh_from_db()
    assert entry.notified_at is not None
    assert not BookingUnit.objects.filter(booking=other, active=True).exists()
    # The freed slot can be booked again.
    assert book(fac, NOW + 10 * H, NOW + 11 * H).pk
    with pytest.raises(BookingRefused) as info:
        services.booking_cancel(actor=fac["member"], booking=other, now=NOW)
    assert info.value.rule == "not_active"


def test_policy_is_swappable(fac, settings):
    from biopark.facilities.policy import BookingPolicy

    settings.BIOPARK_BOOKING_POLICY = "tests.facilities.test_rules.NoWeekendsPolicy"
    e = refused_by(fac, "weekend", local(2030, 3, 9, 10), local(2030, 3, 9, 11))
    assert e.message == "no bookings at weekends (rule: weekend)"
    assert isinstance(NoWeekendsPolicy(), BookingPolicy)




class NoWeekendsPolicy(_Base):
    checks = ("weekend", *_Base.checks)

    def check_weekend(self, req):
        if req.start.astimezone(dt.UTC).weekday() >= 5:
            return _Refusal("weekend", "no bookings at weekends")
        return None

"""`usages_record` (several bookings' usage written together) against `usage_record` once per booking: the same
rows, the same history entries in the same order, the same refusals, and nothing written when one is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import transaction

from biopark.accounts.models import Role
from biopark.core.errors import DomainError, PermissionRefused
from biopark.core.models import ChangeRecord
from biopark.facilities import services, usage
from biopark.facilities.models import Booking, Resource, UsageRecord
from tests.facilities.conftest import NOW
from tests.facilities.factories import ResourceFactory
from tests.factories import make_user

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)
USAGE_COLUMNS = ["booking_id", "resource_id", "organisation_id", "user_id", "project", "start", "end", "quantity",
                 "rate", "price_unit", "unit_price", "billed_units", "amount", "currency", "recorded_by_id",
                 "confirmed_from_booking"]


class _Undo(Exception):
    pass


def _bookings(fac):
    member, resource = fac["member"], fac["resource"]
    per_use = ResourceFactory(platform=fac["platform"], price_unit=Resource.PriceUnit.USE, capacity=5,
                              price_member="33.33")
    outsider = make_user(Role.ENTERPRISE_MEMBER, organisation=fac["other_enterprise"])
    return [
        services.booking_create(actor=member, resource=resource, start=NOW + 2 * H, end=NOW + 4 * H, now=NOW,
                                project_label="P1"),
        services.booking_create(actor=member, resource=resource, start=NOW + 5 * H, end=NOW + 6 * H, now=NOW),
        services.booking_create(actor=member, resource=per_use, start=NOW + 2 * H, end=NOW + 3 * H, quantity=3,
                                now=NOW),
        services.booking_create(actor=outsider, resource=resource, start=NOW + 7 * H, end=NOW + 8 * H, now=NOW),
    ]


def _items(bookings):
    return [(bookings[0], None, None), (bookings[1], NOW + 5 * H, NOW + 5 * H + dt.timedelta(minutes=40)),
            (bookings[2], None, None), (bookings[3], None, None)]


def _written(bookings, mark):
    usages = list(UsageRecord.objects.filter(booking__in=bookings).order_by("id").values_list("id", *USAGE_COLUMNS))
    usage_ids = [row[0] for row in usages]
    history = [
        (f"usage #{usage_ids.index(row[0])}" if row[1] == "usagerecord" else row[0], *row[1:])  # ids may differ
        for row in ChangeRecord.objects.filter(id__gt=mark).order_by("id").values_list(
            "object_id", "content_type__model", "object_repr", "action", "actor_id", "actor_label", "changes", "note")
    ]
    states = list(Booking.objects.filter(pk__in=[b.pk for b in bookings]).order_by("id").values_list("id", "status"))
    return [row[1:] for row in usages], history, states


def test_bulk_writes_what_one_call_per_booking_writes(fac):
    manager = fac["users"]["platform_manager"]
    bookings = _bookings(fac)
    mark = ChangeRecord.objects.latest("id").pk
    with pytest.raises(_Undo), transaction.atomic():
        for booking, start, end in _items(bookings):
            usage.usage_record(actor=manager, booking=booking, start=start, end=end)
        one_by_one = _written(bookings, mark)
        raise _Undo
    for booking in bookings:
        booking.refresh_from_db()
    assert {b.status for b in bookings} == {Booking.Status.CONFIRMED}
    made = usage.usages_record(actor=manager, items=_items(bookings))

    assert _written(bookings, mark) == one_by_one
    usages, history, states = one_by_one
    assert [(u.billed_units, u.amount, u.rate, u.confirmed_from_booking) for u in made] == [
        (D("2.0000"), D("200.00"), "member", True), (D("0.6667"), D("66.67"), "member", False),
        (D("3"), D("99.99"), "member", True), (D("1.0000"), D("150.00"), "non_member", True)]
    assert [row[4] for row in usages] == ["P1", "", "", ""]
    assert [(row[0], row[1], row[3]) for row in history] == [
        ("usage #0", "usagerecord", "create"), (bookings[0].pk, "booking", "update"),
        ("usage #1", "usagerecord", "create"), (bookings[1].pk, "booking", "update"),
        ("usage #2", "usagerecord", "create"), (bookings[2].pk, "booking", "update"),
        ("usage #3", "usagerecord", "create"), (bookings[3].pk, "booking", "update")]
    assert history[1][6] == {"status": ["confirmed", "completed"]}
    assert states == [(b.pk, "completed") for b in bookings]


def _all_rows():
    return (list(UsageRecord.objects.order_by("id").values_list("id", *USAGE_COLUMNS)),
            list(ChangeRecord.objects.order_by("id").values_list("id", "object_id", "action", "changes")),
            list(Booking.objects.order_by("id").values_list("id", "status", "updated_at")))


@pytest.mark.parametrize("case", ["recorded already", "twice in the batch", "cancelled", "ends before it starts"])
def test_one_refused_booking_writes_nothing(fac, case):
    manager = fac["users"]["platform_manager"]
    bookings = _bookings(fac)
    items = _items(bookings)
    if case == "recorded already":
        usage.usage_record(actor=manager, booking=bookings[3])
    elif case == "twice in the batch":
        items.append(items[0])
    elif case == "cancelled":
        Booking.objects.filter(pk=bookings[3].pk).update(status=Booking.Status.CANCELLED)
        bookings[3].status = Booking.Status.CANCELLED
    else:
        items[3] = (bookings[3], NOW + 8 * H, NOW + 7 * H)
    before = _all_rows()
    with pytest.raises(DomainError) as info:
        usage.usages_record(actor=manager, items=items)
    assert list(info.value.fields) == [{"recorded already": "booking", "twice in the batch": "booking",
                                        "cancelled": "status", "ends before it starts": "end"}[case]]
    assert _all_rows() == before


def test_bulk_is_refused_to_who_may_not_record(fac):
    bookings = _bookings(fac)
    before = _all_rows()
    with pytest.raises(PermissionRefused):
        usage.usages_record(actor=fac["member"], items=_items(bookings))
    assert _all_rows() == before

"""Recording what was used (actual start and end, or the booking as booked) and pricing it: member or
non-member rate, per hour or per use, exact decimals. Statements and exports read what is recorded here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.audit import change_record_for, diff, snapshot
from biopark.core.errors import Conflict, ValidationFailed
from biopark.core.fastread import insert
from biopark.core.models import ChangeRecord
from biopark.ecosystem.models import Organisation, Park, Platform
from biopark.facilities import timeutil
from biopark.facilities.models import Booking, Resource, UsageRecord
from biopark.facilities.permissions import RECORD_USAGE
from biopark.pipeline.models import Project

CENT = Decimal("0.01")
_user = policy.user_of


def _root_park(park_id: int | None, parents: dict[int, int | None]) -> int | None:
    seen = set()
    while park_id is not None and parents.get(park_id) is not None and park_id not in seen:
        seen.add(park_id)
        park_id = parents[park_id]
    return park_id


def is_member(organisation: Organisation, platform: Platform, parents: dict[int, int | None] | None = None) -> bool:
    """Member rate: the organisation is in the same park (tree) as the platform. `parents` (each park's parent)
    is read here unless a caller deciding for many bookings read it once."""
    if not organisation.park_id or not platform.park_id:
        return False
    if parents is None:
        parents = dict(Park.objects.values_list("id", "parent_id"))
    return _root_park(organisation.park_id, parents) == _root_park(platform.park_id, parents)


def price(
    *, resource: Resource, member: bool, start: dt.datetime, end: dt.datetime, quantity: int
) -> tuple[Decimal, Decimal, Decimal]:
    """(unit price, billed units, amount) in exact decimals; hours are billed to the minute."""
    unit_price = resource.price_member if member else resource.price_non_member
    if resource.price_unit == Resource.PriceUnit.USE:
        units = Decimal(quantity)
    else:
        minutes = int((end - start).total_seconds() // 60)
        units = (Decimal(minutes) / Decimal(60) * quantity).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    amount = (units * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
    return unit_price, units, amount


def _project_text(booking: Booking) -> str:
    """What a statement line says about the project: the project's name (both languages), else the note."""
    project = Project.objects.filter(pk=booking.project_id).first() if booking.project_id else None
    return _project_label(project, booking)


def _project_label(project: Project | None, booking: Booking) -> str:
    if project is None:
        return booking.project_label[:200]
    name = project.name_zh or project.name_en
    if project.name_en and project.name_en != name:
        name += f" / {project.name_en}"
    return name[:200]


def _usage_allowed(actor: Any, booking: Booking) -> None:
    policy.require(actor, RECORD_USAGE, booking)
    if booking.status not in (Booking.Status.CONFIRMED, Booking.Status.COMPLETED):
        raise Conflict(_("usage is recorded for confirmed bookings; this one is %(status)s") % {"status": booking.get_status_display()}, field="status")


def _usage_for(
    *, actor: Any, booking: Booking, start: dt.datetime | None, end: dt.datetime | None, quantity: int | None,
    resource: Resource, organisation: Organisation, member: bool, project_text: str,
) -> UsageRecord:
    """The checks of one booking's actual use and its (unsaved) priced record; the caller has checked the actor
    may record it and it is not recorded yet, and has read its resource (with its platform's park),
    organisation, rate and project text."""
    tz = timeutil.resource_zone(resource)
    actual_start = timeutil.as_utc(start, tz) if start else booking.start
    actual_end = timeutil.as_utc(end, tz) if end else booking.end
    if actual_end <= actual_start:
        raise ValidationFailed(_("usage must end after it starts"), field="end")
    used = booking.quantity if quantity is None else quantity
    if used < 1:
        raise ValidationFailed(_("the quantity used must be at least 1"), field="quantity")
    unit_price, units, amount = price(
        resource=resource, member=member, start=actual_start, end=actual_end, quantity=used
    )
    return UsageRecord(
        booking=booking, resource=resource, organisation=organisation, user=booking.user,
        project=project_text,
        start=actual_start, end=actual_end, quantity=used,
        rate=UsageRecord.Rate.MEMBER if member else UsageRecord.Rate.NON_MEMBER,
        price_unit=resource.price_unit, unit_price=unit_price, billed_units=units, amount=amount,
        currency=resource.currency, recorded_by=_user(actor), confirmed_from_booking=start is None and end is None and quantity is None,
    )


def _usage_history(actor: Any, usage: UsageRecord, booking: Booking, old: str) -> list[ChangeRecord]:
    return [
        change_record_for(
            actor=_user(actor), obj=usage, action=ChangeRecord.CREATE,
            changes=diff({}, snapshot(usage, ["booking_id", "start", "end", "unit_price", "billed_units", "amount"])),
        ),
        change_record_for(actor=_user(actor), obj=booking, action=ChangeRecord.UPDATE, changes={"status": [old, booking.status]}),
    ]


@transaction.atomic
def usage_record(
    *, actor: Any, booking: Booking, start: dt.datetime | None = None, end: dt.datetime | None = None,
    quantity: int | None = None,
) -> UsageRecord:
    """Record the actual use of a booking (or confirm it as booked when no times are given) and price it.
    `quantity` is what was used (units, or samples of a per-use resource); the booked quantity by default."""
    _usage_allowed(actor, booking)
    if UsageRecord.objects.filter(booking=booking).exists():
        raise Conflict(_("usage of this booking is recorded already"), field="booking")
    resource = Resource.objects.select_related("platform__park").get(pk=booking.resource_id)
    organisation = Organisation.objects.get(pk=booking.organisation_id)
    usage = _usage_for(
        actor=actor, booking=booking, start=start, end=end, quantity=quantity, resource=resource,
        organisation=organisation, member=is_member(organisation, resource.platform),
        project_text=_project_text(booking),
    )
    usage.save(force_insert=True)
    old = booking.status
    booking.status = Booking.Status.COMPLETED
    booking.save(update_fields=["status", "updated_at"])
    for entry in _usage_history(actor, usage, booking, old):
        insert(entry)
    return usage


@transaction.atomic
def usages_record(
    *, actor: Any, items: Sequence[tuple[Booking, dt.datetime | None, dt.datetime | None]],
) -> list[UsageRecord]:
    """`usage_record` for several bookings (each item: the booking, the actual start and end or None for "as
    booked"), in a handful of statements instead of about ten per booking: the same checks of every booking,
    the same rows and history entries, in the same order. Nothing is written if any booking is refused."""
    bookings = [booking for booking, _start, _end in items]
    recorded = set(UsageRecord.objects.filter(booking__in=[b.pk for b in bookings]).values_list("booking_id", flat=True))
    resources = Resource.objects.select_related("platform__park").in_bulk({b.resource_id for b in bookings})
    organisations = Organisation.objects.in_bulk({b.organisation_id for b in bookings})
    parents: dict[int, int | None] = dict(Park.objects.values_list("id", "parent_id"))
    projects = Project.objects.in_bulk({b.project_id for b in bookings if b.project_id})
    made: list[UsageRecord] = []
    for booking, start, end in items:
        _usage_allowed(actor, booking)
        if booking.pk in recorded:
            raise Conflict(_("usage of this booking is recorded already"), field="booking")
        recorded.add(booking.pk)
        resource, organisation = resources[booking.resource_id], organisations[booking.organisation_id]
        member = is_member(organisation, resource.platform, parents)
        made.append(_usage_for(
            actor=actor, booking=booking, start=start, end=end, quantity=None, resource=resource,
            organisation=organisation, member=member, project_text=_project_label(projects.get(booking.project_id), booking),
        ))
    UsageRecord.objects.bulk_create(made)
    history: list[ChangeRecord] = []
    moment = timezone.now()
    for usage, booking in zip(made, bookings, strict=True):
        old = booking.status
        booking.status, booking.updated_at = Booking.Status.COMPLETED, moment
        history += _usage_history(actor, usage, booking, old)
    # What booking.save(update_fields=["status", "updated_at"]) writes, for all of them in one statement.
    Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(status=Booking.Status.COMPLETED, updated_at=moment)
    ChangeRecord.objects.bulk_create(history)
    return made

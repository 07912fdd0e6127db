"""Reads behind the booking pages that explain themselves: a resource's week (the user's own bookings, other
people's as anonymous "booked" blocks, outages and the free slots to click), the user's week (their bookings,
rejected ones with the reason), their wait-list entries, and who approves a resource's bookings."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.roles import Role
from biopark.facilities import grid, selectors
from biopark.facilities.models import Booking, Outage, Resource, WaitlistEntry
from biopark.facilities.permissions import booking_visible

_KINDS: dict[str, str] = {
    Booking.Status.PENDING: "pending",
    Booking.Status.REJECTED: "rejected",
}


def _week_bounds(monday: dt.date, tz: Any) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    return start, end


def approvers(resource: Resource) -> list[str]:
    """The names of the people who approve bookings of the resource: its platform's managers (the accounts of
    the organisation operating the platform)."""
    operator = resource.platform.operator_id
    if not operator:
        return []
    users = get_user_model().objects.filter(
        is_active=True, profile__role=Role.PLATFORM_MANAGER, profile__organisation_id=operator
    ).order_by("id")[:10]
    return [u.get_full_name() or u.get_username() for u in users]


def free_link(resource: Resource, start: dt.datetime, end: dt.datetime) -> str:
    """The resource page with the booking form filled in for this free stretch (the minimum length, or the
    whole stretch when shorter than two hours)."""
    length = max(dt.timedelta(minutes=resource.min_minutes), min(end - start, dt.timedelta(hours=2)))
    until = min(end, start + length)
    query = urlencode({
        "week": start.date().isoformat(), "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": until.strftime("%Y-%m-%dT%H:%M"),
    })
    return f"/facilities/resources/{resource.pk}/?{query}#book"


def resource_week(*, user: Any, resource: Resource, monday: dt.date, tz: Any) -> grid.Grid:
    """The resource's week for `user`: what they may see in full, other bookings as "booked" with no name,
    outages with their kind, and the free stretches (links that fill the booking form)."""
    start, end = _week_bounds(monday, tz)
    visible = booking_visible(policy.actor_for(user))
    active = Booking.objects.filter(
        resource=resource, start__lt=end, end__gt=start, status__in=Booking.ACTIVE
    ).only("id", "start", "end", "status", "quantity", "organisation_id", "user_id", "resource_id")
    seen = set()
    if visible is not None:
        seen = set(
            Booking.objects.filter(visible, resource=resource, start__lt=end, end__gt=start).values_list("id", flat=True)
        )
    blocks: list[grid.Block] = []
    for b in active:
        s, e = b.start.astimezone(tz), b.end.astimezone(tz)
        if b.pk in seen:
            kind = _KINDS.get(b.status, "mine")
            label = str(b.get_status_display())
            blocks.append(grid.Block(s, e, kind, label, booking=b))
        else:
            blocks.append(grid.Block(s, e, "booked", _("booked")))
    for o in Outage.objects.filter(resource=resource, start__lt=end, end__gt=start):
        blocks.append(grid.Block(o.start.astimezone(tz), o.end.astimezone(tz), "outage", str(o.get_kind_display())))
    slots = selectors.availability(resources=[resource], start=start, end=end)[0]
    for slot in slots.slots:
        s, e = slot.start.astimezone(tz), slot.end.astimezone(tz)
        blocks.append(grid.Block(s, e, "free", _("free"), link=free_link(resource, s, e)))
    hours = [h for spans in (resource.opening_hours or {}).values() for span in spans for h in span]
    first = min((int(h[:2]) for h in hours), default=8)
    last = max((int(h[:2]) + (h[3:] != "00") for h in hours), default=18)
    return grid.build(monday, blocks, first_hour=min(first, 8), last_hour=max(last, 18))


def my_week(*, user: Any, monday: dt.date, tz: Any) -> grid.Grid:
    """The user's week: the bookings they may see (their organisation's, or those of resources they manage),
    pending and rejected ones marked; a rejected booking stays on the calendar with its reason."""
    start, end = _week_bounds(monday, tz)
    qs = selectors.booking_list(user=user, start=start, end=end).exclude(status=Booking.Status.CANCELLED)
    blocks = []
    for b in qs:
        kind = _KINDS.get(b.status, "mine")
        label = b.resource.display_name
        blocks.append(grid.Block(b.start.astimezone(tz), b.end.astimezone(tz), kind, label, booking=b,
                                 link=f"/facilities/bookings/{b.pk}/"))
    return grid.build(monday, blocks)


def waitlist_of(*, user: Any) -> QuerySet[WaitlistEntry]:
    """The user's wait-list entries for slots not yet over, with their resources."""
    return (
        WaitlistEntry.objects.filter(user=user, end__gt=timezone.now())
        .select_related("resource__platform__park").order_by("start", "id")
    )


def decided_of(*, user: Any, since: dt.datetime) -> QuerySet[Booking]:
    """The user's rejected bookings from `since` on (shown with their reasons)."""
    return (
        Booking.objects.filter(user=user, status=Booking.Status.REJECTED, end__gt=since)
        .select_related("resource__platform__park", "decided_by").order_by("start", "id")
    )

"""THE booking policy: one object decides whether a booking (or a cancellation) is allowed, and every refusal
names the rule that refused it. As in NEMO's policy.py, a deployment swaps it by pointing the setting
BIOPARK_BOOKING_POLICY at another class (a subclass, usually), e.g. "mypark.policy.StricterPolicy".

The checks run inside the booking transaction, after the resource row is locked, so what they count is what
gets written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from biopark.accounts.models import Role
from biopark.accounts.policy import actor_for
from biopark.core import fastread, formatting
from biopark.core.fastread import Template, adapt, fetch
from biopark.facilities import timeutil
from biopark.facilities.models import Booking, BookingUnit, Outage, Qualification, Resource

DEFAULT_POLICY = "biopark.facilities.policy.BookingPolicy"


def lookback(resource: Resource) -> dt.timedelta:
    """How far before a moment a booking that still covers it can have started: the longest booking ever made
    of the resource (kept up to date by booking_create) or the longest allowed now, plus the buffer.
    Bounding the range scan keeps overlap checks on the (resource, start) index however long the history."""
    longest = max(resource.longest_booking_minutes, resource.max_minutes + resource.buffer_minutes)
    return dt.timedelta(minutes=longest + 1)


@dataclass(frozen=True)
class Refusal:
    """Why a booking was refused: the rule's code, a sentence for people, and the field at fault."""

    rule: str
    message: str
    field: str = "start"
    conflict: bool = False  # the slot is taken (409) rather than the request breaking a rule (422)


@dataclass
class BookingRequest:
    resource: Resource
    user: Any
    organisation_id: int
    start: dt.datetime
    end: dt.datetime
    now: dt.datetime
    quantity: int = 1
    exclude_booking_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # What the resource holds around the request (booked units, outages), read once: the outage rule, the
    # availability rule and the writer all ask, in one transaction (see BookingPolicy.busy).
    busy_found: Busy | None = field(default=None, repr=False, compare=False)

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60


@dataclass(frozen=True)
class Busy:
    units: list[tuple[int, dt.datetime, dt.datetime]]  # (unit_no, unit start, its booking's end) per held unit
    outages: list[tuple[str, dt.datetime, dt.datetime]]  # (kind, start, end), earliest first


# Every booking asks what its resource holds around the requested time: booked units (from the longest
# booking's length before, to the buffer after; an index range scan on (resource, start)) and outages, in one
# round trip written out once (Django would compile two queries on each call). With BIOPARK_FASTREAD off the
# ORM runs the same two queries (`_busy_orm`).
_UNIT_ACTIVE = BookingUnit._meta.get_field("active")
_UNIT_NO = BookingUnit._meta.get_field("unit_no")
_UNIT_START = BookingUnit._meta.get_field("start")
_BUSY_FIELDS = [_UNIT_NO, _UNIT_NO, _UNIT_START, Booking._meta.get_field("end"), Outage._meta.get_field("kind")]
_BUSY_SQL = Template(
    "SELECT 0, {u.unit_no}, {u.start}, {b.end}, NULL FROM {u} INNER JOIN {b} ON {b.id} = {u.booking} "
    "WHERE {u.resource} = %s AND {u.active} = %s AND {u.start} < %s AND {u.blocked_until} > %s "
    "AND {u.start} >= %s AND {u.booking} <> %s "
    "UNION ALL SELECT 1, 0, {o.start}, {o.end}, {o.kind} FROM {o} "
    "WHERE {o.resource} = %s AND {o.start} < %s AND {o.end} > %s",
    u=BookingUnit, b=Booking, o=Outage,
)


def _busy_orm(req: BookingRequest) -> list[tuple[int, int, dt.datetime, dt.datetime, str | None]]:
    """The rows of _BUSY_SQL, read through the ORM."""
    buffer = dt.timedelta(minutes=req.resource.buffer_minutes)
    units = BookingUnit.objects.filter(
        resource=req.resource, active=True, start__lt=req.end + buffer, blocked_until__gt=req.start,
        start__gte=req.start - lookback(req.resource),
    ).exclude(booking_id=req.exclude_booking_id or 0)
    outages = Outage.objects.filter(resource=req.resource, start__lt=req.end, end__gt=req.start)
    return [
        *((0, unit_no, start, end, None) for unit_no, start, end in units.values_list("unit_no", "start", "booking__end")),
        *((1, 0, start, end, kind) for start, end, kind in outages.values_list("start", "end", "kind")),
    ]


def _fmt_minutes(minutes: int) -> str:
    if minutes % 60 == 0:
        return _("%(n)s h") % {"n": minutes // 60}
    return _("%(n)s min") % {"n": minutes}


# Each rule's name for people: refusals name the rule by its code (stable, in the API's fields) and its label.
RULE_LABELS = {
    "time_order": gettext_lazy("start before end"),
    "resource_inactive": gettext_lazy("resource open for booking"),
    "quantity": gettext_lazy("units"),
    "min_length": gettext_lazy("minimum length"),
    "max_length": gettext_lazy("maximum length"),
    "past": gettext_lazy("no booking in the past"),
    "notice": gettext_lazy("notice period"),
    "advance": gettext_lazy("booking horizon"),
    "opening_hours": gettext_lazy("opening hours"),
    "qualification": gettext_lazy("qualification"),
    "qualification_expired": gettext_lazy("qualification valid"),
    "outage": gettext_lazy("outage or maintenance"),
    "quota_week": gettext_lazy("weekly quota"),
    "quota_month": gettext_lazy("monthly quota"),
    "capacity": gettext_lazy("capacity"),
    "overlap": gettext_lazy("overlap"),
    "buffer": gettext_lazy("buffer between bookings"),
    "not_active": gettext_lazy("booking still active"),
    "started": gettext_lazy("not started yet"),
    "cancel_notice": gettext_lazy("cancellation notice"),
}


def rule_label(rule: str) -> str:
    return str(RULE_LABELS.get(rule, rule))


_PERIODS = {"week": gettext_lazy("week"), "month": gettext_lazy("month")}


def _moment(value: dt.datetime, req: BookingRequest) -> str:
    return formatting.format_datetime(value.astimezone(timeutil.resource_zone(req.resource)), get_language())


class BookingPolicy:
    """The rules, in the order they are checked. Override a `check_<rule>` method, or `checks`, to change them."""

    checks: tuple[str, ...] = (
        "time_order",
        "resource_active",
        "quantity",
        "min_length",
        "max_length",
        "notice",
        "advance",
        "opening_hours",
        "qualification",
        "outage",
        "quota_week",
        "quota_month",
        "availability",
    )

    # --- booking ------------------------------------------------------------------------------

    def check_booking(self, req: BookingRequest) -> Refusal | None:
        for name in self.checks:
            refusal = getattr(self, f"check_{name}")(req)
            if refusal is not None:
                return refusal
        return None

    def check_time_order(self, req: BookingRequest) -> Refusal | None:
        if req.end <= req.start:
            return Refusal("time_order", _("the booking must end after it starts"), "end")
        return None

    def check_resource_active(self, req: BookingRequest) -> Refusal | None:
        if not req.resource.is_active:
            return Refusal("resource_inactive", _("this resource is not open for booking"), "resource")
        return None

    def check_quantity(self, req: BookingRequest) -> Refusal | None:
        if req.quantity < 1:
            return Refusal("quantity", _("book at least one unit"), "quantity")
        if req.quantity > req.resource.capacity:
            return Refusal(
                "quantity", _("this resource has %(capacity)s unit(s); you asked for %(quantity)s")
                % {"capacity": req.resource.capacity, "quantity": req.quantity},
                "quantity",
            )
        return None

    def check_min_length(self, req: BookingRequest) -> Refusal | None:
        if req.minutes < req.resource.min_minutes:
            return Refusal(
                "min_length", _("bookings last at least %(length)s") % {"length": _fmt_minutes(req.resource.min_minutes)}, "end"
            )
        return None

    def check_max_length(self, req: BookingRequest) -> Refusal | None:
        if req.minutes > req.resource.max_minutes:
            return Refusal(
                "max_length", _("bookings last at most %(length)s") % {"length": _fmt_minutes(req.resource.max_minutes)}, "end"
            )
        return None

    def check_notice(self, req: BookingRequest) -> Refusal | None:
        notice = req.resource.notice_minutes
        if req.start < req.now:
            return Refusal("past", _("this slot is in the past"))
        if req.start < req.now + dt.timedelta(minutes=notice):
            return Refusal("notice", _("book at least %(length)s before the start") % {"length": _fmt_minutes(notice)})
        return None

    def check_advance(self, req: BookingRequest) -> Refusal | None:
        days = req.resource.max_advance_days
        if req.start > req.now + dt.timedelta(days=days):
            return Refusal("advance", _("bookings open at most %(days)s days ahead") % {"days": days})
        return None

    def check_opening_hours(self, req: BookingRequest) -> Refusal | None:
        hours = req.resource.opening_hours
        if not hours:
            return None
        tz = timeutil.resource_zone(req.resource)
        for s, e in timeutil.opening_intervals(hours, tz, req.start - dt.timedelta(days=1), req.end):
            if s <= req.start and req.end <= e:
                return None
        return Refusal("opening_hours", _("the booking is outside the resource's opening hours"))

    def check_qualification(self, req: BookingRequest) -> Refusal | None:
        if not req.resource.requires_qualification:
            return None
        qual = Qualification.objects.filter(user=req.user, resource=req.resource).first()
        if qual is None:
            return Refusal("qualification", _("you need to be trained (qualified) on this resource first"), "resource")
        tz = timeutil.resource_zone(req.resource)
        if qual.expires_on is not None and qual.expires_on < req.end.astimezone(tz).date():
            return Refusal(
                "qualification_expired",
                _("your qualification on this resource expires on %(date)s")
                % {"date": formatting.format_date(qual.expires_on, get_language())},
                "resource",
            )
        return None

    def busy(self, req: BookingRequest) -> Busy:
        """The units held and the outages around the request, read once per request."""
        if req.busy_found is not None:
            return req.busy_found
        buffer = dt.timedelta(minutes=req.resource.buffer_minutes)
        params = [
            req.resource.pk, adapt(_UNIT_ACTIVE, True), adapt(_UNIT_START, req.end + buffer),
            adapt(_UNIT_START, req.start), adapt(_UNIT_START, req.start - lookback(req.resource)),
            req.exclude_booking_id or 0,  # ids start at 1: 0 excludes nothing
            req.resource.pk, adapt(_UNIT_START, req.end), adapt(_UNIT_START, req.start),
        ]
        units, outages = [], []
        rows = fetch(_BUSY_SQL.sql(), params, _BUSY_FIELDS) if fastread.enabled() else _busy_orm(req)
        for is_outage, unit_no, start, end, kind in rows:
            if is_outage:
                outages.append((kind, start, end))
            else:
                units.append((unit_no, start, end))
        outages.sort(key=lambda o: o[1])
        req.busy_found = Busy(units, outages)
        return req.busy_found

    def check_outage(self, req: BookingRequest) -> Refusal | None:
        outages = self.busy(req).outages
        if outages:
            kind, start, end = outages[0]
            label = dict(Outage.Kind.choices).get(kind, kind)
            return Refusal(
                "outage", _("the resource is unavailable (%(kind)s) from %(start)s to %(end)s")
                % {"kind": label, "start": _moment(start, req), "end": _moment(end, req)}
            )
        return None

    def _org_hours(self, req: BookingRequest, start: dt.datetime, end: dt.datetime) -> Decimal:
        qs = Booking.objects.filter(
            resource=req.resource,
            organisation_id=req.organisation_id,
            status__in=Booking.ACTIVE,
            start__gte=start,
            start__lt=end,
        )
        if req.exclude_booking_id:
            qs = qs.exclude(pk=req.exclude_booking_id)
        total = Decimal("0")
        for s, e, q in qs.values_list("start", "end", "quantity"):
            total += Decimal(int((e - s).total_seconds())) / 3600 * q
        return total

    def _quota(self, req: BookingRequest, limit: Decimal | None, bounds: tuple, rule: str, period: str) -> Refusal | None:
        if limit is None:
            return None
        used = self._org_hours(req, *bounds)
        wanted = Decimal(int((req.end - req.start).total_seconds())) / 3600 * req.quantity
        if used + wanted > limit:
            return Refusal(
                rule,
                _("your organisation's quota on this resource is %(limit)s h per %(period)s; %(used)s h are booked already")
                % {"limit": limit.normalize(), "period": _PERIODS[period], "used": used.quantize(Decimal("0.01")).normalize()},
            )
        return None

    def check_quota_week(self, req: BookingRequest) -> Refusal | None:
        tz = timeutil.resource_zone(req.resource)
        return self._quota(
            req, req.resource.quota_hours_week, timeutil.week_bounds(req.start, tz), "quota_week", "week"
        )

    def check_quota_month(self, req: BookingRequest) -> Refusal | None:
        tz = timeutil.resource_zone(req.resource)
        local = req.start.astimezone(tz)
        return self._quota(
            req,
            req.resource.quota_hours_month,
            timeutil.month_bounds(local.year, local.month, tz),
            "quota_month",
            "month",
        )

    def free_units(self, req: BookingRequest) -> tuple[list[int], bool]:
        """The resource's units free for the request (buffer included), and whether a unit is taken by a booking
        that truly overlaps (rather than only by the buffer)."""
        taken: set[int] = set()
        strict = False
        for unit_no, start, booking_end in self.busy(req).units:
            taken.add(unit_no)
            if start < req.end and booking_end > req.start:
                strict = True
        return [n for n in range(1, req.resource.capacity + 1) if n not in taken], strict

    def check_availability(self, req: BookingRequest) -> Refusal | None:
        free, strict = self.free_units(req)
        if len(free) >= req.quantity:
            return None
        if req.resource.capacity > 1:
            return Refusal(
                "capacity",
                _("only %(free)s of %(capacity)s units are free then; you asked for %(quantity)s")
                % {"free": len(free), "capacity": req.resource.capacity, "quantity": req.quantity},
                conflict=True,
            )
        if strict:
            return Refusal("overlap", _("this slot is already booked"), conflict=True)
        return Refusal(
            "buffer",
            _("the resource needs %(n)s min between bookings") % {"n": req.resource.buffer_minutes},
            conflict=True,
        )

    def status_for(self, req: BookingRequest) -> str:
        """A new booking waits for approval when the resource says so, unless its managers book it."""
        if not req.resource.requires_approval:
            return Booking.Status.CONFIRMED
        actor = actor_for(req.user)
        if actor.is_admin or actor.role in (Role.OPERATOR, Role.PLATFORM_MANAGER):
            return Booking.Status.CONFIRMED
        return Booking.Status.PENDING

    # --- cancelling ---------------------------------------------------------------------------

    def check_cancel(self, booking: Booking, *, user: Any, now: dt.datetime, managing: bool) -> Refusal | None:
        if not booking.is_active or booking.status == Booking.Status.COMPLETED:
            return Refusal("not_active", _("this booking is %(status)s") % {"status": booking.get_status_display()}, "status")
        if booking.start <= now:
            return Refusal("started", _("a booking that has started can no longer be cancelled"))
        notice = booking.resource.cancel_notice_minutes
        if not managing and booking.start < now + dt.timedelta(minutes=notice):
            return Refusal("cancel_notice", _("cancel at least %(length)s before the start") % {"length": _fmt_minutes(notice)})
        return None


@lru_cache(maxsize=8)
def _load(path: str) -> BookingPolicy:
    cls = import_string(path)
    return cls()


def booking_policy() -> BookingPolicy:
    """The policy object in force (setting BIOPARK_BOOKING_POLICY, a dotted path to a class)."""
    return _load(getattr(settings, "BIOPARK_BOOKING_POLICY", DEFAULT_POLICY))


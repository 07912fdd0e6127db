"""Reads of the facilities app: resources, free slots across resources, calendars, statements and
utilisation. Each runs a fixed number of queries whatever the number of rows (no N+1)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet

from biopark.accounts import policy
from biopark.core import fastread
from biopark.core.fastread import Template, adapt, fetch
from biopark.core.roles import Role
from biopark.core.text import query_terms
from biopark.ecosystem.models import Organisation, Platform
from biopark.facilities import timeutil
from biopark.facilities.models import Booking, BookingUnit, Outage, Qualification, Resource, UsageRecord
from biopark.facilities.permissions import STATEMENT, booking_visible, managed_q
from biopark.facilities.policy import lookback
from biopark.pipeline.models import Project

Interval = timeutil.Interval


def resource_list(
    *, user: Any, platform_id: int | None = None, kind: str | None = None, q: str | None = None,
    park_id: int | None = None, active_only: bool = False,
) -> QuerySet[Resource]:
    if not policy.decide(user, policy.VIEW, Resource):
        return Resource.objects.none()
    qs = (
        Resource.objects.select_related("platform__park")
        .defer("description_zh", "description_en", "aliases", "search_text", "platform__description_zh",
               "platform__description_en", "platform__search_text", "platform__park__description_zh",
               "platform__park__description_en", "platform__park__search_text")
        .order_by("id")
    )
    if platform_id:
        qs = qs.filter(platform_id=platform_id)
    if kind:
        qs = qs.filter(Q(kind=kind) | Q(platform__kind=kind))
    if park_id:
        qs = qs.filter(platform__park_id=park_id)
    if active_only:
        qs = qs.filter(is_active=True)
    for term in query_terms(q or ""):
        qs = qs.filter(search_text__contains=term)
    return qs


AVAILABILITY_FIELDS = (
    "id", "name_zh", "name_en", "kind", "capacity", "buffer_minutes", "opening_hours", "min_minutes", "max_minutes",
    "longest_booking_minutes", "requires_qualification", "requires_approval", "price_member", "price_non_member",
    "price_unit", "price_note", "currency", "platform__id", "platform__name_zh", "platform__name_en",
    "platform__park__id", "platform__park__time_zone",
)


def for_availability(qs: QuerySet[Resource]) -> QuerySet[Resource]:
    """Only the columns a free-slot search needs (a search over a thousand resources builds a thousand rows)."""
    return qs.only(*AVAILABILITY_FIELDS)


def managed_resources(*, user: Any) -> QuerySet[Resource]:
    """Resources this user manages (for the manager pages)."""
    qs = Resource.objects.select_related("platform__park", "platform__operator").order_by("id")
    return qs.filter(managed_q(policy.actor_for(user)))


# --- free slots ---------------------------------------------------------------------------------


@dataclass
class Slot:
    start: dt.datetime
    end: dt.datetime
    free_units: int


@dataclass
class ResourceSlots:
    resource: Resource
    slots: list[Slot] = field(default_factory=list)

    @property
    def free_hours(self) -> float:
        return timeutil.hours((s.start, s.end) for s in self.slots)


def _free_segments(
    resource: Resource, window: list[Interval], busy: list[tuple[dt.datetime, dt.datetime, int]], min_minutes: int
) -> list[Slot]:
    """Segments of `window` where at least one unit is free, with how many; `busy` holds (start, end, units)."""
    capacity = resource.capacity
    events: list[tuple[dt.datetime, int]] = []
    for s, e, n in busy:
        events.append((s, n))
        events.append((e, -n))
    events.sort()
    slots: list[Slot] = []
    for ws, we in window:
        # occupancy at ws
        level = sum(n for s, e, n in busy if s <= ws < e)
        cursor = ws
        points = sorted({t for t, _ in events if ws < t < we})
        deltas: dict[dt.datetime, int] = defaultdict(int)
        for t, d in events:
            if ws < t < we:
                deltas[t] += d
        for t in [*points, we]:
            free = capacity - level
            if t > cursor and free > 0:
                if slots and slots[-1].end == cursor and slots[-1].free_units == free:
                    slots[-1].end = t
                else:
                    slots.append(Slot(cursor, t, free))
            if t in deltas:
                level += deltas[t]
            cursor = t
    minimum = dt.timedelta(minutes=min_minutes)
    return [s for s in slots if s.end - s.start >= minimum]


_UNIT_ACTIVE = BookingUnit._meta.get_field("active")
_UNIT_START = BookingUnit._meta.get_field("start")
_BUSY_FIELDS = [
    BookingUnit._meta.get_field("resource"), _UNIT_START, BookingUnit._meta.get_field("blocked_until"),
    BookingUnit._meta.get_field("unit_no"),  # stands for the 0/1 marker: a plain integer column
]
# Booked units (is_outage 0) and outages (1) in one round trip, written out: on the free-slot path of a single
# resource Django's compilation of the two queries cost more than running them. `_busy_orm` is the same
# through the ORM (BIOPARK_FASTREAD off).
_BUSY_SQL = Template(
    "SELECT {u.resource}, {u.start}, {u.blocked_until}, 0 FROM {u} "
    "WHERE {u.resource} IN ({ids}) AND {u.active} = %s AND {u.start} < %s AND {u.blocked_until} > %s "
    "AND {u.start} >= %s "
    "UNION ALL SELECT {o.resource}, {o.start}, {o.end}, 1 FROM {o} "
    "WHERE {o.resource} IN ({ids}) AND {o.start} < %s AND {o.end} > %s",
    u=BookingUnit, o=Outage,
)


def _busy_orm(
    ids: list[int], start: dt.datetime, end: dt.datetime, max_buffer: dt.timedelta, earliest: dt.datetime
) -> list[tuple[int, dt.datetime, dt.datetime, int]]:
    units = BookingUnit.objects.filter(
        resource_id__in=ids, active=True, start__lt=end + max_buffer, blocked_until__gt=start, start__gte=earliest
    ).values_list("resource_id", "start", "blocked_until")
    outages = Outage.objects.filter(resource_id__in=ids, start__lt=end, end__gt=start).values_list(
        "resource_id", "start", "end"
    )
    return [*((rid, s, e, 0) for rid, s, e in units), *((rid, s, e, 1) for rid, s, e in outages)]


def availability(
    *, resources: Iterable[Resource], start: dt.datetime, end: dt.datetime, min_minutes: int | None = None
) -> list[ResourceSlots]:
    """Free slots of each resource between start and end: opening hours minus outages minus booked units
    (their buffers included). Three queries for any number of resources."""
    resources = list(resources)
    ids = [r.pk for r in resources]
    max_buffer = dt.timedelta(minutes=max((r.buffer_minutes for r in resources), default=0))
    busy: dict[int, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)
    if ids:
        buffers = {r.pk: dt.timedelta(minutes=r.buffer_minutes) for r in resources}
        capacities = {r.pk: r.capacity for r in resources}
        earliest = start - max(lookback(r) for r in resources)
        if fastread.enabled():
            params = [
                *ids, adapt(_UNIT_ACTIVE, True), adapt(_UNIT_START, end + max_buffer), adapt(_UNIT_START, start),
                adapt(_UNIT_START, earliest), *ids, adapt(_UNIT_START, end), adapt(_UNIT_START, start),
            ]
            rows = fetch(_BUSY_SQL.sql(ids=", ".join(["%s"] * len(ids))), params, _BUSY_FIELDS)
        else:
            rows = _busy_orm(ids, start, end, max_buffer, earliest)
        for rid, s, e, is_outage in rows:
            if is_outage:
                busy[rid].append((s, e, capacities[rid]))
            else:
                busy[rid].append((s - buffers[rid], e, 1))
    out = []
    windows: dict[tuple[str, str], list[Interval]] = {}  # resources often share opening hours and zone
    for r in resources:
        tz = timeutil.resource_zone(r)
        key = (json.dumps(r.opening_hours, sort_keys=True), tz.key)
        if key not in windows:
            windows[key] = timeutil.opening_intervals(r.opening_hours, tz, start, end)
        window = windows[key]
        minimum = min_minutes or r.min_minutes
        if not busy[r.pk]:
            span = dt.timedelta(minutes=minimum)
            out.append(ResourceSlots(r, [Slot(s, e, r.capacity) for s, e in window if e - s >= span]))
            continue
        out.append(ResourceSlots(r, _free_segments(r, window, busy[r.pk], minimum)))
    return out


# --- bookings -----------------------------------------------------------------------------------


def bookings_visible(*, user: Any) -> QuerySet[Booking]:
    condition = booking_visible(policy.actor_for(user))
    if condition is None:
        return Booking.objects.none()
    return Booking.objects.filter(condition).select_related(
        "resource__platform__park", "organisation", "user", "outage"
    )


def booking_list(
    *, user: Any, start: dt.datetime | None = None, end: dt.datetime | None = None, resource_id: int | None = None,
    status: str | None = None, mine: bool = False, flagged: bool | None = None,
) -> QuerySet[Booking]:
    qs = bookings_visible(user=user)
    if start:
        qs = qs.filter(end__gt=start)
    if end:
        qs = qs.filter(start__lt=end)
    if resource_id:
        qs = qs.filter(resource_id=resource_id)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(user=user)
    if flagged is not None:
        qs = qs.filter(outage__isnull=not flagged)
    return qs.order_by("start", "id")


def qualifications_of(*, user: Any) -> QuerySet[Qualification]:
    return Qualification.objects.filter(user=user).select_related("resource__platform")


def bookable_projects(organisation_id: int | None) -> QuerySet[Project]:
    """The projects a booking for the organisation may name: the organisation's own. (The pipeline's
    `park`/`public` visibility lets others read a project; it does not share the project's work with them,
    and the pipeline has no per-organisation sharing, so no other organisation's project qualifies.)"""
    if organisation_id is None:
        return Project.objects.none()
    return Project.objects.filter(organisation_id=organisation_id).only("id", "name_zh", "name_en").order_by("id")


def project_bookings(*, user: Any, project: Project) -> QuerySet[Booking]:
    """The bookings made for a project that `user` may see (for a project page)."""
    condition = booking_visible(policy.actor_for(user))
    if condition is None:
        return Booking.objects.none()
    return (
        Booking.objects.filter(condition, project=project)
        .select_related("resource", "organisation")
        .order_by("-start", "-id")
    )


def project_booking_rows(user: Any, project: Project) -> list[tuple[Booking, dt.datetime, dt.datetime]]:
    """The project page's bookings panel (registered with biopark.pipeline.extensions): the latest hundred
    bookings made for the project that the user may see, with their local times (each resource's zone)."""
    rows = []
    for booking in project_bookings(user=user, project=project)[:100]:
        tz = timeutil.resource_zone(booking.resource)
        rows.append((booking, booking.start.astimezone(tz), booking.end.astimezone(tz)))
    return rows


# --- statements ---------------------------------------------------------------------------------


@dataclass
class StatementLine:
    date: dt.date
    resource: str
    platform: str
    project: str
    user: str
    start: dt.datetime
    end: dt.datetime
    quantity: int
    rate: str
    price_unit: str
    unit_price: Decimal
    billed_units: Decimal
    amount: Decimal
    currency: str

    @property
    def rate_label(self) -> str:
        return str(dict(UsageRecord.Rate.choices).get(self.rate, self.rate))

    @property
    def price_unit_label(self) -> str:
        return str(dict(Resource.PriceUnit.choices).get(self.price_unit, self.price_unit))


@dataclass
class Statement:
    organisation: Organisation
    year: int
    month: int
    lines: list[StatementLine]
    totals: dict[str, Decimal]  # by currency

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), Decimal("0.00"))


def statement(*, user: Any, organisation: Organisation, year: int, month: int, tz: Any) -> Statement:
    """An organisation's usage in a month (months read in `tz`) with line items and exact totals.
    Platform managers and operators see the lines of the resources they manage."""
    policy.require(user, STATEMENT, organisation)
    start, end = timeutil.month_bounds(year, month, tz)
    condition = policy.visible_filter(user, UsageRecord)
    rows = (
        UsageRecord.objects.filter(condition, organisation=organisation, start__gte=start, start__lt=end)
        .select_related("resource__platform", "user")
        .order_by("start", "id")
    )
    lines: list[StatementLine] = []
    totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for u in rows:
        lines.append(
            StatementLine(
                date=u.start.astimezone(tz).date(),
                resource=str(u.resource),
                platform=str(u.resource.platform),
                project=u.project,
                user=u.user.get_username() if u.user else "",
                start=u.start.astimezone(tz),
                end=u.end.astimezone(tz),
                quantity=u.quantity,
                rate=u.rate,
                price_unit=u.price_unit,
                unit_price=u.unit_price,
                billed_units=u.billed_units,
                amount=u.amount,
                currency=u.currency,
            )
        )
        totals[u.currency] += u.amount
    return Statement(organisation, year, month, lines, dict(totals))


# --- utilisation --------------------------------------------------------------------------------


@dataclass
class WeekUse:
    week_start: dt.date
    available_hours: float
    booked_hours: float

    @property
    def ratio(self) -> float:
        return self.booked_hours / self.available_hours if self.available_hours else 0.0


@dataclass
class ResourceUse:
    resource: Resource
    weeks: list[WeekUse]

    @property
    def available_hours(self) -> float:
        return sum(w.available_hours for w in self.weeks)

    @property
    def booked_hours(self) -> float:
        return sum(w.booked_hours for w in self.weeks)

    @property
    def ratio(self) -> float:
        return self.booked_hours / self.available_hours if self.available_hours else 0.0


def utilisation(*, resources: Iterable[Resource], first_week: dt.date, weeks: int, tz: Any) -> list[ResourceUse]:
    """Booked vs available unit-hours per resource per week (weeks start on Monday in `tz`). Available hours
    are opening hours minus outages, times capacity; booked hours are active bookings' hours times units."""
    resources = list(resources)
    monday = first_week - dt.timedelta(days=first_week.weekday())
    bounds = []
    for i in range(weeks):
        d = monday + dt.timedelta(days=7 * i)
        bounds.append(
            (d, dt.datetime.combine(d, dt.time(0), tzinfo=tz).astimezone(dt.UTC),
             dt.datetime.combine(d + dt.timedelta(days=7), dt.time(0), tzinfo=tz).astimezone(dt.UTC))
        )
    if not bounds:
        return []
    start, end = bounds[0][1], bounds[-1][2]
    ids = [r.pk for r in resources]
    booked: dict[int, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)
    back = max((lookback(r) for r in resources), default=dt.timedelta(0))
    for rid, s, e, q in Booking.objects.filter(
        resource_id__in=ids, status__in=Booking.ACTIVE, start__lt=end, end__gt=start, start__gte=start - back
    ).values_list("resource_id", "start", "end", "quantity"):
        booked[rid].append((s, e, q))
    outages: dict[int, list[Interval]] = defaultdict(list)
    for rid, s, e in Outage.objects.filter(resource_id__in=ids, start__lt=end, end__gt=start).values_list(
        "resource_id", "start", "end"
    ):
        outages[rid].append((s, e))
    out = []
    for r in resources:
        rtz = timeutil.resource_zone(r)
        rows = []
        for d, ws, we in bounds:
            open_ = timeutil.subtract(timeutil.opening_intervals(r.opening_hours, rtz, ws, we), outages[r.pk])
            available = timeutil.hours(open_) * r.capacity
            used = sum(
                max(0.0, (min(e, we) - max(s, ws)).total_seconds()) / 3600 * q for s, e, q in booked[r.pk]
            )
            rows.append(WeekUse(d, round(available, 2), round(used, 2)))
        out.append(ResourceUse(r, rows))
    return out


def platform_utilisation(uses: list[ResourceUse]) -> list[dict[str, Any]]:
    """Roll resource utilisation up to platforms."""
    by_platform: dict[int, dict[str, Any]] = {}
    for use in uses:
        p = use.resource.platform
        row = by_platform.setdefault(p.pk, {"platform": p, "available_hours": 0.0, "booked_hours": 0.0, "weeks": {}})
        row["available_hours"] += use.available_hours
        row["booked_hours"] += use.booked_hours
        for w in use.weeks:
            a, b = row["weeks"].get(w.week_start, (0.0, 0.0))
            row["weeks"][w.week_start] = (a + w.available_hours, b + w.booked_hours)
    rows = []
    for row in by_platform.values():
        row["ratio"] = row["booked_hours"] / row["available_hours"] if row["available_hours"] else 0.0
        row["weeks"] = [WeekUse(d, round(a, 2), round(b, 2)) for d, (a, b) in sorted(row["weeks"].items())]
        rows.append(row)
    return rows


def billed_organisations(*, user: Any) -> QuerySet[Organisation]:
    """Organisations with usage the user may see (for the statement page's picker)."""
    condition = booking_visible(policy.actor_for(user))
    if condition is None:
        return Organisation.objects.none()
    ids = UsageRecord.objects.filter(condition).values("organisation_id").distinct()
    return Organisation.objects.filter(pk__in=ids).order_by("id")


def managed_platforms(*, user: Any) -> QuerySet[Platform]:
    """The platforms whose resources this user manages (the choices of the resource form's platform)."""
    actor = policy.actor_for(user)
    qs = Platform.objects.order_by("name_zh", "id")
    if actor.is_admin:
        return qs
    if actor.role == Role.OPERATOR and actor.park_scope:
        return qs.filter(park_id__in=actor.park_scope)
    if actor.role == Role.PLATFORM_MANAGER and actor.organisation_id:
        return qs.filter(operator_id=actor.organisation_id)
    return qs.none()


def qualifications_managed(*, user: Any, resource_id: int | None = None) -> QuerySet[Qualification]:
    """The qualifications on the resources this user manages, soonest expiry first."""
    qs = Qualification.objects.filter(resource__in=managed_resources(user=user)).select_related(
        "user", "resource", "granted_by")
    if resource_id:
        qs = qs.filter(resource_id=resource_id)
    return qs.order_by(F("expires_on").asc(nulls_last=True), "id")


def outages_managed(*, user: Any, since: dt.datetime) -> QuerySet[Outage]:
    """Outages not over before `since` on the resources this user manages."""
    return (
        Outage.objects.filter(resource__in=managed_resources(user=user), end__gt=since)
        .select_related("resource").order_by("start", "id")
    )

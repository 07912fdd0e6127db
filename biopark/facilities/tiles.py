"""The facilities' home tiles: utilisation (this week for the operator, this month per resource for the
platform manager), current outages, bookings awaiting approval, today's and tomorrow's bookings, past
bookings without recorded usage, an enterprise's upcoming bookings and wait-list entries; and the
qualifications about to expire as an alert."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import DurationField, ExpressionWrapper, F, Sum, Value
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from biopark.core import tiles
from biopark.core.formatting import format_date, format_number, format_weekday_time
from biopark.core.policy import Actor
from biopark.core.roles import Role
from biopark.facilities import selectors, timeutil
from biopark.facilities.models import Booking, Outage, Qualification, Resource, WaitlistEntry
from biopark.facilities.policy import lookback

OPERATORS = frozenset({Role.OPERATOR.value, Role.ADMIN.value})
MANAGERS = frozenset({Role.PLATFORM_MANAGER.value})
MEMBERS = frozenset({Role.ENTERPRISE_MEMBER.value})
LIST_LENGTH = 5
# Resources a utilisation tile looks at (the utilisation page's own limit).
MAX_RESOURCES = 200
QUALIFICATION_WARNING = dt.timedelta(days=30)
# A utilisation tile is stale after a write to any of these (see biopark.core.tiles, Tile.reads).
USE_READS = frozenset(m._meta.label_lower for m in (Booking, Outage, Resource))


def _percent(booked: float, available: float) -> str:
    if available <= 0:
        return "—"
    return f"{format_number(round(100 * booked / available), get_language())}%"


def period_use(resources: Sequence[Resource], start: dt.datetime, end: dt.datetime) -> dict[int, tuple[float, float]]:
    """{resource id: (booked unit-hours, available unit-hours)} between start and end: available hours are
    opening hours minus outages times capacity, booked hours the active bookings' overlap times units (the
    rules of the utilisation page). Two queries."""
    ids = [r.pk for r in resources]
    back = max((lookback(r) for r in resources), default=dt.timedelta(0))
    booked: dict[int, float] = defaultdict(float)
    # The overlaps are summed by the database (a week holds thousands of bookings: reading each row's two
    # timestamps into Python cost most of the tile), grouped by quantity since a duration is not multiplied
    # portably.
    overlap = ExpressionWrapper(Least(F("end"), Value(end)) - Greatest(F("start"), Value(start)),
                                output_field=DurationField())
    for rid, q, total in (
        Booking.objects.filter(
            resource_id__in=ids, status__in=Booking.ACTIVE, start__lt=end, end__gt=start, start__gte=start - back
        ).order_by().values_list("resource_id", "quantity").annotate(total=Sum(overlap))
    ):
        if total is not None:
            booked[rid] += max(0.0, total.total_seconds()) / 3600 * q
    outages: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for rid, s, e in Outage.objects.filter(resource_id__in=ids, start__lt=end, end__gt=start).values_list(
        "resource_id", "start", "end"
    ).order_by():
        outages[rid].append((s, e))
    out = {}
    # Most resources of a park share their opening hours: each distinct week (hours, time zone) is laid out
    # once, not once per resource (200 resources cost the tile 40 ms of Python otherwise).
    schedules: dict[tuple[str, str], list[tuple[dt.datetime, dt.datetime]]] = {}
    for r in resources:
        tz = timeutil.resource_zone(r)
        shape = (json.dumps(r.opening_hours, sort_keys=True), tz.key)
        if shape not in schedules:
            schedules[shape] = timeutil.opening_intervals(r.opening_hours, tz, start, end)
        open_ = schedules[shape]
        if outages[r.pk]:
            open_ = timeutil.subtract(open_, outages[r.pk])
        out[r.pk] = (booked[r.pk], timeutil.hours(open_) * r.capacity)
    return out


# What the utilisation tiles read of a resource (its full row holds search columns and descriptions).
_USE_FIELDS = ("id", "name_zh", "name_en", "opening_hours", "capacity", "longest_booking_minutes", "max_minutes",
               "buffer_minutes", "platform_id", "platform__park_id", "platform__park__time_zone")


def _use_resources(actor: Actor) -> list[Resource]:
    return list(selectors.managed_resources(user=actor).select_related(None).select_related("platform__park")
                .only(*_USE_FIELDS)[:MAX_RESOURCES])


def _current_outages(resource_ids: Sequence[int], now: dt.datetime) -> list[Outage]:
    return list(Outage.objects.filter(resource_id__in=resource_ids, start__lte=now, end__gt=now)
                .select_related("resource").order_by("end", "id")[:LIST_LENGTH])


def _outage_item(o: Outage) -> tiles.TileItem:
    until = _("until %(time)s") % {"time": format_weekday_time(timezone.localtime(o.end), get_language())}
    return tiles.TileItem(label=o.resource.display_name, href=f"/facilities/resources/{o.resource_id}/",
                          detail=f"{o.get_kind_display()} · {until}", status="outage")


def week_use(actor: Actor) -> tiles.TileData:
    """The operator's facilities this week: booked against available hours, and what is out of service now."""
    resources = _use_resources(actor)
    now = timezone.now()
    start, end = timeutil.week_bounds(now, timeutil.zone(None))
    use = period_use(resources, start, end)
    booked = sum(b for b, _a in use.values())
    available = sum(a for _b, a in use.values())
    outages = _current_outages([r.pk for r in resources], now)
    return tiles.TileData(
        value=_percent(booked, available),
        value_label=_("of open hours booked this week"),
        href="/facilities/utilisation/",
        items=[_outage_item(o) for o in outages],
        empty_text=_("No resource is out of service now."),
        extra={"booked_hours": round(booked, 2), "available_hours": round(available, 2),
               "current_outages": len(outages)},
    )


def month_use(actor: Actor) -> tiles.TileData | None:
    resources = _use_resources(actor)
    if not resources:
        return None
    tz = timeutil.zone(None)
    today = timezone.now().astimezone(tz).date()
    start, end = timeutil.month_bounds(today.year, today.month, tz)
    use = period_use(resources, start, end)
    ranked = sorted(resources, key=lambda r: (-(use[r.pk][0] / use[r.pk][1]) if use[r.pk][1] else 0, r.pk))
    booked = sum(b for b, _a in use.values())
    available = sum(a for _b, a in use.values())
    return tiles.TileData(
        value=_percent(booked, available),
        value_label=_("of open hours booked this month"),
        href="/facilities/utilisation/",
        items=[tiles.TileItem(label=r.display_name, href=f"/facilities/resources/{r.pk}/",
                              detail=_percent(*use[r.pk])) for r in ranked[:LIST_LENGTH]],
        extra={"resources": {str(r.pk): [round(use[r.pk][0], 2), round(use[r.pk][1], 2)] for r in resources}},
    )


def _managed_bookings(actor: Actor):  # type: ignore[no-untyped-def]
    return selectors.bookings_visible(user=actor).filter(resource__in=selectors.managed_resources(user=actor))


def _booking_item(b: Booking) -> tiles.TileItem:
    when = format_weekday_time(timezone.localtime(b.start), get_language())
    return tiles.TileItem(label=f"{b.resource.display_name} · {b.organisation.display_name}",
                          href=f"/facilities/resources/{b.resource_id}/", detail=when, status=b.status)


def pending(actor: Actor) -> tiles.TileData:
    qs = _managed_bookings(actor).filter(status=Booking.Status.PENDING)
    return tiles.TileData(
        value=tiles.count_text(qs.count()), value_label=_("bookings awaiting approval"), href="/facilities/manage/",
        items=[_booking_item(b) for b in qs.order_by("start", "id")[:LIST_LENGTH]],
        empty_text=_("No booking is waiting for approval."),
    )


def today_tomorrow(actor: Actor) -> tiles.TileData:
    tz = timeutil.zone(None)
    today = timezone.now().astimezone(tz).date()
    start = dt.datetime.combine(today, dt.time(0), tzinfo=tz)
    end = start + dt.timedelta(days=2)
    qs = _managed_bookings(actor).filter(status__in=Booking.ACTIVE, start__lt=end, end__gt=start)
    return tiles.TileData(
        value=tiles.count_text(qs.count()), value_label=_("bookings today and tomorrow"),
        href=f"/facilities/calendar/?week={today.isoformat()}",
        items=[_booking_item(b) for b in qs.order_by("start", "id")[:LIST_LENGTH]],
        empty_text=_("No bookings today or tomorrow."),
    )


def unrecorded(actor: Actor) -> tiles.TileData:
    """Confirmed bookings that have ended without usage recorded (completing a booking records it)."""
    qs = _managed_bookings(actor).filter(status=Booking.Status.CONFIRMED, end__lte=timezone.now())
    return tiles.TileData(
        value=tiles.count_text(qs.count()), value_label=_("past bookings without recorded usage"),
        href="/facilities/manage/",
        items=[_booking_item(b) for b in qs.order_by("-end", "-id")[:LIST_LENGTH]],
        empty_text=_("Usage is recorded for every past booking."),
    )


def outages(actor: Actor) -> tiles.TileData:
    now = timezone.now()
    ids = list(selectors.managed_resources(user=actor).values_list("pk", flat=True)[:MAX_RESOURCES])
    current = _current_outages(ids, now)
    return tiles.TileData(
        value=tiles.count_text(len(current)), value_label=_("resources out of service now"), href="/facilities/",
        items=[_outage_item(o) for o in current], empty_text=_("No resource is out of service now."),
    )


def my_bookings(actor: Actor) -> tiles.TileData | None:
    if not actor.organisation_id:
        return None
    now = timezone.now()
    qs = selectors.bookings_visible(user=actor).filter(
        organisation_id=actor.organisation_id, status__in=Booking.ACTIVE, end__gt=now
    )
    items = [_booking_item(b) for b in qs.order_by("start", "id")[:LIST_LENGTH]]
    waiting = list(WaitlistEntry.objects.filter(organisation_id=actor.organisation_id, end__gt=now)
                   .select_related("resource").order_by("start", "id")[:LIST_LENGTH])
    lang = get_language()
    items += [tiles.TileItem(label=w.resource.display_name, href=f"/facilities/resources/{w.resource_id}/",
                             detail=_("wait list · %(time)s") % {"time": format_weekday_time(
                                 timezone.localtime(w.start), lang)}, status="waitlist") for w in waiting]
    return tiles.TileData(
        value=tiles.count_text(qs.count()), value_label=_("upcoming bookings"), href="/facilities/calendar/",
        items=items, empty_text=_("No upcoming bookings."), extra={"waitlist": len(waiting)},
    )


def expiring_qualifications(actor: Actor) -> list[tiles.TileItem]:
    today = timezone.localdate()
    n = Qualification.objects.filter(
        resource__in=selectors.managed_resources(user=actor),
        expires_on__gte=today, expires_on__lte=today + QUALIFICATION_WARNING,
    ).count()
    if not n:
        return []
    return [tiles.TileItem(
        label=_("%(n)s qualifications expire by %(day)s") % {
            "n": tiles.count_text(n), "day": format_date(today + QUALIFICATION_WARNING, get_language())},
        href="/facilities/manage/", status="expiring")]


def register() -> None:
    t, every = tiles.Tile, OPERATORS | MANAGERS
    tiles.register_tile(t("facilities.week", gettext_lazy("Facilities this week"), OPERATORS, week_use, order=40,
                          cache_seconds=60, reads=USE_READS))
    tiles.register_tile(t("facilities.pending", gettext_lazy("Bookings awaiting approval"), MANAGERS, pending,
                          order=10))
    tiles.register_tile(t("facilities.days", gettext_lazy("Today and tomorrow"), MANAGERS, today_tomorrow, order=20))
    tiles.register_tile(t("facilities.month", gettext_lazy("Utilisation this month"), MANAGERS, month_use, order=30,
                          cache_seconds=60, reads=USE_READS))
    tiles.register_tile(t("facilities.unrecorded", gettext_lazy("Usage to record"), MANAGERS, unrecorded, order=40))
    tiles.register_tile(t("facilities.outages", gettext_lazy("Outages"), MANAGERS, outages, order=50))
    tiles.register_tile(t("facilities.mine", gettext_lazy("My bookings"), MEMBERS, my_bookings, order=20))
    tiles.register_alert(tiles.AlertSource("facilities.qualifications", every, expiring_qualifications, order=30))

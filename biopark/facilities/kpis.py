"""KPIs the facilities answer live (registered with biopark.core.kpis in FacilitiesConfig.ready)."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from biopark.core.kpis import Scope, register_kpi
from biopark.facilities import timeutil
from biopark.facilities.models import Booking, Outage, Resource


def _resources(scope: Scope) -> QuerySet[Resource]:
    qs = Resource.objects.filter(platform__park_id__in=list(scope.park_ids)).select_related("platform__park")
    if scope.platform_id is not None:
        qs = qs.filter(platform_id=scope.platform_id)
    return qs


def bookings(scope: Scope) -> Decimal:
    return Decimal(Booking.objects.filter(
        resource__in=_resources(scope), status__in=Booking.ACTIVE, start__gte=scope.start_datetime(),
        start__lt=scope.end_datetime(),
    ).count())


def utilisation(scope: Scope) -> Decimal | None:
    """Booked unit-hours over open unit-hours (opening hours minus outages, times capacity), in percent."""
    start, end = scope.start_datetime(), scope.end_datetime()
    resources = list(_resources(scope))
    if not resources:
        return None
    ids = [r.pk for r in resources]
    booked: dict[int, float] = defaultdict(float)
    for rid, s, e, quantity in Booking.objects.filter(
        resource_id__in=ids, status__in=Booking.ACTIVE, start__lt=end, end__gt=start
    ).values_list("resource_id", "start", "end", "quantity"):
        booked[rid] += max(0.0, (min(e, end) - max(s, start)).total_seconds()) / 3600 * quantity
    outages: dict[int, list[tuple]] = defaultdict(list)
    for rid, s, e in Outage.objects.filter(resource_id__in=ids, start__lt=end, end__gt=start).values_list(
        "resource_id", "start", "end"
    ):
        outages[rid].append((s, e))
    available = 0.0
    for r in resources:
        open_ = timeutil.subtract(
            timeutil.opening_intervals(r.opening_hours, timeutil.resource_zone(r), start, end), outages[r.pk])
        available += timeutil.hours(open_) * r.capacity
    if not available:
        return None
    ratio = Decimal(str(sum(booked.values()))) * 100 / Decimal(str(available))
    return ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def register() -> None:
    register_kpi(
        "bookings", bookings, label=_("Bookings"),
        definition=_("Bookings (pending, confirmed or completed) of the resources of the park's platforms "
                     "starting within the period."),
        unit=_("bookings"),
    )
    register_kpi(
        "platform_utilisation", utilisation, label=_("Platform utilisation"),
        definition=_("Booked hours times units, over open hours (opening hours minus outages) times capacity, "
                     "of the resources of the park's platforms within the period, in percent."),
        unit="%",
    )

"""KPIs the service desk answers live (registered with biopark.core.kpis in ServicesConfig.ready)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg
from django.utils.translation import gettext_lazy as _

from biopark.core.kpis import Scope, register_kpi
from biopark.services.models import ServiceRequest


def _delivered(scope: Scope):  # type: ignore[no-untyped-def]
    return ServiceRequest.objects.filter(
        park_id__in=list(scope.park_ids), delivered_at__gte=scope.start_datetime(),
        delivered_at__lt=scope.end_datetime(),
    )


def requests_delivered(scope: Scope) -> Decimal:
    return Decimal(_delivered(scope).count())


def satisfaction(scope: Scope) -> Decimal | None:
    average = _delivered(scope).filter(rating__isnull=False).aggregate(avg=Avg("rating"))["avg"]
    if average is None:
        return None
    return Decimal(str(average)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def register() -> None:
    register_kpi(
        "service_requests_delivered", requests_delivered, label=_("Service requests delivered"),
        definition=_("Service requests of the park (or a zone below it) delivered within the period."),
        unit=_("requests"),
    )
    register_kpi(
        "service_satisfaction", satisfaction, label=_("Service satisfaction"),
        definition=_("The average rating (1 to 5) requesters gave the service requests delivered within the "
                     "period, to two decimals; no value when none was rated."),
        unit=_("points of 5"),
    )

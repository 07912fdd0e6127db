"""Reads of indicators and observations, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models

from biopark.accounts import policy
from biopark.core.params import MAX_ID
from biopark.ecosystem.models import Park
from biopark.metrics.models import Indicator, Observation, ObservationRequest, Target


def indicator_list(*, pillar: str | None = None) -> models.QuerySet[Indicator]:
    qs = Indicator.objects.all()
    if pillar:
        qs = qs.filter(pillar=pillar)
    return qs.order_by("pillar", "id")


def observation_list(*, user: Any, year: int | None = None, park_id: int | None = None,
                     indicator: str | None = None) -> models.QuerySet[Observation]:
    qs = Observation.objects.select_related("park", "indicator")
    qs = qs.filter(policy.visible_filter(user, Observation))
    if year is not None:
        qs = qs.filter(year=year)
    if park_id is not None:
        qs = qs.filter(park_id=park_id)
    if indicator:
        qs = qs.filter(indicator__key=indicator)
    return qs.order_by("year", "park_id", "indicator__key")


def observation_years() -> list[int]:
    return list(Observation.objects.order_by("-year").values_list("year", flat=True).distinct())


def observation_matrix(*, year: int, codes: Sequence[str], parent: Park | None = None,
                       ) -> tuple[list[Park], dict[tuple[int, str], float]]:
    """The parks directly under ``parent`` (top-level parks when None) with at least one observation of
    these indicators in ``year``, and their values keyed (park id, indicator code). Two queries."""
    qs = Observation.objects.filter(year=year, indicator__key__in=list(codes))
    qs = qs.filter(park__parent=parent) if parent is not None else qs.filter(park__parent__isnull=True)
    rows = list(qs.values_list("park_id", "indicator__key", "value"))
    values = {(pid, str(code)): float(value) for pid, code, value in rows}
    park_ids = sorted({pid for pid, _code, _v in rows})
    parks = list(Park.objects.filter(pk__in=park_ids).order_by("id"))
    return parks, values


# --- targets -----------------------------------------------------------------------------------------


def target_list(*, user: Any, park: str = "", year: int | None = None, park_ids: Iterable[int] | None = None,
                ) -> list[Target]:
    """The targets ``user`` may see; ``park``: part of the park's name (either language); ``year``: targets
    whose period covers it. One query (park, platform, indicator joined)."""
    qs = Target.objects.select_related("park", "platform", "indicator").filter(
        policy.visible_filter(user, Target))
    if park:
        qs = qs.filter(models.Q(park__name_zh__icontains=park) | models.Q(park__name_en__icontains=park))
    if year is not None:
        qs = qs.filter(start_year__lte=year, end_year__gte=year)
    if park_ids is not None:
        qs = qs.filter(park_id__in=list(park_ids))
    return list(qs.order_by("park__name_en", "park_id", "end_year", "id"))


def target_get(*, user: Any, pk: int) -> Target | None:
    if not 0 < pk <= MAX_ID:
        return None
    return (Target.objects.select_related("park", "platform", "indicator", "owner")
            .filter(policy.visible_filter(user, Target)).filter(pk=pk).first())


def target_parks(user: Any) -> list[Park]:
    """Parks the user may set targets for (every park for administrators, the operator's park tree)."""
    actor = policy.actor_for(user)
    qs = Park.objects.order_by("name_en", "id")
    if actor.is_admin:
        return list(qs)
    return list(qs.filter(pk__in=actor.park_scope)) if actor.park_scope else []


def request_list(*, user: Any) -> list[ObservationRequest]:
    return list(ObservationRequest.objects.select_related("park", "organisation", "indicator")
                .filter(policy.visible_filter(user, ObservationRequest)).order_by("status", "-year", "id"))

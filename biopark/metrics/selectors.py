"""Reads of indicators and observations, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models

from biopark.accounts import policy
from biopark.ecosystem.models import Park
from biopark.metrics.models import Indicator, Observation


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

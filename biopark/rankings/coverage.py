"""Data coverage of a park framework: for each park it ranks, which of the framework's indicators have a
value in a year and where each value comes from (the registry, or the source an observation names).

Reads only, in three queries. A park framework ranks the parks directly under its scope (the top-level parks
when it has none); a top-level group of fictional example parks is never counted among the real parks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language

from biopark.ecosystem.models import Park
from biopark.metrics.models import Indicator, Observation
from biopark.rankings.models import Framework, FrameworkVersion

SYNTHETIC_ROOT_KEY = "example-parks-synthetic"  # the demo's group of fictional parks (rankings.demo)


@dataclass
class Cell:
    value: float
    source: str
    computed: bool  # computed from the registry (not reported)


@dataclass
class ParkCoverage:
    park: Park
    cells: list[Cell | None]  # one per indicator, in the framework's order

    columns: list[IndicatorColumn] = field(default_factory=list)

    @property
    def pairs(self) -> list[tuple[IndicatorColumn, Cell | None]]:
        return list(zip(self.columns, self.cells, strict=True))

    @property
    def available(self) -> int:
        return sum(1 for c in self.cells if c is not None)


@dataclass
class IndicatorColumn:
    code: str
    name: str
    pillar: str
    computed: bool
    parks_with_data: int = 0
    pillar_name: str = ""


@dataclass
class Coverage:
    year: int
    indicators: list[IndicatorColumn]
    parks: list[ParkCoverage]

    @property
    def total(self) -> int:
        return len(self.indicators)

    def covered_codes(self) -> list[str]:
        return [c.code for c in self.indicators if c.parks_with_data]


def _zh() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def parks_ranked(framework: Framework) -> list[Park]:
    qs = Park.objects.filter(parent=framework.scope) if framework.scope_id else Park.objects.filter(
        parent__isnull=True)
    if not framework.synthetic:
        qs = qs.exclude(key=SYNTHETIC_ROOT_KEY)
    return list(qs.order_by("id"))


def coverage(*, framework: Framework, version: FrameworkVersion, year: int,
             names: dict[str, str] | None = None) -> Coverage:
    """Which indicator of ``version`` has a value for which park in ``year``, and from which source."""
    rows: list[dict[str, Any]] = [r for r in version.imeta if r.get("Type") == "Indicator"]
    codes = [str(r["iCode"]) for r in rows]
    parents = {str(r["iCode"]): str(r.get("Parent") or "") for r in rows}
    by_key = {i.key: i for i in Indicator.objects.filter(key__in=codes)}
    columns = []
    for code in codes:
        ind = by_key.get(code)
        name = ((ind.name_zh or ind.name_en) if _zh() else (ind.name_en or ind.name_zh)) if ind else code
        columns.append(IndicatorColumn(code, name, parents[code], bool(ind and ind.computation),
                                       pillar_name=(names or {}).get(parents[code], parents[code])))
    parks = parks_ranked(framework)
    found: dict[tuple[int, str], Cell] = {}
    observed = Observation.objects.filter(year=year, park__in=parks, indicator__key__in=codes).values_list(
        "park_id", "indicator__key", "value", "source", "indicator__computation")
    for park_id, key, value, source, computation in observed:
        found[(park_id, str(key))] = Cell(float(value), source, bool(computation))
    table = [ParkCoverage(p, [found.get((p.pk, c)) for c in codes], columns) for p in parks]
    for j, column in enumerate(columns):
        column.parks_with_data = sum(1 for row in table if row.cells[j] is not None)
    return Coverage(year, columns, table)

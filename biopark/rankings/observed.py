"""The park competitiveness framework on the real parks, from the data the platform has: indicators computed
from the registry (written as observations with the source "registry") and observations imported with their
sources. Nothing is invented: the framework is the default five-pillar framework restricted to the
indicators that have values which tell the parks apart in the year, and its coverage page shows, park by
park, which indicators have data and from which source. Pillars without such data have no single ranking.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from biopark.metrics.models import Indicator, Observation
from biopark.metrics.services import observations_compute, registry_counts
from biopark.rankings import coverage, defaults
from biopark.rankings.models import Framework, Run
from biopark.rankings.services import (
    framework_create,
    framework_ensure_default,
    framework_update,
    latest_version,
    run_create,
)

OBSERVED_KEY = "park-competitiveness-observed"


def observed_imeta(default: Framework, year: int) -> list[dict[str, Any]]:
    """The default framework's iMeta rows restricted to indicators whose values differ between the real
    parks in ``year`` (a constant indicator ranks no one), and to the pillars that keep an indicator."""
    version = latest_version(default)
    parks = coverage.parks_ranked(default)
    codes = [str(r["iCode"]) for r in version.imeta if r.get("Type") == "Indicator"]
    values: dict[str, set[float]] = {}
    rows = Observation.objects.filter(year=year, park__in=parks, indicator__key__in=codes)
    for code, value in rows.values_list("indicator__key", "value"):
        values.setdefault(str(code), set()).add(float(value))
    keep = {c for c, v in values.items() if len(v) > 1}
    indicators = [r for r in version.imeta if r.get("Type") == "Indicator" and r["iCode"] in keep]
    pillars = {str(r["Parent"]) for r in indicators}
    aggregates = [r for r in version.imeta if r.get("Type") == "Aggregate"
                  and (r["iCode"] in pillars or r["iCode"] == defaults.INDEX_CODE)]
    return [dict(r) for r in indicators + aggregates]


def _registry_changed(parks: list[Any], year: int) -> bool:
    """Do the stored registry observations of ``year`` differ from what the registry counts now? (Computing
    them again would otherwise record an update of every unchanged value.)"""
    stored = {(pid, str(key)): float(value) for pid, key, value in Observation.objects.filter(
        year=year, park__in=parks, indicator__computation__gt="").values_list("park_id", "indicator__key", "value")}
    for indicator in Indicator.objects.exclude(computation=""):
        for park_id, count in registry_counts(indicator, parks).items():
            if stored.get((park_id, str(indicator.key))) != float(count):
                return True
    return False


@transaction.atomic
def build_observed(*, actor: Any, year: int) -> Run | None:
    """Compute the registry indicators of the real top-level parks for ``year``, bring the observed framework
    up to date (a new version when the indicators with data changed) and build its run for the year.
    Returns None when no indicator tells the parks apart (nothing to rank)."""
    default = framework_ensure_default(actor=actor)
    parks = coverage.parks_ranked(default)
    if _registry_changed(parks, year):
        observations_compute(actor=actor, year=year, parks=parks)
    imeta = observed_imeta(default, year)
    if not any(r.get("Type") == "Indicator" for r in imeta):
        return None
    recipe = {**defaults.DEFAULT_RECIPE, "uncertainty": {**defaults.DEFAULT_RECIPE["uncertainty"],
                                                         "replications": 500},
              "sensitivity": {"replications": 100, "seed": 2, "bootstrap": 200}}
    framework = Framework.objects.filter(key=OBSERVED_KEY).first()
    if framework is None:
        framework = framework_create(
            actor=actor, key=OBSERVED_KEY, kind=Framework.Kind.PARK, owner_park=None,
            name_zh="生物医药园区竞争力指数（真实园区，仅有数据的指标）",
            name_en="Biomedical park competitiveness (real parks, indicators with data)",
            description_zh="默认五大支柱框架在真实园区上的计算，只使用平台有数据的指标：由名录计算的指标和带来源的观测值。"
                           "各园区的数据覆盖见“数据覆盖”页；没有数据的支柱不排名。",
            description_en="The default five-pillar framework on the real parks, using only the indicators the "
                           "platform has data for: computed from the registry, or observations with their sources. "
                           "See the data coverage page for each park; pillars without data are not ranked.",
            imeta=imeta, recipe=recipe, credit="BioPark registry and observations with their sources",
            note=f"indicators with data in {year}",
        )
    else:
        framework_update(actor=actor, framework=framework, imeta=imeta, recipe=recipe,
                         note=f"indicators with data in {year}")
    version = latest_version(framework)
    existing = Run.objects.filter(framework=framework, version=version, year=year, job_status="succeeded").first()
    if existing is not None:
        return existing
    return run_create(actor=actor, framework=framework, version=version, year=year,
                      label=f"{year} real parks / 真实园区")

"""Progress of a target: its latest value, the straight line from baseline to target, the pace needed for the
rest of the period and a status, with the rule that decides it (shown on the pages as ``STATUS_RULE``).

Values come live from the KPI registry (biopark.core.kpis) when the indicator names a registered KPI and the
platform holds the data, else from the observations entered for the target's park.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from biopark.accounts import policy
from biopark.core import kpis
from biopark.metrics.models import Indicator, Observation, Qualifier, Target

REACHED, ON_TRACK, BEHIND, NO_DATA = "reached", "on_track", "behind", "no_data"
STATUS_LABELS = {REACHED: _("reached"), ON_TRACK: _("on track"), BEHIND: _("behind"), NO_DATA: _("no value yet")}
# Order on lists and tiles: what needs attention first.
STATUS_ORDER = {BEHIND: 0, NO_DATA: 1, ON_TRACK: 2, REACHED: 3}
# "About" (约) counts as reached within this share of the target.
ABOUT_TOLERANCE = Decimal("0.05")

STATUS_RULE = _(
    "Reached: the latest value meets the target as its qualifier states it (over: above the target; at least and "
    "strive for: at or above it; about: within 5% of it or beyond; the other way round for indicators where "
    "lower is better). On track: not reached, but at or beyond the straight line from the baseline (at its "
    "date, or zero at the start of the period when there is none) to the target at the end of the last year, "
    "read at the date of the latest value. Behind: short of that line, or the period is over without reaching "
    "the target. Pace: what is still missing, divided by the years left in the period."
)


@dataclass(frozen=True)
class Point:
    on: dt.date
    value: Decimal
    live: bool = False
    synthetic: bool = False
    source: str = ""


@dataclass
class Progress:
    target: Target
    status: str
    latest: Decimal | None = None
    latest_on: dt.date | None = None
    live: bool = False
    expected: Decimal | None = None  # the straight line's value at latest_on
    pace_per_year: Decimal | None = None
    years_left: Decimal | None = None
    points: list[Point] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def share(self) -> Decimal | None:
        """Latest value as a share of the target, in percent."""
        if self.latest is None or not self.target.target_value:
            return None
        return (self.latest * 100 / self.target.target_value).quantize(Decimal("0.1"))


def period_start(target: Target) -> dt.date:
    return dt.date(target.start_year, 1, 1)


def period_end(target: Target) -> dt.date:
    return dt.date(target.end_year, 12, 31)


def scope_of(target: Target, *, until: dt.date) -> kpis.Scope:
    return kpis.Scope(park_ids=policy.park_subtree(target.park_id), start=period_start(target),
                      end=min(until, period_end(target)), platform_id=target.platform_id)


def is_reached(value: Decimal, target: Target) -> bool:
    goal = target.target_value
    lower_better = target.indicator.direction == Indicator.Direction.LOWER_BETTER
    if target.qualifier == Qualifier.ABOUT:
        margin = abs(goal) * ABOUT_TOLERANCE
        return value <= goal + margin if lower_better else value >= goal - margin
    if target.qualifier == Qualifier.OVER:
        return value < goal if lower_better else value > goal
    return value <= goal if lower_better else value >= goal


def expected_at(target: Target, on: dt.date) -> Decimal:
    """The straight line from the baseline to the target at the end of the period, read at ``on``."""
    start = target.baseline_on or period_start(target)
    base = target.baseline_value if target.baseline_value is not None else Decimal(0)
    end = period_end(target)
    span = (end - start).days
    if span <= 0 or on >= end:
        return target.target_value
    if on <= start:
        return base
    return base + (target.target_value - base) * Decimal((on - start).days) / Decimal(span)


def _live_value(target: Target, today: dt.date) -> Decimal | None:
    key = target.indicator.kpi_key
    if not key or today < period_start(target):
        return None
    return kpis.compute(key, scope_of(target, until=today))


def observations_by_target(targets: Iterable[Target]) -> dict[int, list[Observation]]:
    """The observations of each target's park and indicator, in one query."""
    targets = list(targets)
    pairs = {(t.park_id, t.indicator_id) for t in targets}
    found: dict[tuple[int, int], list[Observation]] = defaultdict(list)
    if pairs:
        rows = Observation.objects.filter(
            park_id__in={p for p, _i in pairs}, indicator_id__in={i for _p, i in pairs}
        ).order_by("year")
        for obs in rows:
            found[(obs.park_id, obs.indicator_id)].append(obs)
    return {t.pk: found.get((t.park_id, t.indicator_id), []) for t in targets}


def progress_of(target: Target, *, today: dt.date, observations: list[Observation] | None = None) -> Progress:
    if observations is None:
        observations = observations_by_target([target])[target.pk]
    points = [
        Point(on=dt.date(o.year, 12, 31), value=o.value, synthetic=o.synthetic, source=o.source)
        for o in observations if o.year <= target.end_year
    ]
    live = _live_value(target, today)
    if live is not None:
        points.append(Point(on=min(today, period_end(target)), value=live, live=True))
    points = [p for p in points if p.on <= max(today, period_end(target))]
    current = [p for p in points if p.on <= today] or points
    if not current:
        return Progress(target=target, status=NO_DATA, points=points)
    latest = max(current, key=lambda p: (p.on, p.live))
    progress = Progress(target=target, status=BEHIND, latest=latest.value, latest_on=latest.on, live=latest.live,
                        points=points)
    progress.expected = expected_at(target, latest.on)
    days_left = (period_end(target) - max(latest.on, today)).days
    progress.years_left = max(Decimal(days_left) / Decimal("365.25"), Decimal(0)).quantize(Decimal("0.1"))
    lower_better = target.indicator.direction == Indicator.Direction.LOWER_BETTER
    if is_reached(latest.value, target):
        progress.status = REACHED
        progress.pace_per_year = Decimal(0)
        return progress
    if days_left > 0:
        progress.pace_per_year = (target.target_value - latest.value) * Decimal("365.25") / Decimal(days_left)
        ahead = latest.value <= progress.expected if lower_better else latest.value >= progress.expected
        progress.status = ON_TRACK if ahead else BEHIND
    return progress


def progress_many(targets: Iterable[Target], *, today: dt.date) -> list[Progress]:
    targets = list(targets)
    observed = observations_by_target(targets)
    return [progress_of(t, today=today, observations=observed[t.pk]) for t in targets]

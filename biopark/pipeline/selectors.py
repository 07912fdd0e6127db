"""Reads of the pipeline: project lists, a project's page, and the park operator's portfolio statistics.
Every function runs a fixed number of queries whatever the number of projects."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biopark.accounts import policy
from biopark.core.errors import PermissionRefused, ValidationFailed
from biopark.core.text import query_terms
from biopark.ecosystem.models import STAGE_CODES, STAGES
from biopark.pipeline import rules
from biopark.pipeline.models import STAGE_LABELS, Indication, Modality, Project, StageEvent
from biopark.pipeline.stages import DISCONTINUED, HALTS, RANK, SUSPENDED

NONE = "none"


def no_development_months() -> int:
    return int(getattr(settings, "BIOPARK_NO_DEVELOPMENT_MONTHS", 24))


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    # The same day of the month, or the month's last day when it has fewer days.
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def stale_cutoff(today: dt.date | None = None) -> dt.date:
    return months_before(today or timezone.localdate(), no_development_months())


# "Changed stage recently": a stage event dated within this many days.
MOVED_DAYS = 90


def moved_since(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) - dt.timedelta(days=MOVED_DAYS)


def stale_q(cutoff: dt.date) -> Q:
    """Projects still in development whose last reported progress is older than the cutoff."""
    started = dt.datetime.combine(cutoff, dt.time.min, tzinfo=dt.UTC)
    return (Q(last_event_on__lt=cutoff) | Q(last_event_on__isnull=True, created_at__lt=started)) & ~Q(
        highest_stage__in=[DISCONTINUED, "market"]
    )


def is_stale(project: Project, cutoff: dt.date) -> bool:
    if project.highest_stage in (DISCONTINUED, "market"):
        return False
    if project.last_event_on is not None:
        return project.last_event_on < cutoff
    return project.created_at.date() < cutoff


def visible_projects(user: Any) -> QuerySet[Project]:
    actor = policy.actor_for(user)
    qs = Project.objects.all()
    condition = rules.visible_q(actor)
    return qs if condition is None else qs.filter(condition)


_FILTER_LABELS = {"park": gettext_lazy("park"), "organisation": gettext_lazy("organisation")}


def _int(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("%(field)s must be a number, got %(value)s") % {"field": _FILTER_LABELS.get(name, name), "value": repr(value)}, field=name) from exc


def scope_filter_q(*, park: Any = None, organisation: Any = None, modality: str | None = None) -> Q:
    """The park / organisation / modality filters as a Q on `park_id`, `organisation_id` and `modality`:
    columns of Project and (copied) of StageEvent, so the same filter selects a portfolio's projects and
    their events."""
    park_id, organisation_id = _int(park, "park"), _int(organisation, "organisation")
    q = Q()
    if park_id is not None:
        q &= Q(park_id__in=policy.park_subtree(park_id))
    if organisation_id is not None:
        q &= Q(organisation_id=organisation_id)
    if modality:
        if modality not in Modality.values:
            raise ValidationFailed(_("unknown modality %(value)s") % {"value": repr(modality)}, field="modality")
        q &= Q(modality=modality)
    return q


def filter_projects(
    qs: QuerySet[Project],
    *,
    park: Any = None,
    organisation: Any = None,
    modality: str | None = None,
    stage: str | None = None,
) -> QuerySet[Project]:
    qs = qs.filter(scope_filter_q(park=park, organisation=organisation, modality=modality))
    if stage:
        if stage == NONE:
            qs = qs.filter(highest_stage="")
        elif stage not in STAGE_LABELS:
            raise ValidationFailed(_("unknown stage %(value)s") % {"value": repr(stage)}, field="stage")
        else:
            qs = qs.filter(highest_stage=stage)
    return qs


def project_list(
    *,
    user: Any,
    q: str | None = None,
    park: Any = None,
    organisation: Any = None,
    modality: str | None = None,
    stage: str | None = None,
    stale: bool = False,
    moved: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Project]:
    qs = filter_projects(
        visible_projects(user), park=park, organisation=organisation, modality=modality, stage=stage
    )
    for term in query_terms(q or ""):
        qs = qs.filter(search_text__contains=term)
    if stale:
        qs = qs.filter(stale_q(stale_cutoff(today)))
    if moved:
        qs = qs.filter(last_event_on__gte=moved_since(today))
    return qs.select_related("organisation", "park").order_by("-id")


def project_detail(project_id: int) -> Project | None:
    return (
        Project.objects.select_related("organisation", "park")
        .prefetch_related(
            "team",
            "partners",
            Prefetch(
                "indications",
                queryset=Indication.objects.prefetch_related(
                    Prefetch(
                        "events",
                        queryset=StageEvent.objects.select_related("document").order_by("occurred_on", "id"),
                    )
                ),
            ),
        )
        .filter(pk=project_id)
        .first()
    )


def stage_history(project: Project) -> list[StageEvent]:
    return list(
        project.stage_events.select_related("indication", "document", "recorded_by").order_by(
            "occurred_on", "id"
        )
    )


# --- portfolio --------------------------------------------------------------------------------


@dataclass
class StageTime:
    stage: str
    label: str
    n: int
    median: float | None
    q1: float | None
    q3: float | None


@dataclass
class Transition:
    stage: str
    label: str
    entered: int
    advanced: int
    halted: int
    back: int
    pending: int
    rate: Decimal | None  # advanced / (those that left the stage), 4 decimals


@dataclass
class Portfolio:
    total: int
    funnel: list[dict[str, Any]]
    modalities: list[dict[str, Any]]
    areas: list[dict[str, Any]]
    stage_times: list[StageTime]
    transitions: list[Transition]
    no_development: int
    cutoff: dt.date
    filters: dict[str, Any] = field(default_factory=dict)


def quantile(counts: list[tuple[int, int]], q: float) -> float | None:
    """The q-quantile (linear interpolation between order statistics, as numpy's default and
    statistics.quantiles(method="inclusive")) of values given as sorted (value, count) pairs."""
    n = sum(c for _v, c in counts)
    if n == 0:
        return None
    pos = q * (n - 1)
    lo_index = int(pos)
    frac = pos - lo_index

    def at(index: int) -> int:
        seen = 0
        for value, count in counts:
            seen += count
            if index < seen:
                return value
        return counts[-1][0]

    low = at(lo_index)
    if frac == 0:
        return float(low)
    high = at(lo_index + 1)
    return low + (high - low) * frac


def portfolio_scope_q(user: Any) -> Q:
    """The parks whose projects the user's portfolio covers, as a Q on `park_id` (Project or StageEvent)."""
    actor = policy.actor_for(user)
    decision = rules.project_rule(actor, rules.PORTFOLIO, Project)
    if not decision:
        raise PermissionRefused(decision.reason)
    return Q() if actor.is_admin else Q(park_id__in=actor.park_scope)


def portfolio_scope(user: Any) -> QuerySet[Project]:
    return Project.objects.filter(portfolio_scope_q(user))


def portfolio(
    *,
    user: Any,
    park: Any = None,
    organisation: Any = None,
    modality: str | None = None,
    today: dt.date | None = None,
) -> Portfolio:
    """Funnel by highest stage, counts by modality and therapeutic area, time in stage and transition rates
    for the projects an operator's park holds (an administrator sees every park)."""
    scope = portfolio_scope_q(user) & scope_filter_q(park=park, organisation=organisation, modality=modality)
    qs = Project.objects.filter(scope)
    ids = qs.values("id")
    cutoff = stale_cutoff(today)

    # One grouped pass over the projects: counts by highest stage and by modality, and the stale ones.
    by_stage: dict[str, int] = defaultdict(int)
    modality_counts: dict[str, int] = defaultdict(int)
    no_development = 0
    for stage_code, modality_code, n, stale in (
        qs.order_by()
        .values_list("highest_stage", "modality")
        .annotate(n=Count("id"), stale=Count("id", filter=stale_q(cutoff)))
    ):
        by_stage[stage_code] += n
        modality_counts[modality_code] += n
        no_development += stale
    total = sum(by_stage.values())
    funnel = []
    reached = sum(by_stage.get(code, 0) for code in STAGE_CODES)
    for code, label in STAGES:
        funnel.append(
            {"stage": code, "label": str(label), "count": by_stage.get(code, 0), "reached": reached}
        )
        reached -= by_stage.get(code, 0)
    for code in HALTS:
        funnel.append(
            {"stage": code, "label": str(STAGE_LABELS[code]), "count": by_stage.get(code, 0), "reached": None}
        )
    funnel.append({"stage": NONE, "label": "—", "count": by_stage.get("", 0), "reached": None})

    modalities = [
        {"modality": code, "label": str(label), "count": modality_counts.get(code, 0)}
        for code, label in Modality.choices
    ]
    area_rows = (
        Indication.objects.filter(project__in=ids)
        .exclude(therapeutic_area="")
        .order_by()
        .values_list("therapeutic_area")
        .annotate(n=Count("project", distinct=True))
    )
    areas = sorted(({"area": a, "count": n} for a, n in area_rows), key=lambda r: (-r["count"], r["area"]))

    # One grouped pass over the events (the copied park/organisation/modality columns and the covering
    # indexes let it read the index alone): how long each stage lasted, and where each stage led.
    durations: dict[str, list[tuple[int, int]]] = defaultdict(list)
    moves: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    days_by_stage: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for stage, nxt, days, n in (
        StageEvent.objects.filter(scope, stage__in=STAGE_CODES)
        .order_by()
        .values_list("stage", "next_stage", "duration_days")
        .annotate(n=Count("*"))
    ):
        moves[stage][nxt] += n
        if days is not None:
            days_by_stage[stage][days] += n
    for stage, by_days in days_by_stage.items():
        durations[stage] = sorted(by_days.items())
    stage_times = []
    for code, label in STAGES:
        counts = durations.get(code, [])
        stage_times.append(
            StageTime(
                stage=code,
                label=str(label),
                n=sum(c for _v, c in counts),
                median=quantile(counts, 0.5),
                q1=quantile(counts, 0.25),
                q3=quantile(counts, 0.75),
            )
        )
    transitions = []
    for code, label in STAGES:
        row = moves.get(code, {})
        advanced = sum(n for s, n in row.items() if s in RANK and RANK[s] > RANK[code])
        back = sum(n for s, n in row.items() if s in RANK and RANK[s] < RANK[code])
        halted = sum(n for s, n in row.items() if s in (SUSPENDED, DISCONTINUED))
        pending = row.get("", 0)
        left = advanced + back + halted
        rate = (
            (Decimal(advanced) / Decimal(left)).quantize(Decimal("0.0001"), ROUND_HALF_UP) if left else None
        )
        transitions.append(
            Transition(
                code, str(label), advanced + back + halted + pending, advanced, halted, back, pending, rate
            )
        )
    return Portfolio(
        total=total,
        funnel=funnel,
        modalities=modalities,
        areas=areas,
        stage_times=stage_times,
        transitions=transitions,
        no_development=no_development,
        cutoff=cutoff,
        filters={"park": park, "organisation": organisation, "modality": modality},
    )

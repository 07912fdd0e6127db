"""Reads of investment promotion: the leads a person may see (list with filters, board by stage, one lead)
and the statistics (conversion, time in stage, won and lost by source and owner). Fixed numbers of queries,
whatever the number of leads."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.models import ChangeRecord
from biopark.core.text import query_terms
from biopark.ecosystem.models import Person
from biopark.promotion.models import Activity, Lead, Pipeline, Source, Stage, StageChange

# Cards shown per column; the rest are one click away in the list ("N more"). A board is for the next
# moves, not for reading every lead: 10 keeps a 10,000-lead board as quick to render as a 100-lead one.
CARDS_PER_COLUMN = 10


def pipelines(user: Any) -> list[Pipeline]:
    return list(Pipeline.objects.filter(policy.visible_filter(user, Pipeline)).prefetch_related("stages"))


def stages_of(pipeline: Pipeline) -> list[Stage]:
    return list(pipeline.stages.all())


def visible_leads(user: Any) -> QuerySet[Lead]:
    return Lead.objects.filter(policy.visible_filter(user, Lead))


@dataclass
class LeadFilters:
    pipeline: Pipeline | None = None
    stage: int | None = None
    owner: int | None = None
    source: str = ""
    park: str = ""  # part of the park's name
    q: str = ""
    due: bool = False  # next action due today or overdue


def lead_list(user: Any, filters: LeadFilters, *, today: dt.date | None = None) -> QuerySet[Lead]:
    qs = visible_leads(user)
    if filters.pipeline is not None:
        qs = qs.filter(pipeline=filters.pipeline)
    if filters.stage:
        qs = qs.filter(stage_id=filters.stage)
    if filters.owner:
        qs = qs.filter(owner_id=filters.owner)
    if filters.source:
        qs = qs.filter(source=filters.source)
    for term in query_terms(filters.park):
        qs = qs.filter(park__search_text__contains=term)
    for term in query_terms(filters.q):
        qs = qs.filter(Q(organisation__search_text__contains=term) | Q(project__icontains=term))
    if filters.due:
        qs = qs.filter(next_action_due__lte=today or timezone.localdate()).exclude(stage__outcome=Stage.Outcome.LOST)
    return qs.select_related("organisation", "park", "stage", "pipeline", "owner").order_by("-updated_at", "-id")


def is_overdue(lead: Lead, today: dt.date | None = None) -> bool:
    return (
        lead.next_action_due is not None
        and lead.next_action_due < (today or timezone.localdate())
        and lead.stage.outcome != Stage.Outcome.LOST
    )


def is_due(lead: Lead, today: dt.date | None = None) -> bool:
    return (
        lead.next_action_due is not None
        and lead.next_action_due <= (today or timezone.localdate())
        and lead.stage.outcome != Stage.Outcome.LOST
    )


@dataclass
class Column:
    stage: Stage
    count: int
    leads: list[Lead] = field(default_factory=list)
    # The stages a card of this column can move forward to (the board's buttons; other moves need a note).
    forward: list[Stage] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.leads)


# What a card shows: read with its organisation's names and its owner's, nothing else.
_CARD_FIELDS = ("id", "stage_id", "organisation__name_zh", "organisation__name_en", "project", "investment_amount",
                "investment_currency", "jobs", "space_m2", "owner__username", "owner__first_name",
                "owner__last_name", "next_action", "next_action_due", "synthetic")


def _first_ids(base: QuerySet[Lead], stages: list[Stage], per_column: int) -> list[tuple[int, int]]:
    """(id, stage id) of the `per_column` most recently changed leads of each stage, in stage order."""
    recent = [base.filter(stage_id=stage.pk).order_by("-updated_at", "-id").values_list("id", "stage_id")
              for stage in stages]
    if not recent:
        return []
    if connection.features.supports_slicing_ordering_in_compound:
        # One UNION ALL of LIMIT queries, each a few rows read from the index on (park, pipeline, stage,
        # recency): a fraction of a millisecond however many leads the stages hold.
        return list(recent[0][:per_column].union(*(qs[:per_column] for qs in recent[1:]), all=True))
    # A database that cannot limit the parts of a union (SQLite) numbers each lead within its stage instead.
    ranked = (base.order_by()
              .annotate(rank=Window(RowNumber(), partition_by=[F("stage_id")],
                                    order_by=[F("updated_at").desc(), F("id").desc()]))
              .filter(rank__lte=per_column).values_list("id", "stage_id", "rank"))
    position = {stage.pk: i for i, stage in enumerate(stages)}
    return [(pk, stage_id) for pk, stage_id, _rank in
            sorted(ranked, key=lambda row: (position.get(row[1], len(position)), row[2]))]


def board(user: Any, filters: LeadFilters, *, per_column: int = CARDS_PER_COLUMN) -> list[Column]:
    """One column per stage of the pipeline: how many leads it holds and the most recently changed ones.
    Three queries whatever the number of leads: the count per stage, the first `per_column` ids of each stage
    (`_first_ids`), and those cards with the few fields a card shows."""
    assert filters.pipeline is not None
    base = lead_list(user, LeadFilters(**{**filters.__dict__, "stage": None})).select_related(None)
    stages = stages_of(filters.pipeline)
    counts = dict(base.order_by().values_list("stage_id").annotate(n=Count("id")).values_list("stage_id", "n"))
    placed = _first_ids(base, [s for s in stages if counts.get(s.pk)], per_column)
    cards = Lead.objects.select_related("organisation", "owner").only(*_CARD_FIELDS).in_bulk(
        [pk for pk, _stage in placed])
    leads_of: dict[int, list[Lead]] = defaultdict(list)
    for pk, stage_id in placed:
        leads_of[stage_id].append(cards[pk])
    columns = []
    for stage in stages:
        leads = leads_of.get(stage.pk, [])
        for lead in leads:
            lead.stage = stage  # the column's stage: no join, no query per card
        forward = [] if stage.outcome == Stage.Outcome.LOST else [
            s for s in stages if s.position > stage.position and s.outcome != Stage.Outcome.LOST]
        columns.append(Column(stage=stage, count=counts.get(stage.pk, 0), leads=leads, forward=forward))
    return columns


def lead_detail(pk: int) -> Lead | None:
    return (
        Lead.objects.select_related(
            "organisation", "park", "stage", "pipeline", "owner", "source_event", "agreement"
        )
        .prefetch_related(
            Prefetch("activities", queryset=Activity.objects.select_related("by").prefetch_related("people")),
            Prefetch("stage_changes", queryset=StageChange.objects.select_related("from_stage", "to_stage", "by")),
            "documents",
        )
        .filter(pk=pk)
        .first()
    )


def owners(user: Any) -> list[Any]:
    """People who may own a lead the user sees: operators of the user's parks (all operators for an
    administrator) and administrators."""
    actor = policy.actor_for(user)
    qs = get_user_model().objects.filter(is_active=True)
    if actor.is_admin:
        qs = qs.filter(Q(profile__role="operator") | Q(profile__role="admin") | Q(is_superuser=True))
    else:
        qs = qs.filter(profile__role="operator", profile__park_id__in=actor.park_scope)
    return list(qs.order_by("username").distinct()[:500])


def due_leads(user: Any, *, today: dt.date | None = None, limit: int = 5) -> tuple[int, list[Lead]]:
    """Leads whose next action is due today or overdue (for the home tile): how many, and the oldest few."""
    qs = lead_list(user, LeadFilters(due=True), today=today).order_by("next_action_due", "id")
    return qs.count(), list(qs[:limit])


# --- statistics ------------------------------------------------------------------------------------


@dataclass
class StageStat:
    stage: Stage
    reached: int
    advanced: int  # of those, how many reached a later (open or won) stage
    conversion: Decimal | None  # advanced / reached, in per cent
    stays: int  # finished stays in this stage
    median_days: Decimal | None
    current: int


@dataclass
class Outcomes:
    label: str
    open: int = 0
    won: int = 0
    lost: int = 0

    @property
    def total(self) -> int:
        return self.open + self.won + self.lost

    @property
    def win_rate(self) -> Decimal | None:
        closed = self.won + self.lost
        return _percent(self.won, closed)


@dataclass
class Statistics:
    pipeline: Pipeline
    leads: int
    stages: list[StageStat]
    by_source: list[Outcomes]
    by_owner: list[Outcomes]


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _days(seconds: list[float]) -> Decimal | None:
    if not seconds:
        return None
    return (Decimal(str(statistics.median(seconds))) / Decimal(86400)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def pipeline_statistics(user: Any, pipeline: Pipeline) -> Statistics:
    """Conversion between stages (of the leads that reached a stage, how many reached a later one), the
    median finished stay in each stage, and open/won/lost by source and by owner. Three queries."""
    stages = stages_of(pipeline)
    by_id = {s.pk: s for s in stages}
    leads = list(
        visible_leads(user).filter(pipeline=pipeline).order_by()
        .values_list("id", "stage_id", "source", "owner_id", "owner__username", "owner__first_name", "owner__last_name")
    )
    lead_ids = {row[0] for row in leads}
    changes = (
        StageChange.objects.filter(lead__in=visible_leads(user).filter(pipeline=pipeline))
        .order_by("lead_id", "at", "id").values_list("lead_id", "to_stage_id", "at")
    )
    furthest: dict[int, int] = {}
    stays: dict[int, list[float]] = defaultdict(list)
    previous: tuple[int, int, dt.datetime] | None = None
    for lead_id, stage_id, at in changes:
        if lead_id not in lead_ids:
            continue
        stage = by_id.get(stage_id)
        if stage is not None and stage.outcome != Stage.Outcome.LOST:
            furthest[lead_id] = max(furthest.get(lead_id, 0), stage.position)
        if previous is not None and previous[0] == lead_id:
            stays[previous[1]].append((at - previous[2]).total_seconds())
        previous = (lead_id, stage_id, at)
    current: dict[int, int] = defaultdict(int)
    for _lead, stage_id, *_rest in leads:
        current[stage_id] += 1
    progress = [s for s in stages if s.outcome != Stage.Outcome.LOST]
    stage_stats = []
    for index, stage in enumerate(progress):
        reached = sum(1 for top in furthest.values() if top >= stage.position)
        later = progress[index + 1].position if index + 1 < len(progress) else None
        advanced = sum(1 for top in furthest.values() if later is not None and top >= later)
        stage_stats.append(StageStat(
            stage=stage, reached=reached, advanced=advanced,
            conversion=_percent(advanced, reached) if later is not None else None,
            stays=len(stays[stage.pk]), median_days=_days(stays[stage.pk]), current=current[stage.pk],
        ))
    for stage in stages:
        if stage.outcome == Stage.Outcome.LOST:
            stage_stats.append(StageStat(stage=stage, reached=current[stage.pk], advanced=0, conversion=None,
                                         stays=len(stays[stage.pk]), median_days=_days(stays[stage.pk]),
                                         current=current[stage.pk]))
    source_labels = dict(Source.choices)
    sources: dict[str, Outcomes] = {code: Outcomes(str(label)) for code, label in Source.choices}
    owners_: dict[Any, Outcomes] = {}
    for _lead, stage_id, source, owner_id, username, first, last in leads:
        outcome = by_id[stage_id].outcome if stage_id in by_id else Stage.Outcome.OPEN
        name = (f"{first} {last}".strip() or username) if owner_id else _("no owner")
        bucket_source = sources.setdefault(source, Outcomes(str(source_labels.get(source, source))))
        bucket_owner = owners_.setdefault(owner_id, Outcomes(name))
        for bucket in (bucket_source, bucket_owner):
            setattr(bucket, str(outcome), getattr(bucket, str(outcome)) + 1)
    return Statistics(
        pipeline=pipeline,
        leads=len(leads),
        stages=stage_stats,
        by_source=[o for o in sources.values() if o.total],
        by_owner=sorted(owners_.values(), key=lambda o: (-o.total, o.label)),
    )


def history(lead: Lead, limit: int = 100) -> list[ChangeRecord]:
    """The lead's change history, newest first."""
    ct = ContentType.objects.get_for_model(Lead)
    return list(ChangeRecord.objects.filter(content_type=ct, object_id=lead.pk).order_by("-at", "-id")[:limit])


def people_for(lead: Lead, limit: int = 300) -> list[Person]:
    """People to pick for an activity: those holding a position at the lead's organisation first."""
    own = list(Person.objects.filter(positions__organisation_id=lead.organisation_id).distinct().order_by("id"))
    others = list(Person.objects.exclude(pk__in=[p.pk for p in own]).order_by("id")[: max(limit - len(own), 0)])
    return own + others

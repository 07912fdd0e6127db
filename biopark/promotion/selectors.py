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
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
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


# What a row of the list shows (`cards.list_rows`): the leads with the few columns of each join it reads.
_ROW_FIELDS = ("id", "project", "investment_amount", "investment_currency", "source", "next_action",
               "next_action_due", "synthetic", "updated_at", "organisation__name_zh", "organisation__name_en",
               "stage__name_zh", "stage__name_en", "stage__outcome", "park__name_zh", "park__name_en",
               "owner__username", "owner__first_name", "owner__last_name")


def lead_page(user: Any, filters: LeadFilters, number: int | None, per_page: int = 50) -> Page:
    """One page of `lead_list`, reading only what the list's rows show. The page's ids are found first (the
    filter and order alone, from the index on park and recency) and only those 50 leads are joined to their
    organisation, stage, park and owner: a deep page (OFFSET 7,500) no longer joins the 7,500 rows it skips."""
    page = Paginator(lead_list(user, filters).values_list("id", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    rows = (Lead.objects.filter(pk__in=ids).select_related("organisation", "park", "stage", "owner")
            .only(*_ROW_FIELDS).in_bulk(ids))
    return Page([rows[pk] for pk in ids if pk in rows], page.number, page.paginator)


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


@dataclass(frozen=True, slots=True)
class Card:
    """What a board card shows of a lead: the few fields read for it, no model instance."""

    id: int
    stage: Stage
    name_zh: str
    name_en: str
    project: str
    investment_amount: Decimal | None
    investment_currency: str
    jobs: int | None
    space_m2: int | None
    owner_id: int | None
    owner_name: str  # what `user.get_full_name() or user.get_username()` gives
    next_action: str
    next_action_due: dt.date | None
    synthetic: bool

    @property
    def pk(self) -> int:
        return self.id


@dataclass
class Column:
    stage: Stage
    count: int
    leads: list[Card] = field(default_factory=list)
    # The stages a card of this column can move forward to (the board's buttons; other moves need a note).
    forward: list[Stage] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.leads)


_CARD_FIELDS = ("id", "stage_id", "organisation__name_zh", "organisation__name_en", "project", "investment_amount",
                "investment_currency", "jobs", "space_m2", "owner_id", "owner__username", "owner__first_name",
                "owner__last_name", "next_action", "next_action_due", "synthetic")


def _first_ids(base: QuerySet[Lead], stages: list[Stage], per_column: int) -> list[int]:
    """Ids of the `per_column` most recently changed leads of each stage, in stage order.

    The filtered set of leads is compiled once by the ORM; the statement wraps it per stage in a LIMIT query
    and joins the parts with UNION ALL. PostgreSQL flattens each part into a read of a few rows from the index
    on (park, pipeline, stage, recency), so this costs a fraction of a millisecond however many leads the
    stages hold, where numbering every lead with a window function read them all; and compiling one queryset
    instead of one per stage saves the ORM's time. SQLite runs the same statement."""
    if not stages:
        return []
    sql, params = base.order_by().values("id", "stage_id", "updated_at").query.sql_with_params()
    part = (f"SELECT * FROM (SELECT b.id, b.stage_id, b.updated_at FROM ({sql}) b WHERE b.stage_id = %s "
            "ORDER BY b.updated_at DESC, b.id DESC LIMIT %s) p{}")
    statement = " UNION ALL ".join(part.format(i) for i in range(len(stages)))
    with connection.cursor() as cursor:
        cursor.execute(statement, [v for stage in stages for v in (*params, stage.pk, per_column)])
        rows = cursor.fetchall()
    position = {stage.pk: i for i, stage in enumerate(stages)}
    # Newest first within a stage: sort on the timestamp descending and the id descending (a stable sort).
    rows.sort(key=lambda row: row[0], reverse=True)
    rows.sort(key=lambda row: row[2], reverse=True)
    rows.sort(key=lambda row: position[row[1]])
    return [row[0] for row in rows]


def _cards(ids: list[int], stage_of: dict[int, Stage]) -> dict[int, Card]:
    rows = Lead.objects.filter(pk__in=ids).order_by().values_list(*_CARD_FIELDS)
    cards = {}
    for (pk, stage_id, name_zh, name_en, project, amount, currency, jobs, space, owner_id, username, first, last,
         action, due, synthetic) in rows:
        cards[pk] = Card(pk, stage_of[stage_id], name_zh, name_en, project, amount, currency, jobs, space, owner_id,
                         f"{first} {last}".strip() or username or "", action, due, synthetic)
    return cards


def board(user: Any, filters: LeadFilters, *, per_column: int = CARDS_PER_COLUMN) -> list[Column]:
    """One column per stage of the pipeline: how many leads it holds and the most recently changed ones.
    Three queries whatever the number of leads: the count per stage, the first `per_column` ids of each stage
    (`_first_ids`), and the fields those cards show."""
    assert filters.pipeline is not None
    base = lead_list(user, LeadFilters(**{**filters.__dict__, "stage": None})).select_related(None)
    stages = stages_of(filters.pipeline)
    counts = dict(base.order_by().values_list("stage_id").annotate(n=Count("id")).values_list("stage_id", "n"))
    ids = _first_ids(base, [s for s in stages if counts.get(s.pk)], per_column)
    cards = _cards(ids, {s.pk: s for s in stages})
    leads_of: dict[int, list[Card]] = defaultdict(list)
    for pk in ids:
        leads_of[cards[pk].stage.pk].append(cards[pk])
    columns = []
    for stage in stages:
        forward = [] if stage.outcome == Stage.Outcome.LOST else [
            s for s in stages if s.position > stage.position and s.outcome != Stage.Outcome.LOST]
        columns.append(Column(stage=stage, count=counts.get(stage.pk, 0), leads=leads_of.get(stage.pk, []),
                              forward=forward))
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

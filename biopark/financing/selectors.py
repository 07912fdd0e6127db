"""Reads of the financing app: matches (ranked, explained, filtered by the policy), boards and lists.

Matching reads every active mandate and every open financing need through a per-process cache of numpy arrays
(`biopark.financing.matrix`), rebuilt when a stamp query (row count, last change) says the rows changed; each
request then scores all rows in memory, keeps those the reader may see and explains the best ones. The stamp
query itself (an aggregate over every open need and its project) costs more than the scoring, so a process
asks it at most every `BIOPARK_MATCHING_REFRESH_MS` (2 s): matches may lag a change made through another
server process by that long; a change made through this app's services in this process is seen at once.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.deals.models import Event
from biopark.ecosystem.models import Organisation
from biopark.financing import matrix
from biopark.financing.matching import MandateFacts, Match, NeedFacts, match
from biopark.financing.models import (
    FinancingNeed,
    Interest,
    InterestState,
    Introduction,
    InvestorNote,
    Mandate,
    Notification,
    Roadshow,
    RoadshowApplication,
    RoadshowFeedback,
)
from biopark.financing.rules import MANDATE_READERS, VISIBILITY_CODES, is_investor, need_visible_mask
from biopark.pipeline.models import Project

# --- facts -------------------------------------------------------------------------------------------------

_MANDATE_COLUMNS = ("id", "organisation_id", "stages", "modalities", "therapeutic_areas", "rounds", "regions",
                    "ticket_min", "ticket_max", "currency")
_NEED_COLUMNS = ("id", "project_id", "round", "amount", "currency", "visibility", "project__organisation_id",
                 "project__park_id", "project__highest_stage", "project__modality",
                 "project__therapeutic_areas", "project__park__city_zh", "project__park__city_en",
                 "project__park__province_zh", "project__park__province_en", "project__park__country",
                 "project__organisation__city_zh", "project__organisation__city_en",
                 "project__organisation__country")


def _mandate_fact(row: tuple[Any, ...]) -> MandateFacts:
    (pk, org, stages, modalities, areas, rounds, regions, low, high, currency) = row
    return MandateFacts(id=pk, organisation_id=org, stages=frozenset(stages or ()),
                        modalities=frozenset(modalities or ()), areas=frozenset(areas or ()),
                        rounds=frozenset(rounds or ()), regions=tuple(regions or ()), ticket_min=low, ticket_max=high,
                        currency=currency)


def _need_fact(row: tuple[Any, ...]) -> NeedFacts:
    (pk, project, round_, amount, currency, _visibility, _org, _park, stage, modality, areas, *places) = row
    return NeedFacts(project_id=project, need_id=pk, stage=stage or "", modality=modality or "",
                     areas=frozenset(areas or ()), round=round_, amount=amount, currency=currency,
                     places=tuple(p for p in places if p))


def mandate_facts(qs: QuerySet[Mandate]) -> list[MandateFacts]:
    return [_mandate_fact(row) for row in qs.values_list(*_MANDATE_COLUMNS)]


def project_facts(project: Project, needs: list[FinancingNeed]) -> NeedFacts:
    """The project's facts with the latest open one of `needs` (the needs its reader may see; without one, round
    and amount stay empty). `project` comes with its park and organisation loaded."""
    open_ = [n for n in needs if n.open]
    need = max(open_, key=lambda n: (n.created_at, n.pk)) if open_ else None
    park, org = project.park, project.organisation
    places = [getattr(park, f, "") for f in ("city_zh", "city_en", "province_zh", "province_en", "country")] if park \
        else []
    places += [org.city_zh, org.city_en, org.country]
    return NeedFacts(project_id=project.pk, need_id=need.pk if need else None, stage=project.highest_stage,
                     modality=project.modality, areas=frozenset(project.therapeutic_areas or ()),
                     round=need.round if need else "", amount=need.amount if need else None,
                     currency=need.currency if need else "", places=tuple(p for p in places if p))


def open_needs() -> QuerySet[FinancingNeed]:
    return FinancingNeed.objects.filter(open=True)


# --- the cached arrays -------------------------------------------------------------------------------------


@dataclass
class _Cached:
    stamp: tuple[Any, ...] | None = None
    value: Any = None
    checked: float = float("-inf")
    as_of: dt.datetime | None = None  # when the stamp last said the arrays match the rows


def invalidate() -> None:
    """Make the next read check the stamps (called by this app's services after a write)."""
    _mandates.checked = _needs.checked = float("-inf")


def _current(cache: _Cached, stamp_of: Callable[[], tuple[Any, ...]], build: Callable[[], Any]) -> Any:
    now = time.monotonic()
    if cache.value is not None and (now - cache.checked) * 1000 < settings.BIOPARK_MATCHING_REFRESH_MS:
        return cache.value
    as_of = timezone.now()
    stamp = stamp_of()
    with _lock:
        if cache.stamp != stamp or cache.value is None:
            cache.value = build()
            cache.stamp = stamp
        cache.checked, cache.as_of = now, as_of
        return cache.value


def matches_as_of(*, investors: bool) -> dt.datetime | None:
    """The moment the cached rows a ranking reads (the mandates when ranking investors, the needs when ranking
    projects) were last known to match the database: the ranking reflects every change made before it."""
    return (_mandates if investors else _needs).as_of


_lock = threading.Lock()
_mandates = _Cached()
_needs = _Cached()


def _mandate_stamp() -> tuple[Any, ...]:
    s = Mandate.objects.filter(active=True).aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    return (s["n"], s["last"], s["top"])


def _need_stamp() -> tuple[Any, ...]:
    s = open_needs().aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"),
                               changed=Max("project__updated_at"), moved=Max("project__last_event_on"))
    return (s["n"], s["last"], s["top"], s["changed"], s["moved"])


def mandate_matrix() -> matrix.MandateMatrix:
    return _current(_mandates, _mandate_stamp, lambda: matrix.MandateMatrix(
        mandate_facts(Mandate.objects.filter(active=True).order_by("id"))))


@dataclass
class NeedIndex:
    """Every open need as arrays: the matching's matrix plus what the visibility mask reads."""

    arrays: matrix.NeedMatrix
    need_ids: np.ndarray
    visibility: np.ndarray
    organisation_ids: np.ndarray
    park_ids: np.ndarray


def _build_need_index() -> NeedIndex:
    rows = list(open_needs().order_by("id").values_list(*_NEED_COLUMNS))
    return NeedIndex(
        arrays=matrix.NeedMatrix([_need_fact(r) for r in rows]),
        need_ids=np.array([r[0] for r in rows], dtype=np.int64),
        visibility=np.array([VISIBILITY_CODES.get(r[5], -1) for r in rows], dtype=np.int8),
        organisation_ids=np.array([r[6] for r in rows], dtype=np.int64),
        park_ids=np.array([r[7] or 0 for r in rows], dtype=np.int64),
    )


def need_index() -> NeedIndex:
    return _current(_needs, _need_stamp, _build_need_index)


# --- matches -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvestorMatch:
    organisation: Organisation
    match: Match


@dataclass(frozen=True)
class ProjectMatch:
    project: Project
    need: FinancingNeed | None
    match: Match


def may_rank_investors(user: Any) -> bool:
    actor = policy.actor_for(user)
    return actor.is_admin or actor.role in MANDATE_READERS


def investors_for_project(user: Any, project: Project, needs: list[FinancingNeed], limit: int = 20
                          ) -> list[InvestorMatch]:
    """Investor organisations ranked for a project (each by its best mandate), with the reasons. Only mandates
    the reader may see count; the caller has checked that the reader may see the project and passes the
    project's financing needs the reader may see (`project_for`)."""
    actor = policy.actor_for(user)
    if not (actor.is_admin or actor.role in MANDATE_READERS or is_investor(actor)):
        return []
    facts = project_facts(project, needs)
    arrays = mandate_matrix()
    if not len(arrays):
        return []
    scores = arrays.score_need(facts)
    mask = arrays.orgs == actor.organisation_id if is_investor(actor) and not actor.is_admin else None
    rows = matrix.best_per_group(scores, arrays.ids, arrays.orgs, limit, mask=mask)
    chosen = [arrays.facts[i] for i in rows]
    orgs = Organisation.objects.in_bulk([m.organisation_id for m in chosen])
    return [InvestorMatch(orgs[m.organisation_id], match(m, facts)) for m in chosen if m.organisation_id in orgs]


def projects_for_investor(user: Any, organisation_id: int, limit: int = 20,
                          since: dt.datetime | None = None) -> list[ProjectMatch]:
    """Projects with an open financing need the reader may see, ranked for the investor's active mandates the
    reader may see (each need by the mandate that fits it best), with the reasons; `since` keeps needs published
    after it. No mandate: no match."""
    mandates = mandate_facts(Mandate.objects.filter(policy.visible_filter(user, Mandate), active=True,
                                                    organisation_id=organisation_id).order_by("id"))
    if not mandates:
        return []
    index = need_index()
    arrays, need_ids = index.arrays, index.need_ids
    if not len(arrays):
        return []
    per_mandate = np.vstack([arrays.score_mandate(m) for m in mandates])
    best_mandate = per_mandate.argmax(axis=0)
    scores = per_mandate.max(axis=0)
    mask = need_visible_mask(policy.actor_for(user), index.visibility, index.organisation_ids, index.park_ids)
    if since is not None:
        recent = open_needs().filter(created_at__gte=since).values_list("id", flat=True)
        mask &= np.isin(need_ids, np.fromiter(recent, dtype=np.int64))
    rows = matrix.best_per_group(scores, need_ids, arrays.project_ids, limit, mask=mask)
    explained = [(arrays.facts[i], mandates[best_mandate[i]]) for i in rows]
    needs = FinancingNeed.objects.select_related("project__organisation", "project__park").in_bulk(
        [n.need_id for n, _m in explained])
    return [ProjectMatch(needs[n.need_id].project, needs[n.need_id], match(m, n)) for n, m in explained
            if n.need_id in needs]


# --- the investor's workspace ------------------------------------------------------------------------------


def investor_organisation(user: Any) -> Organisation | None:
    actor = policy.actor_for(user)
    if not is_investor(actor) or actor.organisation_id is None:
        return None
    return Organisation.objects.filter(pk=actor.organisation_id).first()


def interest_board(user: Any, organisation: Organisation) -> list[tuple[str, str, list[Interest]]]:
    """The organisation's interests by state, in the order of the states."""
    qs = (Interest.objects.filter(policy.visible_filter(user, Interest), investor=organisation)
          .select_related("project").prefetch_related("steps").order_by("-updated_at", "id"))
    by_state: dict[str, list[Interest]] = defaultdict(list)
    for interest in qs:
        by_state[interest.state].append(interest)
    return [(code, str(label), by_state.get(code, [])) for code, label in InterestState.choices]


def notes(user: Any, organisation: Organisation, project: Project | None = None) -> list[InvestorNote]:
    qs = InvestorNote.objects.filter(policy.visible_filter(user, InvestorNote), investor=organisation)
    if project is not None:
        qs = qs.filter(project=project)
    return list(qs.select_related("project")[:200])


def notifications(user: Any, limit: int = 20) -> list[Notification]:
    qs = Notification.objects.filter(policy.visible_filter(user, Notification))
    return list(qs.select_related("introduction__project", "introduction__investor")[:limit])


def unread_count(user: Any) -> int:
    return Notification.objects.filter(policy.visible_filter(user, Notification), read_at__isnull=True).count()


# --- a project's financing ---------------------------------------------------------------------------------


def project_for(user: Any, pk: int) -> tuple[Project | None, list[FinancingNeed]]:
    """The project and its financing needs the reader may see; (None, []) when the reader may see neither."""
    project = Project.objects.select_related("organisation", "park").filter(pk=pk).first()
    if project is None:
        return None, []
    needs = list(FinancingNeed.objects.filter(policy.visible_filter(user, FinancingNeed), project=project)
                 .select_related("project"))
    if needs or policy.decide(user, policy.VIEW, project):
        return project, needs
    return None, []


def introductions(user: Any, *, project: Project | None = None, limit: int = 100) -> list[Introduction]:
    qs = Introduction.objects.filter(policy.visible_filter(user, Introduction))
    if project is not None:
        qs = qs.filter(project=project)
    return list(qs.select_related("project", "investor")[:limit])


def project_interests(user: Any, project: Project) -> list[Interest]:
    return list(Interest.objects.filter(policy.visible_filter(user, Interest), project=project)
                .select_related("investor"))


def investor_choices() -> list[Organisation]:
    return list(Organisation.objects.filter(kind=Organisation.Kind.INVESTOR).order_by("name_zh", "id"))


# --- roadshows ---------------------------------------------------------------------------------------------


def roadshows(user: Any) -> list[Roadshow]:
    qs = Roadshow.objects.filter(policy.visible_filter(user, Roadshow)).select_related("event", "park")
    return list(qs.annotate(n_applications=Count("applications", distinct=True),
                            n_investors=Count("investor_links", distinct=True)).order_by("-deadline", "-id"))


def upcoming_roadshows(user: Any, limit: int = 5) -> list[Roadshow]:
    today = timezone.localdate()
    qs = Roadshow.objects.filter(policy.visible_filter(user, Roadshow), event__starts_on__gte=today)
    return list(qs.select_related("event").order_by("event__starts_on", "id")[:limit])


def roadshow_detail(user: Any, pk: int) -> dict[str, Any] | None:
    roadshow = Roadshow.objects.select_related("event", "park").filter(pk=pk).first()
    if roadshow is None or not policy.decide(user, policy.VIEW, roadshow):
        return None
    applications = list(
        RoadshowApplication.objects.filter(policy.visible_filter(user, RoadshowApplication), roadshow=roadshow)
        .select_related("project__organisation").distinct().order_by("id"))
    feedback = list(RoadshowFeedback.objects.filter(policy.visible_filter(user, RoadshowFeedback), roadshow=roadshow)
                    .select_related("investor", "project").order_by("project_id", "id"))
    by_project: dict[int, list[RoadshowFeedback]] = defaultdict(list)
    for item in feedback:
        by_project[item.project_id].append(item)
    investors = list(roadshow.investor_links.select_related("organisation").order_by("id"))
    return {"roadshow": roadshow, "applications": [(a, by_project.get(a.project_id, [])) for a in applications],
            "investors": investors, "follow_ups": [f for f in feedback if f.follow_up]}


def roadshow_events(user: Any) -> QuerySet[Event]:
    return Event.objects.filter(kind=Event.Kind.ROADSHOW, roadshow__isnull=True).filter(
        policy.visible_filter(user, Event)).order_by("-starts_on", "id")


def applicable_projects(user: Any) -> list[Project]:
    """Projects the reader may enter into a roadshow (its organisation's)."""
    actor = policy.actor_for(user)
    if actor.role not in (Role.ENTERPRISE_MEMBER, Role.PLATFORM_MANAGER) or not actor.organisation_id:
        return []
    return list(Project.objects.filter(organisation_id=actor.organisation_id).order_by("id")[:200])



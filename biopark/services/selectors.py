"""Reads of the service desk: the catalogue (and what fits a project), request lists, a request's page,
and the park operator's desk (queue and statistics). Fixed numbers of queries."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.errors import PermissionRefused, ValidationFailed
from biopark.core.text import query_terms
from biopark.ecosystem.models import STAGE_CODES
from biopark.pipeline.models import Project
from biopark.services import rules
from biopark.services.models import OPEN_STATES, Category, RequestEvent, Service, ServiceRequest, State


def catalogue(
    *, q: str | None = None, category: str | None = None, stage: str | None = None, park: int | None = None
) -> list[Service]:
    """Active services, optionally only those of a category, serving a stage, or offered in a park."""
    if category and category not in Category.values:
        raise ValidationFailed(_("unknown category %(value)s") % {"value": repr(category)}, field="category")
    if stage and stage not in STAGE_CODES:
        raise ValidationFailed(
            _("unknown stage %(value)s; known stages: %(known)s")
            % {"value": repr(stage), "known": ", ".join(STAGE_CODES)}, field="stage"
        )
    qs = Service.objects.filter(active=True).select_related(
        "provider_organisation", "provider_platform", "provider_platform__operator", "park"
    )
    if category:
        qs = qs.filter(category=category)
    if park:
        qs = qs.filter(Q(park_id__in=policy.park_subtree(park)) | Q(park__isnull=True))
    for term in query_terms(q or ""):
        qs = qs.filter(search_text__contains=term)
    services = list(qs.order_by("category", "id"))
    # The stage list is a small JSON array: filtered here, the same way on SQLite and PostgreSQL.
    if stage:
        services = [s for s in services if stage in s.stages]
    return services


def project_stage(project: Project) -> str:
    """The stage a project's next services are for: its highest stage (discovery when none is reported)."""
    return project.highest_stage if project.highest_stage in STAGE_CODES else "discovery"


def services_for_project(project: Project) -> list[Service]:
    return catalogue(stage=project_stage(project), park=project.park_id)


def visible_requests(user: Any) -> QuerySet[ServiceRequest]:
    condition = rules.visible_q(policy.actor_for(user))
    qs = ServiceRequest.objects.all()
    return qs if condition is None else qs.filter(condition)


def request_list(
    *, user: Any, state: str | None = None, overdue: bool = False, today: dt.date | None = None
) -> QuerySet[ServiceRequest]:
    qs = visible_requests(user)
    if state:
        if state == "open":
            qs = qs.filter(state__in=OPEN_STATES)
        elif state not in State.values:
            raise ValidationFailed(_("unknown state %(value)s") % {"value": repr(state)}, field="state")
        else:
            qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(state__in=OPEN_STATES, due_on__lt=today or timezone.localdate())
    return qs.select_related(
        "service", "requester_organisation", "provider_organisation", "project", "assignee"
    )


def request_detail(pk: int) -> ServiceRequest | None:
    return (
        ServiceRequest.objects.select_related(
            "service",
            "service__provider_platform",
            "service__provider_organisation",
            "requester",
            "requester_organisation",
            "provider_organisation",
            "project",
            "assignee",
        )
        .prefetch_related(
            Prefetch("events", queryset=RequestEvent.objects.order_by("at", "id")),
            "attachments",
        )
        .filter(pk=pk)
        .first()
    )


def is_overdue(request: ServiceRequest, today: dt.date | None = None) -> bool:
    return (
        request.state in OPEN_STATES
        and request.due_on is not None
        and request.due_on < (today or timezone.localdate())
    )


# --- the operator's desk --------------------------------------------------------------------------


@dataclass
class CategoryStats:
    category: str
    label: str
    requests: int
    median_hours_to_accept: Decimal | None
    median_hours_to_deliver: Decimal | None
    ratings: int
    mean_rating: Decimal | None


@dataclass
class Desk:
    queue: list[ServiceRequest]
    providers: list[dict[str, Any]]
    months: list[str]
    monthly: list[dict[str, Any]]
    categories: list[CategoryStats]
    overall: CategoryStats
    today: dt.date


def _hours(seconds: list[int]) -> Decimal | None:
    if not seconds:
        return None
    median = statistics.median(seconds)  # an int or a .5: exact
    return (Decimal(str(median)) / Decimal(3600)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _mean(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(Decimal("0.01"), ROUND_HALF_UP)


def desk_scope(user: Any, park: int | None = None) -> QuerySet[ServiceRequest]:
    actor = policy.actor_for(user)
    decision = rules.request_rule(actor, rules.DESK, ServiceRequest)
    if not decision:
        raise PermissionRefused(decision.reason)
    qs = ServiceRequest.objects.all()
    if not actor.is_admin:
        qs = qs.filter(park_id__in=actor.park_scope)
    if park:
        qs = qs.filter(park_id__in=policy.park_subtree(park))
    return qs


def desk(*, user: Any, park: int | None = None, today: dt.date | None = None) -> Desk:
    """The queue of open requests (overdue first, then oldest) and the per-category statistics."""
    today = today or timezone.localdate()
    qs = desk_scope(user, park)
    queue = list(
        qs.filter(state__in=OPEN_STATES)
        .select_related(
            "service", "service__provider_platform", "requester_organisation", "provider_organisation", "assignee"
        )
        .order_by("submitted_at", "id")
    )
    for item in queue:
        item.overdue = is_overdue(item, today)  # type: ignore[attr-defined]
        item.age_days = (today - timezone.localtime(item.submitted_at).date()).days  # type: ignore[attr-defined]
    queue.sort(key=lambda r: (not r.overdue, r.submitted_at, r.pk))  # type: ignore[attr-defined]
    providers: dict[Any, dict[str, Any]] = {}
    for item in queue:
        # A platform with no operator on record is its own provider.
        key = (item.provider_organisation_id, None if item.provider_organisation_id else item.service.provider_platform_id)
        label = item.provider_organisation or item.service.provider_platform
        row = providers.setdefault(key, {"provider": label, "open": 0, "overdue": 0, "oldest_days": 0})
        row["open"] += 1
        row["overdue"] += int(item.overdue)  # type: ignore[attr-defined]
        row["oldest_days"] = max(row["oldest_days"], item.age_days)  # type: ignore[attr-defined]
    provider_rows = sorted(providers.values(), key=lambda r: (-r["overdue"], -r["oldest_days"]))

    rows = list(
        qs.values_list(
            "service__category", "submitted_at", "accepted_at", "delivered_at", "rating"
        ).order_by()
    )
    monthly_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_cat: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: {"n": [], "accept": [], "deliver": [], "rating": []}
    )
    for category, submitted, accepted, delivered, rating in rows:
        month = timezone.localtime(submitted).strftime("%Y-%m")
        monthly_counts[month][category] += 1
        for bucket in (per_cat[category], per_cat["*"]):
            bucket["n"].append(1)
            if accepted:
                bucket["accept"].append(int((accepted - submitted).total_seconds()))
            if delivered:
                bucket["deliver"].append(int((delivered - submitted).total_seconds()))
            if rating:
                bucket["rating"].append(rating)
    months = sorted(monthly_counts)
    monthly = [
        {"month": m, "total": sum(monthly_counts[m].values()), "by_category": dict(monthly_counts[m])}
        for m in months
    ]

    def stats(code: str, label: str) -> CategoryStats:
        b = per_cat.get(code, {"n": [], "accept": [], "deliver": [], "rating": []})
        return CategoryStats(
            category=code,
            label=label,
            requests=len(b["n"]),
            median_hours_to_accept=_hours(b["accept"]),
            median_hours_to_deliver=_hours(b["deliver"]),
            ratings=len(b["rating"]),
            mean_rating=_mean(b["rating"]),
        )

    categories = [stats(code, str(label)) for code, label in Category.choices]
    return Desk(
        queue=queue,
        providers=provider_rows,
        months=months,
        monthly=monthly,
        categories=categories,
        overall=stats("*", "all"),
        today=today,
    )


def catalogue_service(pk: int) -> Service | None:
    """One service of the catalogue with its provider (inactive ones too: old requests link to them)."""
    return (
        Service.objects.select_related(
            "provider_organisation", "provider_platform", "provider_platform__operator", "park"
        )
        .filter(pk=pk)
        .first()
    )

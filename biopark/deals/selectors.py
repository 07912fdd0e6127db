"""Reads of deals, each filtered by the one policy and fetched without a query per row."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from biopark.accounts import policy
from biopark.deals.models import (
    Agreement,
    AgreementParty,
    Event,
    EventParticipant,
    IPAsset,
    LicenceTerms,
    Signatory,
)


def visible_agreements(user: Any) -> QuerySet[Agreement]:
    return Agreement.objects.filter(policy.visible_filter(user, Agreement))


def agreement_list(
    *, user: Any, q: str | None = None, kind: str | None = None, status: str | None = None,
    park: str | None = None, event: int | None = None, organisation: int | None = None,
) -> QuerySet[Agreement]:
    """Agreements the user may see, filtered; `park` matches the park's name in either language or an alias
    (a zone matches too when its parent is named)."""
    qs = visible_agreements(user)
    if q:
        qs = qs.filter(Q(title_zh__icontains=q) | Q(title_en__icontains=q) | Q(subject_zh__icontains=q)
                       | Q(subject_en__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if park:
        parks = Q(park__name_zh__icontains=park) | Q(park__name_en__icontains=park) | Q(park__key=park)
        parent = Q(park__parent__name_zh__icontains=park) | Q(park__parent__name_en__icontains=park)
        qs = qs.filter(parks | parent)
    if event:
        qs = qs.filter(event_id=event)
    if organisation:
        qs = qs.filter(pk__in=AgreementParty.objects.filter(organisation_id=organisation).values("agreement_id"))
    parties = Prefetch("party_links", queryset=AgreementParty.objects.select_related("organisation"))
    return qs.select_related("park", "event").prefetch_related(parties).order_by("-signed_on", "-id")


def agreement_detail(pk: int) -> Agreement | None:
    return (
        Agreement.objects.filter(pk=pk)
        .select_related("park", "event")
        .prefetch_related(
            Prefetch("party_links", queryset=AgreementParty.objects.select_related("organisation")),
            Prefetch("signatories", queryset=Signatory.objects.select_related("person", "organisation")),
            "documents", "projects", "ip_assets",
        )
        .first()
    )


def licence_terms_of(agreement: Agreement) -> LicenceTerms | None:
    return (
        LicenceTerms.objects.filter(agreement=agreement).prefetch_related("milestones", "royalty_tiers").first()
    )


# --- IP assets ---------------------------------------------------------------------------------------------


def ip_list(*, user: Any, q: str | None = None, kind: str | None = None, status: str | None = None,
            jurisdiction: str | None = None) -> QuerySet[IPAsset]:
    qs = IPAsset.objects.filter(policy.visible_filter(user, IPAsset))
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(title_zh__icontains=q) | Q(title_en__icontains=q))
    for name, value in (("kind", kind), ("status", status), ("jurisdiction", jurisdiction)):
        if value:
            qs = qs.filter(**{name: value})
    return qs.select_related("park").prefetch_related("owners").order_by("-filed_on", "-id")


def ip_detail(pk: int) -> IPAsset | None:
    return IPAsset.objects.filter(pk=pk).select_related("park").prefetch_related("owners", "projects").first()


def agreements_of_ip(user: Any, asset: IPAsset) -> list[Agreement]:
    return list(visible_agreements(user).filter(ip_assets=asset).order_by("-signed_on", "-id"))


# --- events ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """What was signed at an event, computed from the agreements the reader may see."""

    count: int
    # (currency, sum) per currency, largest first; agreements without an amount count but add nothing.
    sums: list[tuple[str, Decimal]]
    without_amount: int


def event_list(*, user: Any, kind: str | None = None, park: int | None = None) -> list[tuple[Event, Totals]]:
    qs = Event.objects.filter(policy.visible_filter(user, Event)).select_related("park")
    if kind:
        qs = qs.filter(kind=kind)
    if park:
        qs = qs.filter(park_id=park)
    events = list(qs.order_by("-starts_on", "-id")[:500])
    totals = totals_by_event(user, [e.pk for e in events])
    return [(e, totals.get(e.pk, Totals(0, [], 0))) for e in events]


def totals_by_event(user: Any, event_ids: list[int]) -> dict[int, Totals]:
    """Per event: the number of agreements signed there and the sum of their amounts per currency, in two
    grouped queries whatever the number of events."""
    visible = visible_agreements(user).filter(event_id__in=event_ids)
    counts = {row["event_id"]: (row["n"], row["bare"]) for row in visible.values("event_id").annotate(
        n=Count("id"), bare=Count("id", filter=Q(value_amount__isnull=True)))}
    sums: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    rows = visible.exclude(value_amount__isnull=True).values("event_id", "value_currency").annotate(
        total=Sum("value_amount")).order_by("event_id", "-total")
    for row in rows:
        # SQLite sums decimals without their scale; both databases answer with cents.
        sums[row["event_id"]].append((row["value_currency"], Decimal(row["total"]).quantize(Decimal("0.01"))))
    return {eid: Totals(n, sums.get(eid, []), bare) for eid, (n, bare) in counts.items()}


def event_detail(pk: int) -> Event | None:
    return (
        Event.objects.filter(pk=pk)
        .select_related("park")
        .prefetch_related(
            "organisers",
            Prefetch("participants", queryset=EventParticipant.objects.select_related("person", "organisation")),
        )
        .first()
    )


def event_agreements(user: Any, event: Event) -> list[Agreement]:
    parties = Prefetch("party_links", queryset=AgreementParty.objects.select_related("organisation"))
    return list(visible_agreements(user).filter(event=event).prefetch_related(parties).order_by("-signed_on", "id"))


def recent_in_parks(park_ids: frozenset[int], user: Any, limit: int = 5) -> list[Agreement]:
    """The latest agreements of the given parks (their own park or a party's), for the operator's home tile."""
    in_parks = Q(park_id__in=park_ids) | Q(
        pk__in=AgreementParty.objects.filter(organisation__park_id__in=park_ids).values("agreement_id")
    )
    return list(visible_agreements(user).filter(in_parks).order_by("-signed_on", "-id")[:limit])

"""Load what the articles state about deals: events (with organisers and participants), the agreements' status,
confidentiality, event and signatories, and licence terms, each citing its passage. Runs after the registry
and the agreements themselves are loaded (biopark.demo.loader); idempotent: a second run changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from biopark.accounts.policy import SYSTEM
from biopark.core.models import Source
from biopark.deals import services
from biopark.deals.models import Agreement, Event
from biopark.ecosystem import services as registry
from biopark.ecosystem.models import Organisation, Park, Person

_EVENT_FIELDS = ["kind", "title_zh", "title_en", "starts_on", "place_zh", "place_en"]


def _cite(record: Any, source: Source, cite: dict[str, int] | None, field: str = "") -> None:
    span = (int(cite["start"]), int(cite["end"])) if cite else None
    registry.citation_add(actor=SYSTEM, record=record, source=source, span=span, field=field)


def _org(key: str | None) -> Organisation | None:
    return Organisation.objects.get(key=key) if key else None


def _event(item: dict[str, Any], source: Source, counts: dict[str, int]) -> Event:
    data: dict[str, Any] = {k: item.get(k) or "" for k in _EVENT_FIELDS}
    data["park"] = Park.objects.get(key=item["park"]) if item.get("park") else None
    data["description_en"] = item.get("note") or ""
    # An event the articles report took place in public (a published ceremony or conference).
    data["visibility"] = item.get("visibility") or Event.Visibility.PUBLIC
    organisers = [Organisation.objects.get(key=k) for k in item.get("organisers") or []]
    participants = [
        services.ParticipantIn(person=Person.objects.get(key=p["person"]), organisation=_org(p.get("organisation")),
                               title_zh=p.get("title_zh") or "", title_en=p.get("title_en") or "")
        for p in item.get("participants") or []
    ]
    event = Event.objects.filter(key=item["key"]).first()
    if event is None:
        event = services.event_create(actor=SYSTEM, data={"key": item["key"], **data}, organisers=organisers,
                                      participants=participants)
        counts["Event"] = counts.get("Event", 0) + 1
    else:
        services.event_update(actor=SYSTEM, event=event, data=data, organisers=organisers, participants=participants)
    _cite(event, source, item.get("cite"))
    if item.get("participants_cite"):
        _cite(event, source, item["participants_cite"], field="participants")
    return event


def _agreement(item: dict[str, Any], source: Source) -> None:
    agreement = Agreement.objects.filter(key=item["key"]).first()
    if agreement is None:  # the registry loader records the agreement itself
        return
    data: dict[str, Any] = {
        "status": item.get("status") or Agreement.Status.SIGNED,
        "confidentiality": item.get("confidentiality") or "public",
        "value_qualifier": (item.get("value") or {}).get("qualifier") or "",
    }
    if item.get("event"):
        data["event"] = Event.objects.get(key=item["event"])
    signatories = None
    if item.get("signatories"):
        signatories = [
            services.SignatoryIn(person=Person.objects.get(key=s["person"]), role=s.get("role") or "signatory",
                                 organisation=_org(s.get("organisation")))
            for s in item["signatories"]
        ]
    services.agreement_update(actor=SYSTEM, agreement=agreement, data=data, signatories=signatories)
    if item.get("signatories_cite"):
        _cite(agreement, source, item["signatories_cite"], field="signatories")


def _licence(item: dict[str, Any], source: Source) -> None:
    agreement = Agreement.objects.get(key=item["agreement"])
    data = {k: item.get(k) or "" for k in ("currency", "territory_zh", "territory_en", "field_zh", "field_en",
                                           "exclusivity")}
    data["upfront_amount"] = item.get("upfront_amount")
    services.licence_terms_set(actor=SYSTEM, agreement=agreement, data=data,
                                       milestones=item.get("milestones") or [],
                                       royalty_tiers=item.get("royalty_tiers") or [])
    _cite(agreement, source, item.get("cite"), field="licence_terms")


def load(docs: list[dict[str, Any]], log: Callable[[str], None] = print) -> dict[str, int]:
    """Events first (agreements name them), then the agreements' deal fields, then licence terms. Returns how
    many records of each model were created."""
    counts: dict[str, int] = {}
    sources = [(doc, Source.objects.get(key=doc["source"]["file"])) for doc in docs]
    for doc, source in sources:
        for item in doc.get("events") or []:
            _event(item, source, counts)
    for doc, source in sources:
        for item in doc.get("agreements") or []:
            _agreement(item, source)
        for item in doc.get("licences") or []:
            _licence(item, source)
    return counts

"""REST endpoints of deals, mounted at /api/v1/deals/: agreements (with licence terms), IP assets, events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from biopark.accounts import policy
from biopark.core.errors import NotFound, ValidationFailed
from biopark.core.pagination import Page, paginate
from biopark.core.schema_types import SafeText, choice
from biopark.core.writes import etag_of, version_from_etag
from biopark.deals import selectors, services
from biopark.deals.models import Agreement, Event, IPAsset
from biopark.ecosystem.models import Organisation, Person

router = Router(tags=["deals"])


# --- schemas ------------------------------------------------------------------------------------------------


class PartyIO(Schema):
    organisation: int
    role: str = "partner"


class SignatoryIO(Schema):
    person: int
    role: str = "signatory"
    organisation: int | None = None
    title_zh: str = ""
    title_en: str = ""


class AgreementIn(Schema):
    key: str | None = None
    title_zh: str = ""
    title_en: str = ""
    kind: str = "cooperation"
    status: str = "signed"
    subject_zh: str = ""
    subject_en: str = ""
    signed_on: str | None = None
    value_amount: str | None = None
    value_currency: str = ""
    value_qualifier: str = ""
    confidentiality: str = "park"
    park: int | None = None
    event: int | None = None
    note: str = ""
    parties: list[PartyIO] = []
    signatories: list[SignatoryIO] = []
    projects: list[int] = []
    ip_assets: list[int] = []


class AgreementPatch(Schema):
    key: str | None = None
    title_zh: str | None = None
    title_en: str | None = None
    kind: str | None = None
    status: str | None = None
    subject_zh: str | None = None
    subject_en: str | None = None
    signed_on: str | None = None
    value_amount: str | None = None
    value_currency: str | None = None
    value_qualifier: str | None = None
    confidentiality: str | None = None
    park: int | None = None
    event: int | None = None
    note: str | None = None
    parties: list[PartyIO] | None = None
    signatories: list[SignatoryIO] | None = None
    projects: list[int] | None = None
    ip_assets: list[int] | None = None


class MilestoneIO(Schema):
    kind: str
    description_zh: str = ""
    description_en: str = ""
    amount: Decimal | None = None
    qualifier: str = ""
    reached: bool = False


class TierIO(Schema):
    sales_from: Decimal = Decimal(0)
    sales_to: Decimal | None = None
    rate: Decimal


class TermsIO(Schema):
    upfront_amount: Decimal | None = None
    currency: str = ""
    territory_zh: str = ""
    territory_en: str = ""
    field_zh: str = ""
    field_en: str = ""
    exclusivity: str = ""
    milestones: list[MilestoneIO] = []
    royalty_tiers: list[TierIO] = []


class AgreementOut(Schema):
    id: int
    key: str | None
    title_zh: str
    title_en: str
    kind: str
    status: str
    subject_zh: str
    subject_en: str
    signed_on: str
    value_amount: Decimal | None
    value_currency: str
    value_qualifier: str
    confidentiality: str
    park_id: int | None
    event_id: int | None
    parties: list[PartyIO]
    synthetic: bool


class AgreementDetailOut(AgreementOut):
    note: str
    signatories: list[SignatoryIO]
    projects: list[int]
    ip_assets: list[int]
    licence_terms: TermsIO | None


class AgreementFilters(Schema):
    q: SafeText | None = None
    kind: choice(Agreement.Kind.values) | None = None  # type: ignore[valid-type]
    status: choice(Agreement.Status.values) | None = None  # type: ignore[valid-type]
    park: SafeText | None = None
    event: int | None = None
    organisation: int | None = None
    page: int = 1
    page_size: int = 50


class IPAssetIn(Schema):
    kind: str = "application"
    number: str = ""
    title_zh: str = ""
    title_en: str = ""
    jurisdiction: str = "CN"
    status: str = "filed"
    filed_on: str | None = None
    granted_on: str | None = None
    park: int | None = None
    confidentiality: str = "park"
    owners: list[int] = []
    projects: list[int] = []


class IPAssetPatch(Schema):
    kind: str | None = None
    number: str | None = None
    title_zh: str | None = None
    title_en: str | None = None
    jurisdiction: str | None = None
    status: str | None = None
    filed_on: str | None = None
    granted_on: str | None = None
    park: int | None = None
    confidentiality: str | None = None
    owners: list[int] | None = None
    projects: list[int] | None = None


class IPAssetOut(Schema):
    id: int
    kind: str
    number: str
    title_zh: str
    title_en: str
    jurisdiction: str
    status: str
    filed_on: dt.date | None
    granted_on: dt.date | None
    park_id: int | None
    confidentiality: str
    owners: list[int]
    projects: list[int]


class IPFilters(Schema):
    q: SafeText | None = None
    kind: choice(IPAsset.Kind.values) | None = None  # type: ignore[valid-type]
    status: choice(IPAsset.Status.values) | None = None  # type: ignore[valid-type]
    jurisdiction: choice(IPAsset.Jurisdiction.values) | None = None  # type: ignore[valid-type]
    page: int = 1
    page_size: int = 50


class ParticipantIO(Schema):
    person: int
    organisation: int | None = None
    title_zh: str = ""
    title_en: str = ""


class EventIn(Schema):
    key: str | None = None
    kind: str = "signing"
    title_zh: str = ""
    title_en: str = ""
    starts_on: str | None = None
    place_zh: str = ""
    place_en: str = ""
    park: int | None = None
    description_zh: str = ""
    description_en: str = ""
    visibility: str = "confidential"
    organisers: list[int] = []
    participants: list[ParticipantIO] = []


class EventPatch(Schema):
    kind: str | None = None
    title_zh: str | None = None
    title_en: str | None = None
    starts_on: str | None = None
    place_zh: str | None = None
    place_en: str | None = None
    park: int | None = None
    description_zh: str | None = None
    description_en: str | None = None
    visibility: str | None = None
    organisers: list[int] | None = None
    participants: list[ParticipantIO] | None = None


class SumOut(Schema):
    currency: str
    amount: Decimal


class DealEventOut(Schema):
    id: int
    key: str | None
    kind: str
    title_zh: str
    title_en: str
    starts_on: str
    place_zh: str
    place_en: str
    park_id: int | None
    visibility: str
    organisers: list[int]
    participants: list[ParticipantIO]
    agreements_count: int
    agreements_sums: list[SumOut]


# --- helpers -----------------------------------------------------------------------------------------------


def _records(model: Any, ids: list[int], field: str) -> list[Any]:
    found = model._default_manager.in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed(_("no %(what)s %(id)s") % {"what": model._meta.verbose_name, "id": missing[0]},
                               field=field)
    return [found[i] for i in ids]


def _projects(ids: list[int]) -> list[Any]:
    return _records(apps.get_model("pipeline", "Project"), ids, "projects")


def _one(model: Any, pk: int, user: Any) -> Any:
    obj = model.objects.filter(pk=pk).first()
    # A record the caller may not see answers exactly like one that does not exist.
    if obj is None or not policy.decide(user, policy.VIEW, obj):
        raise NotFound(_("no such record"))
    return obj


def _agreement_out(a: Agreement) -> dict[str, Any]:
    return {
        "id": a.pk, "key": a.key, "title_zh": a.title_zh, "title_en": a.title_en, "kind": a.kind,
        "status": a.status, "subject_zh": a.subject_zh, "subject_en": a.subject_en, "signed_on": a.signed,
        "value_amount": a.value_amount, "value_currency": a.value_currency, "value_qualifier": a.value_qualifier,
        "confidentiality": a.confidentiality, "park_id": a.park_id, "event_id": a.event_id,
        "parties": [{"organisation": p.organisation_id, "role": p.role} for p in a.party_links.all()],
        "synthetic": a.synthetic,
    }


def _agreement_detail(pk: int, user: Any) -> dict[str, Any]:
    a = selectors.agreement_detail(pk)
    if a is None or not policy.decide(user, policy.VIEW, a):
        raise NotFound(_("no such record"))
    terms = selectors.licence_terms_of(a)
    return {
        **_agreement_out(a), "note": a.note,
        "signatories": [{"person": s.person_id, "role": s.role, "organisation": s.organisation_id,
                         "title_zh": s.title_zh, "title_en": s.title_en} for s in a.signatories.all()],
        "projects": [p.pk for p in a.projects.all()], "ip_assets": [i.pk for i in a.ip_assets.all()],
        "licence_terms": None if terms is None else {
            "upfront_amount": terms.upfront_amount, "currency": terms.currency, "territory_zh": terms.territory_zh,
            "territory_en": terms.territory_en, "field_zh": terms.field_zh, "field_en": terms.field_en,
            "exclusivity": terms.exclusivity,
            "milestones": [{"kind": m.kind, "description_zh": m.description_zh, "description_en": m.description_en,
                            "amount": m.amount, "qualifier": m.qualifier, "reached": m.reached}
                           for m in terms.milestones.all()],
            "royalty_tiers": [{"sales_from": t.sales_from, "sales_to": t.sales_to, "rate": t.rate}
                              for t in terms.royalty_tiers.all()],
        },
    }


def _agreement_links(data: dict[str, Any]) -> dict[str, Any]:
    links: dict[str, Any] = {}
    parties = data.pop("parties", None)
    if parties is not None:
        orgs = _records(Organisation, [p["organisation"] for p in parties], "parties")
        links["parties"] = [(org, p["role"]) for org, p in zip(orgs, parties, strict=True)]
    signatories = data.pop("signatories", None)
    if signatories is not None:
        people = _records(Person, [s["person"] for s in signatories], "signatories")
        orgs_by_id = Organisation.objects.in_bulk([s["organisation"] for s in signatories if s["organisation"]])
        links["signatories"] = [
            services.SignatoryIn(person=person, role=s["role"], organisation=orgs_by_id.get(s["organisation"]),
                                 title_zh=s["title_zh"], title_en=s["title_en"])
            for person, s in zip(people, signatories, strict=True)
        ]
    if data.get("projects") is not None:
        links["projects"] = _projects(data.pop("projects"))
    data.pop("projects", None)
    if data.get("ip_assets") is not None:
        links["ip_assets"] = _records(IPAsset, data.pop("ip_assets"), "ip_assets")
    data.pop("ip_assets", None)
    return links


# --- agreements ----------------------------------------------------------------------------------------------


@router.get("/agreements", response=Page[AgreementOut], operation_id="list_agreements")
def list_agreements(request: HttpRequest, filters: Query[AgreementFilters]) -> dict[str, Any]:
    qs = selectors.agreement_list(user=request.auth, q=filters.q, kind=filters.kind, status=filters.status,
                                  park=filters.park, event=filters.event, organisation=filters.organisation)
    page = paginate(qs, filters.page, filters.page_size)
    page["results"] = [_agreement_out(a) for a in page["results"]]
    return page


@router.post("/agreements", response={201: AgreementDetailOut}, operation_id="create_agreement")
def create_agreement(request: HttpRequest, payload: AgreementIn) -> Any:
    data = payload.dict()
    links = _agreement_links(data)
    agreement = services.agreement_create(actor=request.auth, data=data, **links)
    return Status(201, _agreement_detail(agreement.pk, request.auth))


@router.get("/agreements/{int:pk}", response=AgreementDetailOut, operation_id="get_agreement")
def get_agreement(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    agreement = _one(Agreement, pk, request.auth)
    response["ETag"] = etag_of(agreement)
    return _agreement_detail(pk, request.auth)


@router.patch("/agreements/{int:pk}", response=AgreementDetailOut, operation_id="update_agreement")
def update_agreement(request: HttpRequest, pk: int, payload: AgreementPatch, response: HttpResponse) -> Any:
    agreement = _one(Agreement, pk, request.auth)
    data = payload.dict(exclude_unset=True)
    links = _agreement_links(data)
    services.agreement_update(actor=request.auth, agreement=agreement, data=data,
                              expected_version=version_from_etag(request.headers.get("If-Match"), agreement),
                              **links)
    response["ETag"] = etag_of(Agreement.objects.get(pk=pk))
    return _agreement_detail(pk, request.auth)


@router.put("/agreements/{int:pk}/licence-terms", response=AgreementDetailOut, operation_id="set_licence_terms")
def set_licence_terms(request: HttpRequest, pk: int, payload: TermsIO) -> Any:
    agreement = _one(Agreement, pk, request.auth)
    data = payload.dict()
    milestones, tiers = data.pop("milestones"), data.pop("royalty_tiers")
    services.licence_terms_set(actor=request.auth, agreement=agreement, data=data, milestones=milestones,
                               royalty_tiers=tiers)
    return _agreement_detail(pk, request.auth)


# --- IP assets -----------------------------------------------------------------------------------------------


def _ip_out(a: IPAsset) -> dict[str, Any]:
    return {
        "id": a.pk, "kind": a.kind, "number": a.number, "title_zh": a.title_zh, "title_en": a.title_en,
        "jurisdiction": a.jurisdiction, "status": a.status, "filed_on": a.filed_on, "granted_on": a.granted_on,
        "park_id": a.park_id, "confidentiality": a.confidentiality, "owners": [o.pk for o in a.owners.all()],
        "projects": [p.pk for p in a.projects.all()],
    }


@router.get("/ip-assets", response=Page[IPAssetOut], operation_id="list_ip_assets")
def list_ip_assets(request: HttpRequest, filters: Query[IPFilters]) -> dict[str, Any]:
    qs = selectors.ip_list(user=request.auth, q=filters.q, kind=filters.kind, status=filters.status,
                           jurisdiction=filters.jurisdiction).prefetch_related("projects")
    page = paginate(qs, filters.page, filters.page_size)
    page["results"] = [_ip_out(a) for a in page["results"]]
    return page


@router.post("/ip-assets", response={201: IPAssetOut}, operation_id="create_ip_asset")
def create_ip_asset(request: HttpRequest, payload: IPAssetIn) -> Any:
    data = payload.dict()
    owners = _records(Organisation, data.pop("owners"), "owners")
    projects = _projects(data.pop("projects"))
    asset = services.ip_asset_create(actor=request.auth, data=data, owners=owners, projects=projects)
    return Status(201, _ip_out(asset))


@router.get("/ip-assets/{int:pk}", response=IPAssetOut, operation_id="get_ip_asset")
def get_ip_asset(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    asset = _one(IPAsset, pk, request.auth)
    response["ETag"] = etag_of(asset)
    return _ip_out(asset)


@router.patch("/ip-assets/{int:pk}", response=IPAssetOut, operation_id="update_ip_asset")
def update_ip_asset(request: HttpRequest, pk: int, payload: IPAssetPatch) -> Any:
    asset = _one(IPAsset, pk, request.auth)
    data = payload.dict(exclude_unset=True)
    owners = data.pop("owners", None)
    projects = data.pop("projects", None)
    services.ip_asset_update(
        actor=request.auth, asset=asset, data=data,
        owners=_records(Organisation, owners, "owners") if owners is not None else None,
        projects=_projects(projects) if projects is not None else None,
        expected_version=version_from_etag(request.headers.get("If-Match"), asset),
    )
    return _ip_out(IPAsset.objects.get(pk=pk))


# --- events ---------------------------------------------------------------------------------------------------


def _event_out(e: Event, totals: selectors.Totals | None) -> dict[str, Any]:
    return {
        "id": e.pk, "key": e.key, "kind": e.kind, "title_zh": e.title_zh, "title_en": e.title_en,
        "starts_on": e.date, "place_zh": e.place_zh, "place_en": e.place_en, "park_id": e.park_id,
        "visibility": e.visibility, "organisers": [o.pk for o in e.organisers.all()],
        "participants": [{"person": p.person_id, "organisation": p.organisation_id, "title_zh": p.title_zh,
                          "title_en": p.title_en} for p in e.participants.all()],
        "agreements_count": totals.count if totals else 0,
        "agreements_sums": [{"currency": c, "amount": s} for c, s in totals.sums] if totals else [],
    }


def _event_links(data: dict[str, Any]) -> dict[str, Any]:
    links: dict[str, Any] = {}
    organisers = data.pop("organisers", None)
    if organisers is not None:
        links["organisers"] = _records(Organisation, organisers, "organisers")
    participants = data.pop("participants", None)
    if participants is not None:
        people = _records(Person, [p["person"] for p in participants], "participants")
        orgs = Organisation.objects.in_bulk([p["organisation"] for p in participants if p["organisation"]])
        links["participants"] = [
            services.ParticipantIn(person=person, organisation=orgs.get(p["organisation"]), title_zh=p["title_zh"],
                                   title_en=p["title_en"])
            for person, p in zip(people, participants, strict=True)
        ]
    return links


def _event_detail(pk: int, user: Any) -> dict[str, Any]:
    event = selectors.event_detail(pk)
    if event is None or not policy.decide(user, policy.VIEW, event):
        raise NotFound(_("no such record"))
    return _event_out(event, selectors.totals_by_event(user, [pk]).get(pk))


@router.get("/events", response=list[DealEventOut], operation_id="list_events")
def list_events(request: HttpRequest) -> Any:
    rows = selectors.event_list(user=request.auth)
    return [_event_out(e, t) for e, t in rows]


@router.post("/events", response={201: DealEventOut}, operation_id="create_event")
def create_event(request: HttpRequest, payload: EventIn) -> Any:
    data = payload.dict()
    links = _event_links(data)
    event = services.event_create(actor=request.auth, data=data, **links)
    return Status(201, _event_detail(event.pk, request.auth))


@router.get("/events/{int:pk}", response=DealEventOut, operation_id="get_event")
def get_event(request: HttpRequest, pk: int) -> Any:
    return _event_detail(pk, request.auth)


@router.patch("/events/{int:pk}", response=DealEventOut, operation_id="update_event")
def update_event(request: HttpRequest, pk: int, payload: EventPatch) -> Any:
    event = _one(Event, pk, request.auth)
    data = payload.dict(exclude_unset=True)
    links = _event_links(data)
    services.event_update(actor=request.auth, event=event, data=data,
                          expected_version=version_from_etag(request.headers.get("If-Match"), event), **links)
    return _event_detail(pk, request.auth)

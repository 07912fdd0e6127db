"""REST endpoints of investment promotion, mounted at /api/v1/promotion/."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from biopark.accounts import policy
from biopark.core.errors import NotFound, ValidationFailed
from biopark.core.pagination import Page, paginate
from biopark.core.schema_types import SafeText, choice
from biopark.core.writes import etag_of, version_from_etag
from biopark.promotion import selectors, services
from biopark.promotion.models import Lead, Pipeline, Source
from biopark.promotion.schemas import (
    ActivityIn,
    ActivityOut,
    Id,
    LeadDetailOut,
    LeadIn,
    LeadOut,
    LeadPatch,
    MoveIn,
    PipelineOut,
)

router = Router(tags=["promotion"])


class LeadFilters(Schema):
    pipeline: Id | None = None  # type: ignore[valid-type]
    stage: Id | None = None  # type: ignore[valid-type]
    owner: Id | None = None  # type: ignore[valid-type]
    source: choice(Source.values) | None = None  # type: ignore[valid-type]
    park: SafeText = ""
    q: SafeText = ""
    due: bool = False
    page: int = 1
    page_size: int = 50


def _lead(pk: int, user: Any) -> Lead:
    found = selectors.lead_detail(pk)
    # A lead the caller may not see answers exactly like one that does not exist.
    if found is None or not policy.decide(user, policy.VIEW, found):
        raise NotFound(_("no such lead"))
    return found


def _out(lead: Lead, detail: bool = False) -> dict[str, Any]:
    data = {name: getattr(lead, name) for name in LeadOut.model_fields if hasattr(lead, name)}
    data["organisation_name"] = lead.organisation.display_name
    data["stage_code"] = lead.stage.code
    data["overdue"] = selectors.is_overdue(lead)
    if detail:
        data["stage_changes"] = list(lead.stage_changes.all())
        data["activities"] = [_activity(a) for a in lead.activities.all()]
    return data


def _activity(activity: Any) -> dict[str, Any]:
    return {"id": activity.pk, "kind": activity.kind, "on": activity.on, "summary": activity.summary,
            "people": [p.pk for p in activity.people.all()], "by_id": activity.by_id}


def _pipeline(pk: int | None, user: Any) -> Pipeline | None:
    if pk is None:
        return None
    found = next((p for p in selectors.pipelines(user) if p.pk == pk), None)
    if found is None:
        raise ValidationFailed(_("no pipeline %(id)s") % {"id": pk}, field="pipeline")
    return found


@router.get("/pipelines", response=list[PipelineOut], operation_id="list_promotion_pipelines")
def list_pipelines(request: HttpRequest) -> Any:
    policy.require(request.auth, policy.VIEW, Pipeline)
    return [{**{k: getattr(p, k) for k in ("id", "key", "kind", "name_zh", "name_en")},
             "stages": list(p.stages.all())} for p in selectors.pipelines(request.auth)]


@router.get("/leads", response=Page[LeadOut], operation_id="list_leads")
def list_leads(request: HttpRequest, filters: Query[LeadFilters]) -> Any:
    policy.require(request.auth, policy.VIEW, Lead)
    chosen = selectors.LeadFilters(
        pipeline=_pipeline(filters.pipeline, request.auth), stage=filters.stage, owner=filters.owner,
        source=filters.source or "", park=filters.park, q=filters.q, due=filters.due,
    )
    page = paginate(selectors.lead_list(request.auth, chosen), filters.page, filters.page_size)
    page["results"] = [_out(lead) for lead in page["results"]]
    return page


@router.post("/leads", response={201: LeadDetailOut}, operation_id="create_lead")
def create_lead(request: HttpRequest, payload: LeadIn) -> Any:
    data = payload.dict(exclude_unset=True)
    new_org = {"name_zh": data.pop("new_organisation_zh", ""), "name_en": data.pop("new_organisation_en", "")}
    if data.get("pipeline") is None:
        data.pop("pipeline", None)
    if not data.get("organisation") and not any(new_org.values()):
        policy.require(request.auth, policy.CREATE, Lead)
        raise ValidationFailed(_("choose an organisation from the registry or name a new one"), field="organisation")
    created = services.lead_create(actor=request.auth, data=data,
                                   new_organisation=new_org if any(new_org.values()) else None)
    return Status(201, _out(_lead(created.pk, request.auth), detail=True))


@router.get("/leads/{int:pk}", response=LeadDetailOut, operation_id="get_lead")
def get_lead(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    lead = _lead(pk, request.auth)
    response["ETag"] = etag_of(lead)
    return _out(lead, detail=True)


@router.patch("/leads/{int:pk}", response=LeadDetailOut, operation_id="update_lead")
def update_lead(request: HttpRequest, pk: int, payload: LeadPatch, response: HttpResponse) -> Any:
    lead = _lead(pk, request.auth)
    expected = version_from_etag(request.headers.get("If-Match"), lead)
    services.lead_update(actor=request.auth, lead=lead, data=payload.dict(exclude_unset=True),
                         expected_version=expected)
    fresh = _lead(pk, request.auth)
    response["ETag"] = etag_of(fresh)
    return _out(fresh, detail=True)


@router.post("/leads/{int:pk}/move", response=LeadDetailOut, operation_id="move_lead")
def move_lead(request: HttpRequest, pk: int, payload: MoveIn) -> Any:
    lead = _lead(pk, request.auth)
    stage = lead.pipeline.stages.filter(pk=payload.stage).first()
    services.lead_move(actor=request.auth, lead=lead, to_stage=stage, note=payload.note,
                       lost_reason=payload.lost_reason)
    return _out(_lead(pk, request.auth), detail=True)


@router.get("/leads/{int:pk}/activities", response=list[ActivityOut], operation_id="list_lead_activities")
def list_activities(request: HttpRequest, pk: int) -> Any:
    return [_activity(a) for a in _lead(pk, request.auth).activities.all()]


@router.post("/leads/{int:pk}/activities", response={201: ActivityOut}, operation_id="record_lead_activity")
def record_activity(request: HttpRequest, pk: int, payload: ActivityIn) -> Any:
    lead = _lead(pk, request.auth)
    people = services.people_from_ids(payload.people)
    activity = services.activity_record(actor=request.auth, lead=lead, kind=payload.kind, on=payload.on,
                                        summary=payload.summary, people=people)
    return Status(201, _activity(activity))

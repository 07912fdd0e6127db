"""REST endpoints of the pipeline, mounted at /api/v1/pipeline/."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from biopark.accounts import policy
from biopark.core.errors import NotFound, ValidationFailed
from biopark.core.models import Source
from biopark.core.pagination import Page, paginate
from biopark.core.schema_types import SafeText, choice
from biopark.core.writes import etag_of, version_from_etag
from biopark.ecosystem.models import Organisation, Person
from biopark.pipeline import export, selectors, services
from biopark.pipeline.models import ALL_STAGES, Indication, Modality, Project
from biopark.pipeline.schemas import (
    PortfolioOut,
    ProjectDetailOut,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    StageEventOut,
    StageIn,
)
from biopark.pipeline.vocabulary import area_label

router = Router(tags=["pipeline"])
STAGE_CHOICES = [code for code, _label in ALL_STAGES]


class ProjectFilters(Schema):
    q: SafeText | None = None
    park: int | None = None
    organisation: int | None = None
    modality: choice(Modality.values) | None = None  # type: ignore[valid-type]
    stage: choice([*STAGE_CHOICES, selectors.NONE]) | None = None  # type: ignore[valid-type]
    no_development: bool = False
    page: int = 1
    page_size: int = 50


class PortfolioFilters(Schema):
    park: int | None = None
    organisation: int | None = None
    modality: choice(Modality.values) | None = None  # type: ignore[valid-type]


def _project(pk: int, user: Any) -> Project:
    project = selectors.project_detail(pk)
    # A project the caller may not see answers exactly like one that does not exist.
    if project is None or not policy.decide(user, policy.VIEW, project):
        raise NotFound(_("no such project"))
    return project


def _out(project: Project, cutoff: Any) -> dict[str, Any]:
    return {
        "id": project.pk,
        "key": project.key,
        "name_zh": project.name_zh,
        "name_en": project.name_en,
        "organisation_id": project.organisation_id,
        "park_id": project.park_id,
        "modality": project.modality,
        "targets": project.targets,
        "therapeutic_areas": project.therapeutic_areas,
        "visibility": project.visibility,
        "highest_stage": project.highest_stage,
        "last_event_on": project.last_event_on,
        "no_development_reported": selectors.is_stale(project, cutoff),
    }


def _detail(project: Project) -> dict[str, Any]:
    data = _out(project, selectors.stale_cutoff())
    data.update(
        description_zh=project.description_zh,
        description_en=project.description_en,
        team=[p.pk for p in project.team.all()],
        partners=[o.pk for o in project.partners.all()],
        indications=list(project.indications.all()),
    )
    return data


def _records(model: type, ids: list[int], field: str) -> list[Any]:
    found = model.objects.in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed(_("no %(what)s %(id)s") % {"what": model._meta.verbose_name, "id": missing[0]}, field=field)
    return [found[i] for i in ids]


@router.get("/projects", response=Page[ProjectOut], operation_id="list_projects")
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]) -> dict[str, Any]:
    qs = selectors.project_list(
        user=request.auth,
        q=filters.q,
        park=filters.park,
        organisation=filters.organisation,
        modality=filters.modality,
        stage=filters.stage,
        stale=filters.no_development,
    )
    page = paginate(qs, filters.page, filters.page_size)
    cutoff = selectors.stale_cutoff()
    page["results"] = [_out(p, cutoff) for p in page["results"]]
    return page


@router.post("/projects", response={201: ProjectDetailOut}, operation_id="create_project")
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    organisation = Organisation.objects.filter(pk=payload.organisation).first()
    if organisation is None:
        raise ValidationFailed(_("no organisation %(id)s") % {"id": payload.organisation}, field="organisation")
    data = payload.dict(exclude={"organisation", "team", "partners", "indications"})
    project = services.project_create(
        actor=request.auth,
        organisation=organisation,
        data=data,
        indications=[i.dict() for i in payload.indications],
        team=_records(Person, payload.team, "team"),
        partners=_records(Organisation, payload.partners, "partners"),
    )
    return Status(201, _detail(_project(project.pk, request.auth)))


@router.get("/projects/{int:pk}", response=ProjectDetailOut, operation_id="get_project")
def get_project(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    project = _project(pk, request.auth)
    response["ETag"] = etag_of(project)
    return _detail(project)


@router.patch("/projects/{int:pk}", response=ProjectDetailOut, operation_id="update_project")
def update_project(request: HttpRequest, pk: int, payload: ProjectPatch, response: HttpResponse) -> Any:
    project = _project(pk, request.auth)
    expected = version_from_etag(request.headers.get("If-Match"), project)
    data = payload.dict(exclude_unset=True)
    team = data.pop("team", None)
    partners = data.pop("partners", None)
    services.project_update(
        actor=request.auth,
        project=project,
        data=data,
        team=_records(Person, team, "team") if team is not None else None,
        partners=_records(Organisation, partners, "partners") if partners is not None else None,
        expected_version=expected,
    )
    updated = _project(pk, request.auth)
    response["ETag"] = etag_of(updated)
    return _detail(updated)


class IndicationBody(Schema):
    name_zh: str = ""
    name_en: str = ""
    therapeutic_area: str = ""


@router.post(
    "/projects/{int:pk}/indications", response={201: ProjectDetailOut}, operation_id="add_indication"
)
def add_indication(request: HttpRequest, pk: int, payload: IndicationBody) -> Any:
    project = _project(pk, request.auth)
    services.indication_add(actor=request.auth, project=project, **payload.dict())
    return Status(201, _detail(_project(pk, request.auth)))


@router.get("/projects/{int:pk}/stages", response=list[StageEventOut], operation_id="list_stages")
def list_stages(request: HttpRequest, pk: int) -> Any:
    return [_event(e) for e in selectors.stage_history(_project(pk, request.auth))]


def _event(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "indication_id": e.indication_id,
        "stage": e.stage,
        "date": e.date,
        "approval_number": e.approval_number,
        "trial_id": e.trial_id,
        "document_id": e.document_id,
        "reason": e.reason,
        "direction": e.direction,
        "recorded_label": e.recorded_label,
        "next_stage": e.next_stage,
        "duration_days": e.duration_days,
    }


@router.post("/projects/{int:pk}/stages", response={201: StageEventOut}, operation_id="record_stage")
def record_stage(request: HttpRequest, pk: int, payload: StageIn) -> Any:
    project = _project(pk, request.auth)
    indication = Indication.objects.filter(pk=payload.indication, project=project).first()
    if indication is None:
        raise ValidationFailed(_("the project has no indication %(id)s") % {"id": payload.indication}, field="indication")
    document = None
    if payload.document is not None:
        document = Source.objects.filter(pk=payload.document).first()
        if document is None:
            raise ValidationFailed(_("no document %(id)s") % {"id": payload.document}, field="document")
    event = services.stage_record(
        actor=request.auth,
        project=project,
        indication=indication,
        stage=payload.stage,
        date=payload.date,
        approval_number=payload.approval_number,
        trial_id=payload.trial_id,
        document=document,
        reason=payload.reason,
    )
    return Status(201, _event(event))


def portfolio_payload(data: selectors.Portfolio) -> dict[str, Any]:
    return {
        "total": data.total,
        "no_development": data.no_development,
        "no_development_cutoff": data.cutoff,
        "funnel": data.funnel,
        "modalities": [
            {"key": m["modality"], "label": m["label"], "count": m["count"]} for m in data.modalities
        ],
        "therapeutic_areas": [
            {"key": a["area"], "label": area_label(a["area"]), "count": a["count"]} for a in data.areas
        ],
        "stage_times": [vars(t) for t in data.stage_times],
        "transitions": [vars(t) for t in data.transitions],
    }


@router.get("/portfolio", response=PortfolioOut, operation_id="portfolio")
def portfolio(request: HttpRequest, filters: Query[PortfolioFilters]) -> Any:
    data = selectors.portfolio(
        user=request.auth, park=filters.park, organisation=filters.organisation, modality=filters.modality
    )
    return portfolio_payload(data)


@router.get("/portfolio.xlsx", operation_id="portfolio_xlsx")
def portfolio_xlsx(request: HttpRequest, filters: Query[PortfolioFilters]) -> HttpResponse:
    data = selectors.portfolio(
        user=request.auth, park=filters.park, organisation=filters.organisation, modality=filters.modality
    )
    projects = selectors.filter_projects(
        selectors.portfolio_scope(request.auth),
        park=filters.park,
        organisation=filters.organisation,
        modality=filters.modality,
    )
    response = HttpResponse(
        export.portfolio_xlsx(data, projects),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="biopark-portfolio.xlsx"'
    return response

"""REST endpoints of the service desk, mounted at /api/v1/services/."""

from typing import Any

from django.contrib.auth import get_user_model
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from biopark.accounts import policy
from biopark.core import uploads
from biopark.core.errors import NotFound, ValidationFailed
from biopark.core.pagination import Page, paginate
from biopark.core.schema_types import SafeText, choice
from biopark.ecosystem.models import STAGE_CODES, Organisation, Platform
from biopark.pipeline.models import Project
from biopark.services import files, selectors, services
from biopark.services.models import Category, Service, ServiceRequest, State
from biopark.services.rules import TRANSITIONS
from biopark.services.schemas import (
    AssignIn,
    AttachmentOut,
    CommentIn,
    DeskOut,
    RatingIn,
    RequestDetailOut,
    RequestIn,
    RequestOut,
    ServiceIn,
    ServiceOut,
    TransitionIn,
)

router = Router(tags=["services"])


class CatalogueFilters(Schema):
    q: SafeText | None = None
    category: choice(Category.values) | None = None  # type: ignore[valid-type]
    stage: choice(STAGE_CODES) | None = None  # type: ignore[valid-type]
    project: int | None = None
    park: int | None = None


class RequestFilters(Schema):
    state: choice(["open", *State.values]) | None = None  # type: ignore[valid-type]
    overdue: bool = False
    page: int = 1
    page_size: int = 50


def _service(pk: int) -> Service:
    service = Service.objects.filter(pk=pk).first()
    if service is None:
        raise NotFound(_("no such service"))
    return service


def _project(pk: int, user: Any) -> Project:
    """A project named in a filter or a request: one the caller may not see is refused exactly like one
    that does not exist."""
    project = Project.objects.filter(pk=pk).first()
    if project is None or not policy.decide(user, policy.VIEW, project):
        raise ValidationFailed(_("no project %(id)s") % {"id": pk}, field="project")
    return project


def _request(pk: int, user: Any) -> ServiceRequest:
    found = selectors.request_detail(pk)
    # A request the caller may not see answers exactly like one that does not exist.
    if found is None or not policy.decide(user, policy.VIEW, found):
        raise NotFound(_("no such service request"))
    return found


def _out(r: ServiceRequest, user: Any, detail: bool = False) -> dict[str, Any]:
    data = {
        f: getattr(r, f)
        for f in (
            "id",
            "service_id",
            "project_id",
            "requester_organisation_id",
            "provider_organisation_id",
            "park_id",
            "title",
            "details",
            "state",
            "assignee_id",
            "due_on",
            "submitted_at",
            "accepted_at",
            "started_at",
            "delivered_at",
            "ended_at",
            "rating",
        )
    }
    data["overdue"] = selectors.is_overdue(r)
    data["allowed_transitions"] = TRANSITIONS.allowed_targets(user, r)
    if detail:
        data["events"] = list(r.events.all())
        data["attachments"] = list(r.attachments.all())
    return data


@router.get("/catalogue", response=list[ServiceOut], operation_id="list_services")
def list_services(request: HttpRequest, filters: Query[CatalogueFilters]) -> Any:
    if filters.project is not None:
        project = _project(filters.project, request.auth)
        return selectors.services_for_project(project)
    return selectors.catalogue(q=filters.q, category=filters.category, stage=filters.stage, park=filters.park)


@router.get("/catalogue/{int:pk}", response=ServiceOut, operation_id="get_service")
def get_service(request: HttpRequest, pk: int) -> Any:
    return _service(pk)


@router.post("/catalogue", response={201: ServiceOut}, operation_id="create_service")
def create_service(request: HttpRequest, payload: ServiceIn) -> Any:
    data = payload.dict(exclude={"provider_organisation", "provider_platform"})
    org = platform = None
    if payload.provider_organisation is not None:
        org = Organisation.objects.filter(pk=payload.provider_organisation).first()
        if org is None:
            raise ValidationFailed(
                _("no organisation %(id)s") % {"id": payload.provider_organisation}, field="provider_organisation"
            )
    if payload.provider_platform is not None:
        platform = Platform.objects.filter(pk=payload.provider_platform).first()
        if platform is None:
            raise ValidationFailed(_("no platform %(id)s") % {"id": payload.provider_platform}, field="provider_platform")
    return Status(201, services.service_create(
        actor=request.auth, data=data, provider_organisation=org, provider_platform=platform
    ))


@router.get("/requests", response=Page[RequestOut], operation_id="list_requests")
def list_requests(request: HttpRequest, filters: Query[RequestFilters]) -> Any:
    policy.require(request.auth, policy.VIEW, ServiceRequest)
    page = paginate(
        selectors.request_list(user=request.auth, state=filters.state, overdue=filters.overdue),
        filters.page,
        filters.page_size,
    )
    page["results"] = [_out(r, request.auth) for r in page["results"]]
    return page


@router.post("/requests", response={201: RequestDetailOut}, operation_id="create_request")
def create_request(request: HttpRequest, payload: RequestIn) -> Any:
    service = Service.objects.filter(pk=payload.service).first()
    if service is None:
        raise ValidationFailed(_("no service %(id)s") % {"id": payload.service}, field="service")
    project = None
    if payload.project is not None:
        project = _project(payload.project, request.auth)
    policy.require(request.auth, policy.CREATE, ServiceRequest)
    created = services.request_submit(
        actor=request.auth, service=service, title=payload.title, details=payload.details, project=project
    )
    return Status(201, _out(_request(created.pk, request.auth), request.auth, detail=True))


@router.get("/requests/{int:pk}", response=RequestDetailOut, operation_id="get_request")
def get_request(request: HttpRequest, pk: int) -> Any:
    return _out(_request(pk, request.auth), request.auth, detail=True)


@router.post("/requests/{int:pk}/transition", response=RequestDetailOut, operation_id="transition_request")
def transition_request(request: HttpRequest, pk: int, payload: TransitionIn) -> Any:
    found = _request(pk, request.auth)
    services.request_transition(
        actor=request.auth,
        request=found,
        to_state=payload.state,
        reason=payload.reason,
        rating=payload.rating,
    )
    return _out(_request(pk, request.auth), request.auth, detail=True)


@router.post("/requests/{int:pk}/comments", response={201: RequestDetailOut}, operation_id="comment_request")
def comment_request(request: HttpRequest, pk: int, payload: CommentIn) -> Any:
    services.request_comment(actor=request.auth, request=_request(pk, request.auth), text=payload.text)
    return Status(201, _out(_request(pk, request.auth), request.auth, detail=True))


@router.post("/requests/{int:pk}/assign", response=RequestDetailOut, operation_id="assign_request")
def assign_request(request: HttpRequest, pk: int, payload: AssignIn) -> Any:
    assignee = None
    if payload.assignee is not None:
        assignee = get_user_model().objects.filter(pk=payload.assignee).first()
        if assignee is None:
            raise ValidationFailed(_("no user %(id)s") % {"id": payload.assignee}, field="assignee")
    services.request_assign(actor=request.auth, request=_request(pk, request.auth), assignee=assignee)
    return _out(_request(pk, request.auth), request.auth, detail=True)


@router.post("/requests/{int:pk}/rating", response=RequestDetailOut, operation_id="rate_request")
def rate_request(request: HttpRequest, pk: int, payload: RatingIn) -> Any:
    services.request_rate(
        actor=request.auth, request=_request(pk, request.auth), rating=payload.rating, comment=payload.comment
    )
    return _out(_request(pk, request.auth), request.auth, detail=True)


@router.post("/requests/{int:pk}/attachments", response={201: AttachmentOut}, operation_id="attach_request")
def attach(request: HttpRequest, pk: int, file: File[UploadedFile]) -> Any:
    found = _request(pk, request.auth)
    uploads.check_size(file, limit=files.max_bytes())
    return Status(201, services.attachment_add(
        actor=request.auth, request=found, name=file.name or "", content=file.read()
    ))


@router.get("/requests/{int:pk}/attachments/{int:aid}", operation_id="download_attachment")
def download(request: HttpRequest, pk: int, aid: int) -> Any:
    found = _request(pk, request.auth)
    attachment = found.attachments.filter(pk=aid).first()
    if attachment is None:
        raise NotFound(_("no such attachment"))
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


@router.get("/desk", response=DeskOut, operation_id="service_desk")
def desk(request: HttpRequest, park: int | None = None) -> Any:
    data = selectors.desk(user=request.auth, park=park)
    return {
        "queue": [
            {
                "id": r.pk,
                "title": r.title,
                "state": r.state,
                "provider_organisation_id": r.provider_organisation_id,
                "age_days": r.age_days,
                "due_on": r.due_on,
                "overdue": r.overdue,
            }  # type: ignore[attr-defined]
            for r in data.queue
        ],
        "monthly": data.monthly,
        "categories": [vars(c) for c in data.categories],
        "overall": vars(data.overall),
    }

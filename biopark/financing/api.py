"""REST endpoints of the financing app, mounted at /api/v1/financing/."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from biopark.accounts import policy
from biopark.core.errors import NotFound, PermissionRefused, ValidationFailed
from biopark.core.pagination import Page, paginate
from biopark.core.writes import etag_of, version_from_etag
from biopark.ecosystem.models import Organisation
from biopark.financing import selectors, services
from biopark.financing.matching import Match
from biopark.financing.models import (
    FinancingNeed,
    Interest,
    Introduction,
    InvestorNote,
    Mandate,
    Roadshow,
    RoadshowApplication,
)
from biopark.financing.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationPatch,
    FeedbackIn,
    FeedbackOut,
    InterestIn,
    InterestOut,
    IntroductionIn,
    IntroductionOut,
    InvestorMatchOut,
    MandateIn,
    MandateOut,
    MandatePatch,
    NeedIn,
    NeedOut,
    NeedPatch,
    NoteIn,
    NoteOut,
    ProjectMatchOut,
    RoadshowDetailOut,
    RoadshowOut,
)
from biopark.pipeline.models import Project

router = Router(tags=["financing"])


class FinancingPaging(Schema):
    page: int = 1
    page_size: int = 50


class MatchPaging(Schema):
    limit: int = 20


def _limit(value: int) -> int:
    if not 1 <= value <= 100:
        raise ValidationFailed(_("limit must be from 1 to 100"), field="limit")
    return value


def _visible(model: type, user: Any, pk: int, what: str) -> Any:
    obj = model._default_manager.filter(policy.visible_filter(user, model), pk=pk).first()
    if obj is None:
        raise NotFound(_("no such %(what)s") % {"what": what})
    return obj


def _project(user: Any, pk: int, field: str | None = None) -> Project:
    project, _needs = selectors.project_for(user, pk)
    if project is None:
        if field:
            raise ValidationFailed(_("no project %(id)s") % {"id": pk}, field=field)
        raise NotFound(_("no such project"))
    return project


def _investor(user: Any) -> Organisation:
    organisation = selectors.investor_organisation(user)
    if organisation is None:
        raise PermissionRefused(_("your account is not linked to an investor organisation"))
    return organisation


def _mandate(m: Mandate) -> dict[str, Any]:
    return {"id": m.pk, "organisation_id": m.organisation_id, "name": m.name, "stages": m.stages,
            "modalities": m.modalities, "therapeutic_areas": m.therapeutic_areas, "rounds": m.rounds,
            "regions": m.regions, "ticket_min": str(m.ticket_min), "ticket_max": str(m.ticket_max),
            "currency": m.currency, "co_investment": m.co_investment, "active": m.active, "synthetic": m.synthetic,
            "version": m.version}


def _need(n: FinancingNeed) -> dict[str, Any]:
    return {"id": n.pk, "project_id": n.project_id, "round": n.round, "amount": str(n.amount),
            "currency": n.currency, "use_of_funds": n.use_of_funds, "visibility": n.visibility, "open": n.open,
            "synthetic": n.synthetic, "version": n.version, "created_at": n.created_at}


def _criteria(m: Match) -> list[dict[str, Any]]:
    return [{"key": c.key, "label": c.label, "points": c.points, "maximum": c.maximum, "reason": c.reason}
            for c in m.criteria]


# --- mandates ----------------------------------------------------------------------------------------------


@router.get("/mandates", response=Page[MandateOut], operation_id="list_mandates")
def list_mandates(request: HttpRequest, paging: Query[FinancingPaging]) -> Any:
    qs = Mandate.objects.filter(policy.visible_filter(request.auth, Mandate)).order_by("id")
    page = paginate(qs, paging.page, paging.page_size)
    page["results"] = [_mandate(m) for m in page["results"]]
    return page


@router.post("/mandates", response={201: MandateOut}, operation_id="create_mandate")
def create_mandate(request: HttpRequest, payload: MandateIn) -> Any:
    data = payload.dict(exclude={"organisation"})
    if payload.organisation is not None and policy.actor_for(request.auth).is_admin:
        organisation = Organisation.objects.filter(pk=payload.organisation).first()
        if organisation is None:
            raise ValidationFailed(_("no organisation %(id)s") % {"id": payload.organisation}, field="organisation")
    else:
        organisation = _investor(request.auth)
    return Status(201, _mandate(services.mandate_create(actor=request.auth, organisation=organisation, data=data)))


@router.get("/mandates/{int:pk}", response=MandateOut, operation_id="get_mandate")
def get_mandate(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    mandate = _visible(Mandate, request.auth, pk, _("mandate"))
    response["ETag"] = etag_of(mandate)
    return _mandate(mandate)


@router.patch("/mandates/{int:pk}", response=MandateOut, operation_id="update_mandate")
def update_mandate(request: HttpRequest, pk: int, payload: MandatePatch, response: HttpResponse) -> Any:
    mandate = _visible(Mandate, request.auth, pk, _("mandate"))
    expected = version_from_etag(request.headers.get("If-Match"), mandate)
    services.mandate_update(actor=request.auth, mandate=mandate, data=payload.dict(exclude_unset=True),
                            expected_version=expected)
    response["ETag"] = etag_of(mandate)
    return _mandate(mandate)


# --- needs -------------------------------------------------------------------------------------------------


@router.get("/needs", response=Page[NeedOut], operation_id="list_needs")
def list_needs(request: HttpRequest, paging: Query[FinancingPaging]) -> Any:
    qs = FinancingNeed.objects.filter(policy.visible_filter(request.auth, FinancingNeed)).order_by("-created_at", "id")
    page = paginate(qs, paging.page, paging.page_size)
    page["results"] = [_need(n) for n in page["results"]]
    return page


@router.post("/projects/{int:pk}/needs", response={201: NeedOut}, operation_id="create_need")
def create_need(request: HttpRequest, pk: int, payload: NeedIn) -> Any:
    project = _project(request.auth, pk)
    return Status(201, _need(services.need_create(actor=request.auth, project=project, data=payload.dict())))


@router.patch("/needs/{int:pk}", response=NeedOut, operation_id="update_need")
def update_need(request: HttpRequest, pk: int, payload: NeedPatch, response: HttpResponse) -> Any:
    need = _visible(FinancingNeed, request.auth, pk, _("financing need"))
    expected = version_from_etag(request.headers.get("If-Match"), need)
    services.need_update(actor=request.auth, need=need, data=payload.dict(exclude_unset=True),
                         expected_version=expected)
    response["ETag"] = etag_of(need)
    return _need(need)


# --- matches -----------------------------------------------------------------------------------------------


@router.get("/projects/{int:pk}/investors", response=list[InvestorMatchOut], operation_id="investors_for_project")
def investors_for_project(request: HttpRequest, pk: int, paging: Query[MatchPaging]) -> Any:
    """Investor organisations ranked for the project, each by its best mandate, with every criterion's reason."""
    project, needs = selectors.project_for(request.auth, pk)
    if project is None:
        raise NotFound(_("no such project"))
    rows = selectors.investors_for_project(request.auth, project, needs, limit=_limit(paging.limit))
    as_of = selectors.matches_as_of(investors=True)
    return [{"organisation_id": r.organisation.pk, "organisation": str(r.organisation),
             "mandate_id": r.match.mandate_id, "score": r.match.score, "criteria": _criteria(r.match),
             "as_of": as_of} for r in rows]


@router.get("/investors/{int:pk}/projects", response=list[ProjectMatchOut], operation_id="projects_for_investor")
def projects_for_investor(request: HttpRequest, pk: int, paging: Query[MatchPaging]) -> Any:
    """Projects with an open financing need the caller may see, ranked for the investor's active mandates."""
    limit = _limit(paging.limit)
    if not Mandate.objects.filter(policy.visible_filter(request.auth, Mandate), organisation_id=pk).exists():
        raise NotFound(_("no such investor"))
    rows = selectors.projects_for_investor(request.auth, pk, limit=limit)
    as_of = selectors.matches_as_of(investors=False)
    return [{"project_id": r.project.pk, "project": r.project.display_name,
             "need_id": r.need.pk if r.need else None, "mandate_id": r.match.mandate_id, "score": r.match.score,
             "criteria": _criteria(r.match), "as_of": as_of} for r in rows]


# --- interests, notes, introductions -----------------------------------------------------------------------


def _interest(i: Interest) -> dict[str, Any]:
    return {"id": i.pk, "investor_id": i.investor_id, "project_id": i.project_id, "state": i.state,
            "version": i.version, "steps": [{"state": s.state, "by": s.by_label, "at": s.at.isoformat()}
                                            for s in i.steps.all()]}


@router.get("/interests", response=Page[InterestOut], operation_id="list_interests")
def list_interests(request: HttpRequest, paging: Query[FinancingPaging]) -> Any:
    qs = Interest.objects.filter(policy.visible_filter(request.auth, Interest)).prefetch_related("steps")
    page = paginate(qs.order_by("-updated_at", "id"), paging.page, paging.page_size)
    page["results"] = [_interest(i) for i in page["results"]]
    return page


@router.post("/interests", response={201: InterestOut}, operation_id="set_interest")
def set_interest(request: HttpRequest, payload: InterestIn) -> Any:
    organisation = _investor(request.auth)
    project = _project(request.auth, payload.project, field="project")
    interest = services.interest_set(actor=request.auth, investor=organisation, project=project, state=payload.state)
    return Status(201, _interest(interest))


@router.get("/notes", response=Page[NoteOut], operation_id="list_notes")
def list_notes(request: HttpRequest, paging: Query[FinancingPaging]) -> Any:
    # The caller's own organisation's notes only: administrators may read others' notes on the admin's
    # read-only screen (docs/financing.md), not through the API.
    qs = InvestorNote.objects.filter(policy.visible_filter(request.auth, InvestorNote),
                                     investor_id=policy.actor_for(request.auth).organisation_id)
    page = paginate(qs, paging.page, paging.page_size)
    page["results"] = [{"id": n.pk, "project_id": n.project_id, "text": n.text, "author": n.author_label,
                        "created_at": n.created_at} for n in page["results"]]
    return page


@router.post("/notes", response={201: NoteOut}, operation_id="add_note")
def add_note(request: HttpRequest, payload: NoteIn) -> Any:
    organisation = _investor(request.auth)
    project = _project(request.auth, payload.project, field="project")
    n = services.note_add(actor=request.auth, investor=organisation, project=project, text=payload.text)
    return Status(201, {"id": n.pk, "project_id": n.project_id, "text": n.text, "author": n.author_label,
                        "created_at": n.created_at})


def _introduction(i: Introduction) -> dict[str, Any]:
    return {"id": i.pk, "project_id": i.project_id, "investor_id": i.investor_id, "message": i.message,
            "score": i.score, "introduced_by": i.introduced_label, "created_at": i.created_at}


@router.get("/introductions", response=Page[IntroductionOut], operation_id="list_introductions")
def list_introductions(request: HttpRequest, paging: Query[FinancingPaging]) -> Any:
    qs = Introduction.objects.filter(policy.visible_filter(request.auth, Introduction))
    page = paginate(qs, paging.page, paging.page_size)
    page["results"] = [_introduction(i) for i in page["results"]]
    return page


@router.post("/introductions", response={201: IntroductionOut}, operation_id="create_introduction")
def create_introduction(request: HttpRequest, payload: IntroductionIn) -> Any:
    project = _project(request.auth, payload.project, field="project")
    investor = Organisation.objects.filter(pk=payload.investor, kind=Organisation.Kind.INVESTOR).first()
    if investor is None:
        raise ValidationFailed(_("choose an investor organisation"), field="investor")
    _found, needs = selectors.project_for(request.auth, project.pk)
    found = [r for r in selectors.investors_for_project(request.auth, project, needs, limit=100)
             if r.organisation.pk == investor.pk]
    intro = services.introduction_create(actor=request.auth, project=project, investor=investor,
                                         message=payload.message, score=found[0].match.score if found else 0)
    return Status(201, _introduction(intro))


# --- roadshows ---------------------------------------------------------------------------------------------


def _roadshow(r: Roadshow) -> dict[str, Any]:
    return {"id": r.pk, "event_id": r.event_id, "title": r.event.title, "date": r.event.date, "park_id": r.park_id,
            "call_zh": r.call_zh, "call_en": r.call_en, "deadline": r.deadline, "synthetic": r.synthetic}


@router.get("/roadshows", response=list[RoadshowOut], operation_id="list_roadshows")
def list_roadshows(request: HttpRequest) -> Any:
    return [_roadshow(r) for r in selectors.roadshows(request.auth)]


def _roadshow_data(user: Any, pk: int) -> dict[str, Any]:
    data = selectors.roadshow_detail(user, pk)
    if data is None:
        raise NotFound(_("no such roadshow"))
    return data


@router.get("/roadshows/{int:pk}", response=RoadshowDetailOut, operation_id="get_roadshow")
def get_roadshow(request: HttpRequest, pk: int) -> Any:
    data = _roadshow_data(request.auth, pk)
    out = _roadshow(data["roadshow"])
    out["investors"] = [link.organisation_id for link in data["investors"]]
    out["applications"] = [{"id": a.pk, "project_id": a.project_id, "status": a.status, "pitch": a.pitch}
                           for a, _items in data["applications"]]
    out["feedback"] = [{"id": f.pk, "investor_id": f.investor_id, "project_id": f.project_id, "rating": f.rating,
                        "comment": f.comment, "follow_up": f.follow_up}
                       for _a, items in data["applications"] for f in items]
    return out


@router.post("/roadshows/{int:pk}/applications", response={201: ApplicationOut}, operation_id="apply_to_roadshow")
def apply_to_roadshow(request: HttpRequest, pk: int, payload: ApplicationIn) -> Any:
    roadshow = _roadshow_data(request.auth, pk)["roadshow"]
    project = _project(request.auth, payload.project, field="project")
    a = services.application_submit(actor=request.auth, roadshow=roadshow, project=project, pitch=payload.pitch)
    return Status(201, {"id": a.pk, "project_id": a.project_id, "status": a.status, "pitch": a.pitch})


@router.patch("/applications/{int:pk}", response=ApplicationOut, operation_id="decide_application")
def decide_application(request: HttpRequest, pk: int, payload: ApplicationPatch) -> Any:
    a = _visible(RoadshowApplication, request.auth, pk, _("application"))
    services.application_decide(actor=request.auth, application=a, status=payload.status)
    return {"id": a.pk, "project_id": a.project_id, "status": a.status, "pitch": a.pitch}


@router.post("/roadshows/{int:pk}/feedback", response={201: FeedbackOut}, operation_id="give_feedback")
def give_feedback(request: HttpRequest, pk: int, payload: FeedbackIn) -> Any:
    roadshow = _roadshow_data(request.auth, pk)["roadshow"]
    organisation = _investor(request.auth)
    project = Project.objects.filter(pk=payload.project, roadshow_applications__roadshow=roadshow).first()
    if project is None:
        raise ValidationFailed(_("the project was not selected for this roadshow"), field="project")
    f = services.feedback_give(actor=request.auth, roadshow=roadshow, investor=organisation, project=project,
                               rating=payload.rating, comment=payload.comment, follow_up=payload.follow_up)
    return Status(201, {"id": f.pk, "investor_id": f.investor_id, "project_id": f.project_id, "rating": f.rating,
                        "comment": f.comment, "follow_up": f.follow_up})

"""Service desk pages: thin views over the selectors and services. Every DomainError is shown on the page
with its 4xx status; the request page's actions answer htmx with the page's `panel` partial."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from biopark.accounts import policy
from biopark.core import formatting, uploads
from biopark.core.errors import DomainError, NotFound, PermissionRefused, ValidationFailed
from biopark.core.handlers import forbidden as _forbidden
from biopark.core.params import BadParameter, Params
from biopark.ecosystem.models import STAGES, Platform
from biopark.pipeline import charts
from biopark.pipeline.models import Project
from biopark.pipeline.selectors import visible_projects
from biopark.services import files, forms, selectors, services
from biopark.services.models import Category, Service, ServiceRequest, State
from biopark.services.rules import ADMIN, OPERATOR, PROVIDER, REQUESTER, TRANSITIONS, parties


def _int(value: Any, name: str) -> int | None:
    """An id posted in a form: the same rules as an id in a query (a whole number an id column can hold)."""
    if value in (None, ""):
        return None
    try:
        return Params({name: str(value)}).int(name)
    except BadParameter as exc:  # a form field, not a query: 422 like the form's other errors
        raise ValidationFailed(exc.message, field=name) from exc


def _own_projects(user: Any) -> list[Project]:
    """The projects of the user's organisation (for 'services that fit this project' and the request form)."""
    actor = policy.actor_for(user)
    if not actor.organisation_id:
        return []
    return list(visible_projects(user).filter(organisation_id=actor.organisation_id).order_by("-id")[:200])


def catalogue(request: HttpRequest) -> HttpResponse:
    get = Params(request.GET)
    params = {
        "q": get.text("q") or None, "category": get.choice("category", Category.choices) or None,
        "stage": get.choice("stage", STAGES) or None, "project": str(get.int("project") or "") or None,
    }
    context: dict[str, Any] = {
        "params": params,
        "categories": Category.choices,
        "stages": STAGES,
        "projects": _own_projects(request.user),
        "project": None,
        "services": [],
        "error": "",
        "may_create": policy.decide(request.user, policy.CREATE, Service).allowed,
    }
    status = 200
    try:
        project_id = _int(params["project"], "project")
        if project_id is not None:
            project = Project.objects.filter(pk=project_id).first()
            # One the user may not see is refused like one that does not exist.
            if project is None or not policy.decide(request.user, policy.VIEW, project):
                raise NotFound(_("No such project"), field="project")
            context["project"] = project
            context["project_stage"] = str(dict(STAGES).get(selectors.project_stage(project), ""))
            context["services"] = selectors.services_for_project(project)
        else:
            context["services"] = selectors.catalogue(
                q=params["q"], category=params["category"], stage=params["stage"]
            )
    except DomainError as exc:
        context["error"], status = exc.message, exc.status
    template = "services/catalogue.html#results" if request.htmx else "services/catalogue.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=status)


def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = selectors.catalogue_service(pk)
    if service is None:
        raise Http404(_("No such service"))
    may_request = policy.decide(request.user, policy.CREATE, ServiceRequest)
    error, fields, status = "", {}, 200
    if request.method == "POST":
        if not may_request:
            return _forbidden(request, may_request.reason)
        try:
            project = None
            project_id = _int(request.POST.get("project"), "project")
            if project_id is not None:
                project = Project.objects.filter(pk=project_id).first()
                if project is None or not policy.decide(request.user, policy.VIEW, project):
                    raise ValidationFailed(_("No such project"), field="project")
            upload = request.FILES.get("file")
            attachment = None
            if upload is not None:
                uploads.check_size(upload, limit=files.max_bytes())
                attachment = (upload.name or "", upload.read())
            created = services.request_submit(
                actor=request.user,
                service=service,
                title=request.POST.get("title", ""),
                details=request.POST.get("details", ""),
                project=project,
                attachment=attachment,
            )
        except DomainError as exc:
            error, fields, status = exc.message, exc.fields, exc.status
        else:
            messages.success(request, _("Request submitted."))
            return redirect(f"/services/requests/{created.pk}/")
    context = {
        "service": service,
        "may_request": may_request.allowed,
        "refusal": may_request.reason,
        "projects": _own_projects(request.user) if may_request else [],
        "error": error,
        "fields": fields,
        "post": request.POST if error else {},
        "preselected": request.GET.get("project", ""),
        "may_edit": policy.decide(request.user, policy.CHANGE, service).allowed,
        "max_mb": files.max_bytes() // (1024 * 1024),
        "allowed_files": ", ".join(files.ALLOWED),
    }
    return render(request, "services/service.html", context, status=status)


def request_list(request: HttpRequest) -> HttpResponse:
    decision = policy.decide(request.user, policy.VIEW, ServiceRequest)
    if not decision:
        return _forbidden(request, decision.reason)
    get = Params(request.GET)
    state, overdue = get.choice("state", [("open", _("Open")), *State.choices]) or None, get.flag("overdue")
    params = {"state": state, "overdue": overdue}
    context: dict[str, Any] = {"params": params, "states": [("open", _("Open")), *State.choices], "error": ""}
    status = 200
    try:
        qs = selectors.request_list(user=request.user, state=state, overdue=overdue)
        page = Paginator(qs, 50).get_page(get.int("page", maximum=10**6))
        context["page"] = page
        context["rows"] = [(r, selectors.is_overdue(r)) for r in page.object_list]
    except DomainError as exc:
        context["error"], status = exc.message, exc.status
    template = "services/requests.html#results" if request.htmx else "services/requests.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=status)


# --- one request --------------------------------------------------------------------------------


def _load(request: HttpRequest, pk: int) -> ServiceRequest:
    found = selectors.request_detail(pk)
    # A request the user may not see answers exactly like one that does not exist.
    if found is None or not policy.decide(request.user, policy.VIEW, found):
        raise Http404(_("No such request"))
    return found


# What each move is called on its button: the action a person takes, not the state it leads to.
_VERBS: dict[tuple[str, str], Any] = {
    (State.DELIVERED, State.IN_PROGRESS): pgettext_lazy("service request action", "Send back for rework"),
}
_VERB_TO: dict[str, Any] = {
    State.ACCEPTED: pgettext_lazy("service request action", "Accept"),
    State.IN_PROGRESS: pgettext_lazy("service request action", "Start"),
    State.DELIVERED: pgettext_lazy("service request action", "Deliver"),
    State.CLOSED: pgettext_lazy("service request action", "Close"),
    State.WITHDRAWN: pgettext_lazy("service request action", "Withdraw"),
    State.REJECTED: pgettext_lazy("service request action", "Reject"),
    State.CANCELLED: pgettext_lazy("service request action", "Cancel the request"),
}


def verb(from_state: str, to_state: str) -> str:
    return str(_VERBS.get((from_state, to_state)) or _VERB_TO.get(to_state) or State(to_state).label)


def _buttons(user: Any, req: ServiceRequest) -> list[dict[str, Any]]:
    """The moves this user may make now, asked of the transition policy one by one; the others are not shown.
    (A reason a move needs is asked for in its form, so the policy is asked with one assumed.)"""
    buttons = []
    for to in TRANSITIONS.targets(req.state):
        if not TRANSITIONS.check(user, req, to, reason="-"):
            continue
        step = TRANSITIONS.steps[(req.state, to)]
        buttons.append({"state": to, "label": verb(req.state, to), "needs_reason": step.needs_reason,
                        "danger": to in (State.REJECTED, State.CANCELLED, State.WITHDRAWN)})
    return buttons


def _request_context(request: HttpRequest, req: ServiceRequest, **extra: Any) -> dict[str, Any]:
    hats = parties(policy.actor_for(request.user), req)
    context = {
        "req": req,
        "overdue": selectors.is_overdue(req),
        "events": list(req.events.all()),
        "attachments": list(req.attachments.all()),
        "buttons": _buttons(request.user, req),
        "may_comment": policy.decide(request.user, policy.CHANGE, req).allowed,
        "may_assign": bool(hats & {ADMIN, OPERATOR, PROVIDER}) and req.is_open,
        "assignable": services.assignable_users(req) if hats & {ADMIN, OPERATOR, PROVIDER} else [],
        "may_rate": bool(hats & {REQUESTER, ADMIN}) and req.state in (State.DELIVERED, State.CLOSED),
        # The requester says how it went when closing; the desk closing for them is not asked for a rating.
        "rates_on_close": REQUESTER in hats,
        "ratings": range(1, 6),
        "max_mb": files.max_bytes() // (1024 * 1024),
        "allowed_files": ", ".join(files.ALLOWED),
        "error": "",
        "fields": {},
    }
    context.update(extra)
    return context


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        req = _load(request, pk)
    except PermissionRefused as exc:
        return _forbidden(request, exc.message)
    return render(request, "services/request.html", _request_context(request, req))


def _act(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    """Run one action on a request; answer htmx with the panel, a plain form post with a redirect or the page."""
    try:
        req = _load(request, pk)
    except PermissionRefused as exc:
        return _forbidden(request, exc.message)
    error, fields, status = "", {}, 200
    try:
        action(req)
    except DomainError as exc:
        error, fields, status = exc.message, exc.fields, exc.status
    else:
        if not request.htmx:  # type: ignore[attr-defined]
            messages.success(request, done)
            return redirect(f"/services/requests/{pk}/")
    fresh = selectors.request_detail(pk)
    assert fresh is not None
    context = _request_context(request, fresh, error=error, fields=fields, notice="" if error else done)
    template = "services/request.html#panel" if request.htmx else "services/request.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=status)


def _rating(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("the rating is a whole number from 1 to 5"), field="rating") from exc


@require_POST
def request_transition(request: HttpRequest, pk: int) -> HttpResponse:
    def action(req: ServiceRequest) -> None:
        to_state = request.POST.get("state", "")
        rating = _rating(request.POST.get("rating"))
        # Closing is where the requester says how it went: no rating is assumed for them.
        is_requester = REQUESTER in parties(policy.actor_for(request.user), req)
        if to_state == State.CLOSED and rating is None and req.state == State.DELIVERED and is_requester:
            raise ValidationFailed(_("choose a rating from 1 to 5 to close the request"), field="rating")
        services.request_transition(
            actor=request.user, request=req, to_state=to_state, reason=request.POST.get("reason", ""), rating=rating,
        )

    return _act(request, pk, action, _("State changed."))


@require_POST
def request_comment(request: HttpRequest, pk: int) -> HttpResponse:
    def action(req: ServiceRequest) -> None:
        services.request_comment(actor=request.user, request=req, text=request.POST.get("text", ""))

    return _act(request, pk, action, _("Comment added."))


@require_POST
def request_assign(request: HttpRequest, pk: int) -> HttpResponse:
    def action(req: ServiceRequest) -> None:
        assignee = None
        assignee_id = _int(request.POST.get("assignee"), "assignee")
        if assignee_id is not None:
            assignee = get_user_model().objects.filter(pk=assignee_id).first()
            if assignee is None:
                raise ValidationFailed(_("No such user"), field="assignee")
        services.request_assign(actor=request.user, request=req, assignee=assignee)

    return _act(request, pk, action, _("Assignee saved."))


@require_POST
def request_rate(request: HttpRequest, pk: int) -> HttpResponse:
    def action(req: ServiceRequest) -> None:
        rating = _rating(request.POST.get("rating"))
        if rating is None:
            raise ValidationFailed(_("choose a rating from 1 to 5"), field="rating")
        services.request_rate(
            actor=request.user, request=req, rating=rating, comment=request.POST.get("comment", "")
        )

    return _act(request, pk, action, _("Thank you for your rating."))


@require_POST
def request_attach(request: HttpRequest, pk: int) -> HttpResponse:
    def action(req: ServiceRequest) -> None:
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(_("choose a file"), field="file")
        uploads.check_size(upload, limit=files.max_bytes())
        services.attachment_add(actor=request.user, request=req, name=upload.name or "", content=upload.read())

    return _act(request, pk, action, _("File attached."))


def attachment_download(request: HttpRequest, pk: int, aid: int) -> HttpResponseBase:
    try:
        req = _load(request, pk)
    except PermissionRefused as exc:
        return _forbidden(request, exc.message)
    attachment = req.attachments.filter(pk=aid).first()
    if attachment is None:
        raise Http404(_("No such file"))
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


# --- the operator's desk --------------------------------------------------------------------------


def desk(request: HttpRequest) -> HttpResponse:
    try:
        park = Params(request.GET).int("park")
        data = selectors.desk(user=request.user, park=park)
    except PermissionRefused as exc:
        return _forbidden(request, exc.message)
    except DomainError as exc:
        return render(request, "services/desk.html", {"error": exc.message}, status=exc.status)
    cats = [c for c in data.categories if c.requests]

    def num(value: Any) -> float | None:
        return None if value is None else float(value)

    context = {
        "data": data,
        "park": park or "",
        "overdue_count": len([r for r in data.queue if getattr(r, "overdue", False)]),
        "monthly_svg": charts.vbar([(formatting.format_date(m["month"], get_language(), precision="month"), m["total"])
                                    for m in data.monthly[-12:]],
                                   title=_("Requests per month")),
        "accept_svg": charts.hbar([(c.label, num(c.median_hours_to_accept)) for c in cats],
                                  title=_("Median hours to accept")),
        "deliver_svg": charts.hbar([(c.label, num(c.median_hours_to_deliver)) for c in cats],
                                   title=_("Median hours to deliver")),
        "rating_svg": charts.hbar([(c.label, num(c.mean_rating)) for c in cats], title=_("Mean satisfaction (1–5)")),
    }
    return render(request, "services/desk.html", context)


# --- the catalogue, edited by its providers --------------------------------------------------------


def _service_form(request: HttpRequest, service: Service | None) -> HttpResponse:
    """Create (service None) or edit a catalogue entry; errors are shown beside their fields, input is kept."""
    decision = policy.decide(request.user, policy.CHANGE if service else policy.CREATE, service or Service)
    if not decision:
        return _forbidden(request, decision.reason)
    providers = None if service else forms.provider_choices(request.user)
    values, errors, message, status = forms.values_of(service), {}, "", 200
    if request.method == "POST":
        data = forms.data_from_post(request.POST)
        values = {**data, "aliases": request.POST.get("aliases", ""), "provider": request.POST.get("provider", "")}
        try:
            if service is None:
                org, platform = forms.resolve_provider(request.POST.get("provider", ""), providers or [])
                if org is None and platform is None:
                    raise ValidationFailed(_("choose the provider of this service"), field="provider")
                saved = services.service_create(
                    actor=request.user, data=data, provider_organisation=org, provider_platform=platform
                )
            else:
                saved = services.service_update(actor=request.user, service=service, data=data)
        except DomainError as exc:
            message, errors, status = exc.message, exc.fields, exc.status
        else:
            messages.success(request, _("Catalogue entry saved."))
            return redirect(f"/services/{saved.pk}/")
    shown = forms.fields(values, errors, providers)
    named = {f.name for f in shown}
    context = {
        "service": service,
        "fields": shown,
        # An error for no field of the form (or none named) is shown above the form.
        "message": message if not (set(errors) & named) else "",
    }
    return render(request, "services/service_form.html", context, status=status)


def service_new(request: HttpRequest) -> HttpResponse:
    return _service_form(request, None)


def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = Service.objects.select_related("provider_platform").filter(pk=pk).first()
    if service is None:
        raise Http404(_("No such service"))
    return _service_form(request, service)


# --- training requests, the hook the facilities pages link to ---------------------------------------


def training_request(request: HttpRequest) -> HttpResponse:
    """Ask a platform for training on one of its resources (GET ?platform=&resource= shows the form)."""
    decision = policy.decide(request.user, policy.CREATE, ServiceRequest)
    if not decision:
        return _forbidden(request, decision.reason)
    source = request.POST if request.method == "POST" else request.GET
    values = {"resource": source.get("resource", "")[:300], "note": source.get("note", "")[:5000]}
    error, fields, status = "", {}, 200
    try:
        platform_id = _int(source.get("platform"), "platform")
    except ValidationFailed as exc:
        platform_id, error, fields, status = None, exc.message, exc.fields, exc.status
    platform = Platform.objects.filter(pk=platform_id).first() if platform_id else None
    if request.method == "POST" and not error:
        try:
            created = services.training_request_create(
                actor=request.user, resource_name=values["resource"], platform_id=platform_id or 0,
                note=values["note"],
            )
        except DomainError as exc:
            error, fields, status = exc.message, exc.fields, exc.status
        else:
            messages.success(request, _("Training requested: the platform answers on the service desk."))
            return redirect(f"/services/requests/{created.pk}/")
    context = {"platform": platform, "values": values, "error": error, "fields": fields}
    return render(request, "services/training.html", context, status=status)

"""Financing pages: the investor's workspace, a project's financing, mandates and roadshows. Thin views over
the selectors and services; a failed form answers 422 with the errors next to their fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.core.errors import DomainError
from biopark.core.handlers import forbidden
from biopark.ecosystem.models import CURRENCIES, STAGES, Organisation
from biopark.financing import selectors, services
from biopark.financing.models import (
    CoInvestment,
    FinancingNeed,
    InterestState,
    Introduction,
    Mandate,
    NeedVisibility,
    Notification,
    Roadshow,
    RoadshowApplication,
    Round,
)
from biopark.pipeline.models import Modality, Project
from biopark.pipeline.vocabulary import area_choices


def _posted_id(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) <= 2**31 - 1 else 0


def _attempt(request: HttpRequest, work: Callable[[], Any], done: str) -> tuple[bool, str, dict[str, str]]:
    """Run a service call: (succeeded, error message, errors by field)."""
    try:
        work()
    except DomainError as exc:
        return False, exc.message, exc.fields
    messages.success(request, done)
    return True, "", {}


def _vocab() -> dict[str, Any]:
    return {"stage_choices": STAGES, "modality_choices": Modality.choices, "area_choices": area_choices(),
            "round_choices": Round.choices, "currency_choices": CURRENCIES, "coinvest_choices": CoInvestment.choices,
            "visibility_choices": NeedVisibility.choices, "state_choices": InterestState.choices}


# --- the workspace -----------------------------------------------------------------------------------------


def workspace(request: HttpRequest) -> HttpResponse:
    """/financing/: an investor's matches, interests, notes and notices; for the park and enterprises, the
    projects seeking financing they may see and their introductions."""
    if not request.user.is_authenticated:
        return forbidden(request, _("sign in first"))
    organisation = selectors.investor_organisation(request.user)
    error, fields = "", dict[str, str]()
    if request.method == "POST" and organisation is not None:
        ok, error, fields = _investor_post(request, organisation)
        if ok:
            return redirect("/financing/")
    context: dict[str, Any] = {
        "organisation": organisation, "is_investor_role": policy.actor_for(request.user).role == Role.INVESTOR,
        "notifications": selectors.notifications(request.user), "roadshows": selectors.upcoming_roadshows(
            request.user), "error": error, "fields": fields, "post": request.POST if error else {}, **_vocab(),
    }
    if organisation is not None:
        context.update(matches=selectors.projects_for_investor(request.user, organisation.pk),
                       board=selectors.interest_board(request.user, organisation),
                       notes=selectors.notes(request.user, organisation),
                       mandates=Mandate.objects.filter(organisation=organisation).order_by("id"))
    else:
        context.update(needs=list(FinancingNeed.objects.filter(policy.visible_filter(request.user, FinancingNeed),
                                                               open=True)
                                  .select_related("project__organisation").order_by("-created_at", "id")[:100]),
                       introductions=selectors.introductions(request.user, limit=50))
    return render(request, "financing/workspace.html", context, status=422 if error else 200)


def _investor_post(request: HttpRequest, organisation: Organisation) -> tuple[bool, str, dict[str, str]]:
    project = Project.objects.filter(pk=_posted_id(request, "project")).first()
    if project is None:
        return False, _("choose a project"), {"project": _("choose a project")}
    action = request.POST.get("action", "")
    if action == "note":
        return _attempt(request, lambda: services.note_add(actor=request.user, investor=organisation, project=project,
                                                           text=request.POST.get("text", "")), _("Note saved."))
    return _attempt(request, lambda: services.interest_set(actor=request.user, investor=organisation,
                                                           project=project, state=request.POST.get("state", "")),
                    _("Interest recorded."))


def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = Notification.objects.filter(pk=pk).first()
    if notice is None or not policy.decide(request.user, policy.VIEW, notice):
        raise Http404(_("No such notification"))
    if request.method == "POST":
        services.notification_read(actor=request.user, notification=notice)
    intro = notice.introduction
    target = f"/financing/projects/{intro.project_id}/" if intro is not None else "/financing/"
    return redirect(target)


# --- a project's financing ---------------------------------------------------------------------------------


def project_financing(request: HttpRequest, pk: int) -> HttpResponse:
    project, needs = selectors.project_for(request.user, pk)
    if project is None:
        raise Http404(_("No such project"))
    may_add_need = policy.decide(request.user, policy.CHANGE, project).allowed and policy.decide(
        request.user, policy.CREATE, FinancingNeed).allowed
    may_introduce = policy.decide(request.user, policy.CREATE, Introduction(project=project)).allowed
    organisation = selectors.investor_organisation(request.user)
    error, fields = "", dict[str, str]()
    if request.method == "POST":
        ok, error, fields = _project_post(request, project, may_add_need, may_introduce, organisation)
        if ok:
            return redirect(f"/financing/projects/{project.pk}/")
    ranked = selectors.investors_for_project(request.user, project, needs) if (
        selectors.may_rank_investors(request.user) or organisation) else []
    context = {
        "project": project, "needs": needs, "may_add_need": may_add_need, "may_introduce": may_introduce,
        "ranked": ranked, "organisation": organisation,
        "introductions": selectors.introductions(request.user, project=project),
        "interests": selectors.project_interests(request.user, project),
        "notes": selectors.notes(request.user, organisation, project) if organisation else [],
        "error": error, "fields": fields, "post": request.POST if error else {}, **_vocab(),
    }
    return render(request, "financing/project.html", context, status=422 if error else 200)


def _project_post(request: HttpRequest, project: Project, may_add_need: bool, may_introduce: bool,
                  organisation: Organisation | None) -> tuple[bool, str, dict[str, str]]:
    action = request.POST.get("action", "")
    post = request.POST
    if action == "need" and may_add_need:
        data = {k: post.get(k, "") for k in ("round", "amount", "currency", "use_of_funds", "visibility")}
        return _attempt(request, lambda: services.need_create(actor=request.user, project=project, data=data),
                        _("Financing need recorded."))
    if action == "close" and may_add_need:
        need = FinancingNeed.objects.filter(project=project, pk=_posted_id(request, "need")).first()
        if need is None:
            return False, _("choose a financing need"), {"need": _("choose a financing need")}
        return _attempt(request, lambda: services.need_update(actor=request.user, need=need, data={"open": False}),
                        _("Financing need closed."))
    if action == "introduce" and may_introduce:
        investor = Organisation.objects.filter(pk=_posted_id(request, "investor"),
                                               kind=Organisation.Kind.INVESTOR).first()
        if investor is None:
            return False, _("choose an investor organisation"), {"investor": _("choose an investor organisation")}
        return _attempt(request, lambda: services.introduction_create(
            actor=request.user, project=project, investor=investor, message=post.get("message", ""),
            score=_posted_id(request, "score")), _("Introduction sent; both sides were notified."))
    if action in ("interest", "note") and organisation is not None:
        if action == "note":
            return _attempt(request, lambda: services.note_add(actor=request.user, investor=organisation,
                                                               project=project, text=post.get("text", "")),
                            _("Note saved."))
        return _attempt(request, lambda: services.interest_set(actor=request.user, investor=organisation,
                                                               project=project, state=post.get("state", "")),
                        _("Interest recorded."))
    return False, _("you may not do this here"), {}


# --- mandates ----------------------------------------------------------------------------------------------

_MANDATE_LISTS = ("stages", "modalities", "therapeutic_areas", "rounds")


def _mandate_data(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    data: dict[str, Any] = {name: post.getlist(name) for name in _MANDATE_LISTS}
    data.update({k: post.get(k, "") for k in ("name", "regions", "ticket_min", "ticket_max", "currency",
                                               "co_investment")})
    data["active"] = bool(post.get("active"))
    return data


def _mandate_values(mandate: Mandate | None, request: HttpRequest, failed: bool) -> dict[str, Any]:
    """What the mandate form shows: what was typed after an error, else the stored mandate (or defaults)."""
    if failed:
        post = request.POST
        values: dict[str, Any] = {name: post.getlist(name) for name in _MANDATE_LISTS}
        values.update({k: post.get(k, "") for k in ("name", "regions", "ticket_min", "ticket_max", "currency",
                                                     "co_investment")})
        values["active"] = bool(post.get("active"))
        return values
    if mandate is None:
        return {"currency": "CNY", "co_investment": CoInvestment.EITHER, "active": True}
    values = {name: getattr(mandate, name) for name in (*_MANDATE_LISTS, "name", "ticket_min", "ticket_max",
                                                        "currency", "co_investment", "active")}
    values["regions"] = ", ".join(mandate.regions)
    return values


def mandates(request: HttpRequest) -> HttpResponse:
    organisation = selectors.investor_organisation(request.user)
    decision = policy.decide(request.user, policy.CREATE, Mandate)
    if organisation is None or not decision:
        return forbidden(request, decision.reason or _("your account is not linked to an investor organisation"))
    error, fields = "", dict[str, str]()
    if request.method == "POST":
        ok, error, fields = _attempt(request, lambda: services.mandate_create(
            actor=request.user, organisation=organisation, data=_mandate_data(request)), _("Mandate saved."))
        if ok:
            return redirect("/financing/mandates/")
    context = {"organisation": organisation, "mandates": Mandate.objects.filter(organisation=organisation),
               "mandate": None, "v": _mandate_values(None, request, bool(error)), "error": error, "fields": fields,
               **_vocab()}
    return render(request, "financing/mandates.html", context, status=422 if error else 200)


def mandate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mandate = Mandate.objects.select_related("organisation").filter(pk=pk).first()
    if mandate is None or not policy.decide(request.user, policy.CHANGE, mandate):
        raise Http404(_("No such mandate"))
    error, fields = "", dict[str, str]()
    if request.method == "POST":
        version = _posted_id(request, "version") or None
        ok, error, fields = _attempt(request, lambda: services.mandate_update(
            actor=request.user, mandate=mandate, data=_mandate_data(request), expected_version=version),
            _("Mandate saved."))
        if ok:
            return redirect("/financing/mandates/")
        mandate.refresh_from_db()
    context = {"organisation": mandate.organisation, "mandate": mandate, "error": error, "fields": fields,
               "v": _mandate_values(mandate, request, bool(error)), **_vocab()}
    return render(request, "financing/mandate_edit.html", context, status=422 if error else 200)


# --- roadshows ---------------------------------------------------------------------------------------------


def roadshow_list(request: HttpRequest) -> HttpResponse:
    decision = policy.decide(request.user, policy.VIEW, Roadshow)
    if not decision:
        return forbidden(request, decision.reason)
    may_create = policy.decide(request.user, policy.CREATE, Roadshow).allowed
    error, fields = "", dict[str, str]()
    if request.method == "POST" and may_create:
        event = selectors.roadshow_events(request.user).filter(pk=_posted_id(request, "event")).first()
        if event is None:
            error, fields = _("choose a roadshow event"), {"event": _("choose a roadshow event")}
        else:
            data = {k: request.POST.get(k, "") for k in ("call_zh", "call_en", "deadline")}
            ok, error, fields = _attempt(request, lambda: services.roadshow_create(actor=request.user, event=event,
                                                                                   data=data), _("Roadshow opened."))
            if ok:
                return redirect("/financing/roadshows/")
    context = {"roadshows": selectors.roadshows(request.user), "may_create": may_create,
               "events": list(selectors.roadshow_events(request.user)[:100]) if may_create else [],
               "error": error, "fields": fields, "post": request.POST if error else {}}
    return render(request, "financing/roadshows.html", context, status=422 if error else 200)


def roadshow_detail(request: HttpRequest, pk: int) -> HttpResponse:
    data = selectors.roadshow_detail(request.user, pk)
    if data is None:
        raise Http404(_("No such roadshow"))
    roadshow: Roadshow = data["roadshow"]
    organisation = selectors.investor_organisation(request.user)
    attending = organisation is not None and any(link.organisation_id == organisation.pk for link in data["investors"])
    may_run = policy.decide(request.user, policy.CHANGE, roadshow).allowed
    error, fields = "", dict[str, str]()
    if request.method == "POST":
        ok, error, fields = _roadshow_post(request, roadshow, may_run, organisation if attending else None)
        if ok:
            return redirect(f"/financing/roadshows/{roadshow.pk}/")
    # The financing leads follow-ups opened live on promotion's board: linked for those who may read leads.
    lead_model = apps.get_model("promotion", "Lead")
    context = {**data, "may_run": may_run, "attending": attending, "organisation": organisation,
               "may_see_leads": policy.decide(request.user, policy.VIEW, lead_model).allowed,
               "projects": selectors.applicable_projects(request.user),
               "investor_choices": selectors.investor_choices() if may_run else [],
               "statuses": RoadshowApplication.Status.choices, "ratings": range(1, 6),
               "error": error, "fields": fields, "post": request.POST if error else {}}
    return render(request, "financing/roadshow.html", context, status=422 if error else 200)


def _roadshow_post(request: HttpRequest, roadshow: Roadshow, may_run: bool,
                   investor: Organisation | None) -> tuple[bool, str, dict[str, str]]:
    action, post = request.POST.get("action", ""), request.POST
    if action == "apply":
        found = Project.objects.filter(pk=_posted_id(request, "project")).first()
        if found is None:
            return False, _("choose a project"), {"project": _("choose a project")}
        entered: Project = found
        return _attempt(request, lambda: services.application_submit(
            actor=request.user, roadshow=roadshow, project=entered, pitch=post.get("pitch", "")),
            _("Application sent."))
    if action == "decide" and may_run:
        application = roadshow.applications.filter(pk=_posted_id(request, "application")).first()
        if application is None:
            return False, _("choose an application"), {"application": _("choose an application")}
        return _attempt(request, lambda: services.application_decide(
            actor=request.user, application=application, status=post.get("status", "")), _("Application updated."))
    if action == "investor" and may_run:
        org = Organisation.objects.filter(pk=_posted_id(request, "investor")).first()
        if org is None:
            return False, _("choose an investor organisation"), {"investor": _("choose an investor organisation")}
        return _attempt(request, lambda: services.roadshow_investor_add(actor=request.user, roadshow=roadshow,
                                                                        organisation=org), _("Investor added."))
    if action == "feedback" and investor is not None:
        project = Project.objects.filter(pk=_posted_id(request, "project")).first()
        if project is None:
            return False, _("choose a project"), {"project": _("choose a project")}
        return _attempt(request, lambda: services.feedback_give(
            actor=request.user, roadshow=roadshow, investor=investor, project=project, rating=post.get("rating", ""),
            comment=post.get("comment", ""), follow_up=bool(post.get("follow_up"))), _("Feedback saved."))
    return False, _("you may not do this here"), {}



"""Pipeline pages: thin views over the selectors and services."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.core.errors import DomainError
from biopark.core.handlers import forbidden as _forbidden
from biopark.core.models import Source
from biopark.core.params import Params
from biopark.ecosystem.models import Organisation, Park
from biopark.ecosystem.selectors import cited_passages, history_of
from biopark.pipeline import charts, export, extensions, forms, selectors, services, stages
from biopark.pipeline.models import ALL_STAGES, Modality, Project
from biopark.pipeline.rules import PORTFOLIO
from biopark.pipeline.vocabulary import area_choices, area_label


def _named_scope(request: HttpRequest, params: dict[str, Any]) -> dict[str, str]:
    """Parks and organisations chosen by name (`park_name`, `organisation_name`, with suggestions as one types)
    become the ids the selectors filter on; a name that names nothing is an error beside its field."""
    errors: dict[str, str] = {}
    for key, model in (("park", Park), ("organisation", Organisation)):
        name = Params(request.GET).text(f"{key}_name")
        if name and not params.get(key):
            try:
                params[key] = forms.resolve(model, request.user, name).pk
            except ValueError as exc:
                errors[f"{key}_name"] = str(exc)
    return errors


def _scope_names(params: dict[str, Any]) -> dict[str, str]:
    """The names of the chosen park and organisation, shown in the filter boxes (never their ids)."""
    names = {}
    for key, model in (("park", Park), ("organisation", Organisation)):
        found = model._default_manager.filter(pk=params[key]).first() if params.get(key) else None
        names[key] = found.display_name if found is not None else ""  # type: ignore[attr-defined]
    return names


def _filters(request: HttpRequest, *names: str) -> dict[str, Any]:
    """The list's and the portfolio's filters, checked (a bad one answers 400 naming it)."""
    get = Params(request.GET)
    readers = {
        "q": lambda: get.text("q"),
        "park": lambda: get.int("park"),
        "organisation": lambda: get.int("organisation"),
        "modality": lambda: get.choice("modality", Modality.choices),
        "stage": lambda: get.choice("stage", [*ALL_STAGES, (selectors.NONE, _("no stage recorded"))]),
    }
    return {name: readers[name]() or None for name in names}


def project_list(request: HttpRequest) -> HttpResponse:
    params = _filters(request, "q", "park", "organisation", "modality", "stage")
    qs = selectors.project_list(user=request.user, stale=Params(request.GET).flag("stale"),
                                   moved=Params(request.GET).flag("moved"), **params)
    page = Paginator(qs, 50).get_page(Params(request.GET).int("page", maximum=10**6))
    cutoff = selectors.stale_cutoff()
    rows = [(p, selectors.is_stale(p, cutoff)) for p in page.object_list]
    template = "pipeline/list.html#results" if request.htmx else "pipeline/list.html"  # type: ignore[attr-defined]
    return render(request, template, {"page": page, "rows": rows, "params": params, "stages": ALL_STAGES,
                                      "modalities": Modality.choices,
                                      "may_portfolio": policy.decide(request.user, PORTFOLIO, Project).allowed,
                                      "may_create": policy.decide(request.user, policy.CREATE, Project).allowed})


def _posted_id(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) <= 2**31 - 1 else 0


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_detail(pk)
    # A project the user may not see answers exactly like one that does not exist.
    if project is None or not policy.decide(request.user, policy.VIEW, project):
        raise Http404(_("No such project"))
    may_change = policy.decide(request.user, policy.CHANGE, project).allowed
    error, fields = "", {}
    if request.method == "POST" and may_change:
        # Whatever was typed for a choice that is not an id chooses nothing (the form then names the field).
        indication = project.indications.filter(pk=_posted_id(request, "indication")).first()
        document = Source.objects.filter(pk=_posted_id(request, "document")).first()
        try:
            if indication is None:
                raise DomainError(_("choose an indication"), field="indication")
            services.stage_record(
                actor=request.user, project=project, indication=indication, stage=request.POST.get("stage", ""),
                date=request.POST.get("date", ""), approval_number=request.POST.get("approval_number", ""),
                trial_id=request.POST.get("trial_id", ""), document=document, reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            error, fields = exc.message, exc.fields
        else:
            messages.success(request, _("Stage recorded."))
            return redirect(f"/pipeline/{project.pk}/")
    context = {
        "project": project,
        "stale": selectors.is_stale(project, selectors.stale_cutoff()),
        "events": selectors.stage_history(project),
        "citations": cited_passages(project, request.user),
        "history": history_of(project) if request.user.is_authenticated else [],
        "bookings": extensions.project_bookings(request.user, project),
        "may_change": may_change,
        "may_request_service": _may_request_service(request.user, project),
        "team": [(p, (project.team_roles or {}).get(str(p.pk), "")) for p in project.team.all()],
        "evidence_table": _evidence_table(),
        "area_options": area_choices(),
        "stages": ALL_STAGES,
        "error": error,
        "fields": fields,
        "post": request.POST if error else {},
    }
    return render(request, "pipeline/detail.html", context, status=422 if error else 200)


def _may_request_service(user: Any, project: Project) -> bool:
    """Members of the project's organisation ask the service desk for it (the desk's own rule decides)."""
    actor = policy.actor_for(user)
    return bool(actor.organisation_id) and actor.organisation_id == project.organisation_id and actor.role in (
        Role.ENTERPRISE_MEMBER, Role.PLATFORM_MANAGER)


def _evidence_table() -> list[tuple[str, str, str]]:
    """What each stage needs on record, from the stage rules (biopark.pipeline.stages)."""
    what = {
        stages.APPROVAL: _("an approval or filing number"),
        stages.TRIAL: _("a trial registration number or a document"),
    }
    rows = []
    for code, label in ALL_STAGES:
        needed = stages.EVIDENCE_REQUIRED.get(code)
        if needed:
            need = what[needed[0]]
        elif code in stages.HALTS:
            need = _("a reason")
        elif code == "ind":
            need = _("nothing required; the IND acceptance number is worth recording")
        else:
            need = _("a date")
        rows.append((code, str(label), str(need)))
    return rows


def portfolio(request: HttpRequest) -> HttpResponse:
    decision = policy.decide(request.user, PORTFOLIO, Project)
    if not decision:
        return _forbidden(request, decision.reason)
    params = _filters(request, "park", "organisation", "modality")
    errors = _named_scope(request, params)
    data = selectors.portfolio(user=request.user, **params)
    query = {k: v for k, v in params.items() if v}
    context = {
        "data": data,
        "params": params,
        "names": {**_scope_names(params), **{k: Params(request.GET).text(k) or "" for k in errors}},
        "errors": errors,
        "modalities": Modality.choices,
        "funnel_svg": charts.hbar([(r["label"], r["reached"]) for r in data.funnel if r["reached"] is not None],
                                  title=_("Projects that reached each stage")),
        "modality_svg": charts.hbar([(m["label"], m["count"]) for m in data.modalities], title=_("By modality")),
        "area_svg": charts.hbar(
            [(area_label(a["area"]), a["count"]) for a in data.areas[:12]], title=_("By therapeutic area")
        ),
        "time_svg": charts.hbar([(t.label, t.median) for t in data.stage_times], title=_("Median days in stage")),
        "query": urlencode(query),
    }
    return render(request, "pipeline/portfolio.html", context, status=422 if errors else 200)


def portfolio_xlsx(request: HttpRequest) -> HttpResponse:
    decision = policy.decide(request.user, PORTFOLIO, Project)
    if not decision:
        return _forbidden(request, decision.reason)
    params = _filters(request, "park", "organisation", "modality")
    _named_scope(request, params)
    data = selectors.portfolio(user=request.user, **params)
    projects = selectors.filter_projects(selectors.portfolio_scope(request.user), **params)
    response = HttpResponse(export.portfolio_xlsx(data, projects),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="biopark-portfolio.xlsx"'
    return response

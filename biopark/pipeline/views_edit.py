"""Project pages that write: the new-project and edit forms, adding an indication, and the name suggestions
the forms' and the portfolio's name boxes ask for as one types (htmx fills a datalist)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.core.errors import DomainError
from biopark.core.handlers import forbidden as _forbidden
from biopark.core.params import Params
from biopark.pipeline import forms, selectors, services
from biopark.pipeline.models import Project

_SHOWN = {"name_zh", "name_en", "aliases", "organisation", "modality", "visibility", "therapeutic_areas", "targets",
          "indications", "team", "partners"}
_BOXES = ("q", "organisation", "team_name", "partner", "park_name", "organisation_name")


class _FormInvalid(Exception):
    """The form has errors of its own (names that name nothing): nothing is written."""


def _save(request: HttpRequest, form: forms.ProjectForm, project: Project | None) -> Project:
    data = forms.service_data(form)
    people, roles = forms.people_and_roles(form, request.user)
    partners = forms.partner_list(form, request.user)
    if project is None:
        organisation = forms.organisation_choice(form, request.user)
        if form.errors or organisation is None:
            raise _FormInvalid
        return services.project_create(
            actor=request.user, organisation=organisation, data=data, indications=forms.indications_of(form),
            team=people, partners=partners, team_roles=roles,
        )
    if form.errors:
        raise _FormInvalid
    return services.project_update(
        actor=request.user, project=project, data=data, team=people,
        partners=[p for p in partners if p.pk != project.organisation_id], team_roles=roles,
    )


def _form_page(request: HttpRequest, project: Project | None) -> HttpResponse:
    decision = policy.decide(request.user, policy.CHANGE if project else policy.CREATE, project or Project)
    if not decision:
        return _forbidden(request, decision.reason)
    form, message, status = forms.initial(project), "", 200
    if request.method == "POST":
        form = forms.from_post(request.POST)
        try:
            with transaction.atomic():
                saved = _save(request, form, project)
        except _FormInvalid:
            status = 422
        except DomainError as exc:
            status = exc.status
            # "indications.name_zh" is the indications box; a field the form does not show goes on top.
            shown = {name.split(".")[0]: text for name, text in exc.fields.items() if name.split(".")[0] in _SHOWN}
            form.errors.update(shown)
            message = "" if shown else exc.message
        else:
            messages.success(request, _("Project saved."))
            return redirect(f"/pipeline/{saved.pk}/")
        if status == 422 and not message:
            message = _("The project was not saved: correct the fields marked below.")
    actor = policy.actor_for(request.user)
    team = list(form.team) + [("", "")] * forms.TEAM_ROWS
    partners = list(form.partners) + [""] * forms.TEAM_ROWS
    context: dict[str, Any] = {
        "project": project, "form": form, "v": form.values, "errors": form.errors, "message": message,
        "team_rows": team, "partner_rows": partners,
        "choose_organisation": project is None and actor.role not in (Role.ENTERPRISE_MEMBER, Role.PLATFORM_MANAGER),
        "own_organisation": project.organisation if project else (
            forms.organisation_choice(forms.ProjectForm(values={}), request.user)
            if actor.role in (Role.ENTERPRISE_MEMBER, Role.PLATFORM_MANAGER) else None),
        **forms.choices(),
    }
    return render(request, "pipeline/form.html", context, status=status)


def project_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_detail(pk)
    if project is None or not policy.decide(request.user, policy.VIEW, project):
        raise Http404(_("No such project"))
    return _form_page(request, project)


def indication_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_detail(pk)
    if project is None or not policy.decide(request.user, policy.VIEW, project):
        raise Http404(_("No such project"))
    if request.method != "POST":
        return redirect(f"/pipeline/{pk}/")
    try:
        services.indication_add(
            actor=request.user, project=project, name_zh=request.POST.get("name_zh", "").strip(),
            name_en=request.POST.get("name_en", "").strip(), therapeutic_area=request.POST.get("therapeutic_area", ""),
        )
    except DomainError as exc:
        if exc.status == 403:
            return _forbidden(request, exc.message)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Indication added."))
    return redirect(f"/pipeline/{pk}/#record-stage")


def suggest(request: HttpRequest, kind: str) -> HttpResponse:
    """<option>s for a datalist: the visible records whose names match what was typed (any language, pinyin,
    alias). Unknown kinds are 404; a query too long or hostile is only text to search for."""
    model = forms.WHAT.get(kind)
    if model is None:
        raise Http404(_("No such list"))
    # The box sends its own value under its own name (htmx), so no script is needed to rename it.
    get = Params(request.GET)
    q = next((t for t in (get.text(n) for n in _BOXES) if t), "")
    return render(request, "pipeline/_suggest.html", {"found": forms.suggestions(model, request.user, q)})

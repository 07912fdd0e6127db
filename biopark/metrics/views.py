"""Metrics pages: the documented indicator catalogue and the observation import form."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core import kpis, uploads
from biopark.core.errors import DomainError
from biopark.ecosystem import tabular
from biopark.metrics import selectors, services
from biopark.metrics.catalogue import PILLARS
from biopark.metrics.models import Indicator, Observation


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    return HttpResponseForbidden(render(request, "rankings/forbidden.html", {"reason": reason}).content)


def indicators(request: HttpRequest) -> HttpResponse:
    decision = policy.decide(request.user, policy.VIEW, Indicator)
    if not decision:
        return _forbidden(request, decision.reason)
    pillar_names = {p["code"]: p for p in PILLARS}
    return render(request, "metrics/indicators.html", {
        "indicators": list(selectors.indicator_list()), "pillars": pillar_names,
        "years": selectors.observation_years(),
        "may_import": policy.decide(request.user, policy.IMPORT, Observation).allowed,
        "may_enter": policy.decide(request.user, policy.CREATE, Observation).allowed,
        "kpis": {k.key: k for k in kpis.all_kpis()},
    })


def import_observations(request: HttpRequest) -> HttpResponse:
    decision = policy.decide(request.user, policy.IMPORT, Observation)
    if not decision:
        return _forbidden(request, decision.reason)
    context: dict = {"report": None, "error": ""}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(_("Choose a file."), field="file")
            uploads.check_size(upload)
            table = tabular.read_table(upload.read(), tabular.detect_format(upload.name or ""),
                                       encoding=request.POST.get("encoding") or "utf-8")
            context["report"] = services.observations_import(
                actor=request.user, table=table, dry_run=request.POST.get("apply") != "1")
            context["applied"] = request.POST.get("apply") == "1"
        except DomainError as exc:
            context["error"] = exc.message
            context["fields"] = exc.fields
    return render(request, "metrics/import.html", context)


def observation_new(request: HttpRequest) -> HttpResponse:
    """Enter one observation (park, indicator, year, value, unit, source); ``?indicator=`` preselects one."""
    decision = policy.decide(request.user, policy.CREATE, Observation)
    if not decision:
        return _forbidden(request, decision.reason)
    parks = selectors.target_parks(request.user)  # the parks the actor may write figures for (admins: all)
    values: dict[str, str] = {"indicator": request.GET.get("indicator", "")[:100],
                              "park": str(parks[0].pk) if len(parks) == 1 else ""}
    errors: dict[str, str] = {}
    message = ""
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in services.OBSERVATION_FORM_FIELDS}
        try:
            obs = services.observation_create(actor=request.user, data=values)
            messages.success(request, _("Observation saved: %(indicator)s, %(year)s.")
                             % {"indicator": obs.indicator, "year": obs.year})
            return redirect("metrics:indicators")
        except DomainError as exc:
            errors, message = exc.fields, exc.message
    return render(request, "metrics/observation_form.html", {
        "values": values, "errors": errors, "message": message, "parks": parks,
        "indicators": Indicator.objects.filter(kpi_key="", computation="").order_by("pillar", "id"),
    }, status=400 if message else 200)

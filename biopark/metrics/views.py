"""Metrics pages: the documented indicator catalogue and the observation import form."""

from __future__ import annotations

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

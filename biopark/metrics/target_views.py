"""Pages of targets (list, detail, create, edit) and of figure requests. Thin: reads through the selectors
and progress, writes through biopark.metrics.targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core import kpis
from biopark.core.errors import DomainError
from biopark.core.formatting import format_number
from biopark.core.params import MAX_ID, Params
from biopark.core.tiles import as_of_text
from biopark.ecosystem import selectors as registry
from biopark.ecosystem.models import Organisation, Platform
from biopark.metrics import charts, progress, selectors, targets
from biopark.metrics.models import Indicator, ObservationRequest, Qualifier, Target


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    return HttpResponseForbidden(render(request, "rankings/forbidden.html", {"reason": reason}).content)


def num(value: Decimal | None) -> str:
    """A stored value for people: grouped, without the trailing zeros of its six stored decimals."""
    return "" if value is None else format_number(value.normalize(), get_language())


def row(p: progress.Progress) -> dict[str, Any]:
    t = p.target
    pace = p.pace_per_year.quantize(Decimal("0.01")) if p.pace_per_year is not None else None
    return {
        "target": t, "progress": p, "status": p.status, "status_label": p.status_label,
        "qualifier": t.get_qualifier_display(), "value": num(t.target_value), "latest": num(p.latest),
        "baseline": num(t.baseline_value), "expected": num(p.expected.quantize(Decimal("0.01"))
                                                          if p.expected is not None else None),
        "pace": num(pace), "share": num(p.share), "years_left": num(p.years_left),
    }


def today() -> dt.date:
    return timezone.localdate()


def target_rows(targets_: list[Target]) -> list[dict[str, Any]]:
    rows = [row(p) for p in progress.progress_many(targets_, today=today())]
    return sorted(rows, key=lambda r: progress.STATUS_ORDER[r["status"]])


def target_list(request: HttpRequest) -> HttpResponse:
    decision = policy.decide(request.user, policy.VIEW, Target)
    if not decision:
        return _forbidden(request, decision.reason)
    params = Params(request.GET)
    try:
        park = params.text("park", max_length=200)
        year = params.raw("period").strip()
        if year and not (year.isdigit() and 1900 <= int(year) <= 2200):
            raise DomainError(_("period: enter a year between 1900 and 2200"), field="period")
        status = params.raw("status").strip()
        if status and status not in progress.STATUS_LABELS:
            raise DomainError(_("status: choose one of the listed statuses"), field="status")
    except DomainError as exc:
        return render(request, "metrics/targets.html", {"error": exc.message, "rows": [], "filters": request.GET,
                                                        "statuses": progress.STATUS_LABELS.items()}, status=400)
    rows = target_rows(selectors.target_list(user=request.user, park=park, year=int(year) if year else None))
    if status:
        rows = [r for r in rows if r["status"] == status]
    return render(request, "metrics/targets.html", {
        "rows": rows, "filters": {"park": park, "period": year, "status": status},
        "statuses": progress.STATUS_LABELS.items(), "rule": progress.STATUS_RULE,
        "may_create": policy.decide(request.user, policy.CREATE, Target).allowed,
        "may_see_requests": policy.decide(request.user, policy.VIEW, ObservationRequest).allowed,
        # Live values are computed as the page is made: the page says when.
        "as_of": as_of_text(timezone.now()),
    })


def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = policy.decide(request.user, policy.VIEW, Target)
    if not decision:
        return _forbidden(request, decision.reason)
    target = selectors.target_get(user=request.user, pk=pk)
    if target is None:
        raise Http404
    p = progress.progress_of(target, today=today())
    kpi = kpis.kpi(target.indicator.kpi_key) if target.indicator.kpi_key else None
    points = [{"on": pt.on, "value": num(pt.value), "live": pt.live, "synthetic": pt.synthetic,
               "source": pt.source} for pt in p.points]
    return render(request, "metrics/target_detail.html", {
        "t": target, "r": row(p), "kpi": kpi, "chart": charts.history_chart(p), "chart_text": charts.chart_text(p),
        "points": points, "rule": progress.STATUS_RULE,
        "citations": registry.cited_passages(target, request.user),
        "history": registry.history_of(target) if request.user.is_authenticated else [],
        "may_change": policy.decide(request.user, policy.CHANGE, target).allowed,
        "as_of": as_of_text(timezone.now()),
    })


FORM_FIELDS = targets.EDITABLE


def _form_context(request: HttpRequest, values: dict[str, Any], errors: dict[str, str], target: Target | None
                  ) -> dict[str, Any]:
    parks = selectors.target_parks(request.user)
    return {
        "values": values, "errors": errors, "t": target, "parks": parks,
        "platforms": Platform.objects.filter(park__in=parks).order_by("name_en", "id"),
        "indicators": selectors.indicator_list(), "qualifiers": Qualifier.choices,
    }


def _initial(target: Target) -> dict[str, Any]:
    return {"park": str(target.park_id), "platform": str(target.platform_id or ""),
            "indicator": target.indicator.key, "start_year": str(target.start_year),
            "end_year": str(target.end_year), "baseline_value": num(target.baseline_value).replace(",", ""),
            "baseline_on": target.baseline_on.isoformat() if target.baseline_on else "",
            "target_value": num(target.target_value).replace(",", ""), "unit": target.unit,
            "qualifier": target.qualifier, "source_note": target.source_note}


def target_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    target = None
    if pk is not None:
        target = selectors.target_get(user=request.user, pk=pk)
        if target is None:
            raise Http404
        decision = policy.decide(request.user, policy.CHANGE, target)
    else:
        decision = policy.decide(request.user, policy.CREATE, Target)
    if not decision:
        return _forbidden(request, decision.reason)
    values = _initial(target) if target is not None else {"qualifier": Qualifier.AT_LEAST}
    errors: dict[str, str] = {}
    message = ""
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in FORM_FIELDS}
        try:
            if target is None:
                target = targets.target_create(actor=request.user, data=values)
            else:
                targets.target_update(actor=request.user, target=target, data=values)
            return redirect("metrics:target", pk=target.pk)
        except DomainError as exc:
            errors, message = exc.fields, exc.message
    context = _form_context(request, values, errors, target)
    context["message"] = message
    return render(request, "metrics/target_form.html", context, status=400 if message else 200)


def requests_page(request: HttpRequest) -> HttpResponse:
    """Figure requests: the operator asks an organisation of its park; the organisation's member reports."""
    decision = policy.decide(request.user, policy.VIEW, ObservationRequest)
    if not decision:
        return _forbidden(request, decision.reason)
    errors: dict[str, str] = {}
    message = ""
    values: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("request", "value", "note", "organisation", "indicator",
                                                        "year")}
        try:
            _post_request(request, values)
            return redirect("metrics:requests")
        except DomainError as exc:
            errors, message = exc.fields, exc.message
    actor = policy.actor_for(request.user)
    may_ask = policy.decide(request.user, policy.CREATE, ObservationRequest).allowed
    organisations = (Organisation.objects.filter(park_id__in=actor.park_scope).order_by("name_en", "id")
                     if may_ask and not actor.is_admin else Organisation.objects.none())
    rows = [{"r": r, "value": num(r.value),
             "may_report": policy.decide(request.user, policy.CHANGE, r).allowed}
            for r in selectors.request_list(user=request.user)]
    return render(request, "metrics/requests.html", {
        "rows": rows, "may_ask": may_ask and not actor.is_admin, "organisations": organisations,
        "indicators": Indicator.objects.filter(kpi_key="").order_by("pillar", "id"), "errors": errors,
        "message": message, "values": values,
    }, status=400 if message else 200)


def _post_request(request: HttpRequest, values: dict[str, str]) -> None:
    if values["request"]:
        found = (ObservationRequest.objects.filter(policy.visible_filter(request.user, ObservationRequest))
                 .filter(pk=int(values["request"]) if values["request"].isdigit()
                         and int(values["request"]) <= MAX_ID else 0).first())
        if found is None:
            raise DomainError(_("no such figure request"), field="request")
        targets.observation_request_report(actor=request.user, request=found, value=values["value"],
                                           note=values["note"])
        return
    errors: dict[str, str] = {}
    org_id, code, year = values["organisation"], values["indicator"], values["year"].strip()
    organisation = (Organisation.objects.filter(pk=int(org_id)).first()
                    if org_id.isdigit() and int(org_id) <= MAX_ID else None)
    if organisation is None:
        errors["organisation"] = _("choose an organisation")
    indicator = Indicator.objects.filter(key=code).first() if code else None
    if indicator is None:
        errors["indicator"] = _("choose an indicator")
    if not (year.isdigit() and 1900 <= int(year) <= 2200):
        errors["year"] = _("enter a year between 1900 and 2200")
    if errors:
        raise DomainError(_("%(n)s field(s) to correct") % {"n": len(errors)}, fields=errors)
    assert organisation is not None and indicator is not None
    targets.observation_request_create(actor=request.user, organisation=organisation, indicator=indicator,
                                       year=int(year))

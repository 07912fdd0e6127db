"""Ranking pages: thin views over the selectors, with server-rendered SVG charts."""

from __future__ import annotations

import math
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.errors import DomainError, NotFound, PermissionRefused, ValidationFailed
from biopark.core.params import Params
from biopark.rankings import charts, exports, selectors, services, views_runs
from biopark.rankings.models import Framework, FrameworkVersion, Run
from biopark.rankings.pages import forbidden as _forbidden
from biopark.rankings.pages import framework_context as _framework_context
from biopark.rankings.pages import framework_or_404 as _framework_or_404
from biopark.rankings.pages import run_context as _run_context
from biopark.rankings.pages import run_or_refusal as _run_or_refusal


def index(request: HttpRequest) -> HttpResponse:
    decision = policy.decide(request.user, policy.VIEW, Run)
    if not decision:
        return _forbidden(request, decision.reason)
    latest = selectors.latest_runs(user=request.user)
    frameworks = [(f, latest.get(f.pk)) for f in selectors.framework_list(user=request.user)]
    return render(request, "rankings/index.html", {
        "frameworks": frameworks, "any_synthetic": any(f.synthetic for f, _r in frameworks),
        "may_create": policy.decide(request.user, policy.CREATE, Framework).allowed,
    })


def framework_detail(request: HttpRequest, key: str) -> HttpResponse:
    framework = _framework_or_404(key)
    if not policy.decide(request.user, policy.VIEW, framework):  # hidden answers like missing
        raise Http404(_("No such framework"))
    number = Params(request.GET).int("v")
    try:
        version = selectors.version_get(framework, number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return render(request, "rankings/framework.html", _framework_context(request, framework, version))


def framework_copy(request: HttpRequest, key: str) -> HttpResponse:
    """Copy a framework into a new one the copier's park owns (POST), then show the copy."""
    framework = _framework_or_404(key)
    if request.method != "POST":
        return redirect("rankings:framework", key=framework.key)
    if not request.user.is_authenticated:
        return _forbidden(request, "")
    form = {name: request.POST.get(name, "").strip() for name in ("key", "name_zh", "name_en")}
    try:
        copied = services.framework_copy(actor=request.user, framework=framework, key=form["key"],
                                         name_zh=form["name_zh"], name_en=form["name_en"])
    except PermissionRefused as exc:
        return _forbidden(request, exc.message)
    except DomainError as exc:
        context = _framework_context(request, framework, selectors.version_get(framework))
        context.update(copy=form, copy_error=exc.message, copy_fields=exc.fields)
        return render(request, "rankings/framework.html", context, status=exc.status)
    return redirect("rankings:framework", key=copied.key)


def _weight_rows(version: FrameworkVersion, names: dict[str, str], posted: Any = None) -> list[dict[str, Any]]:
    rows = []
    for r in version.imeta:
        if r.get("Type") not in ("Indicator", "Aggregate"):
            continue
        code = str(r["iCode"])
        # A weight left out of the form keeps its value.
        value = posted.get(f"w-{code}", r.get("Weight")) if posted is not None else r.get("Weight")
        rows.append({"code": code, "name": names.get(code, code), "type": r["Type"], "value": value})
    return rows


def framework_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Names, descriptions and weights of a framework, for its owners. A weight change is a new version."""
    framework = _framework_or_404(key)
    decision = policy.decide(request.user, policy.CHANGE, framework)
    if not decision:
        return _forbidden(request, decision.reason)
    version = selectors.version_get(framework)
    names = selectors.node_names(version.imeta, framework)
    texts = ("name_zh", "name_en", "description_zh", "description_en")
    error, fields = "", {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip() for name in texts}
        weights: dict[str, float] = {}
        try:
            for row in _weight_rows(version, names, request.POST):
                try:
                    weight = float(row["value"])
                except (TypeError, ValueError):
                    weight = float("nan")
                if not math.isfinite(weight) or weight < 0:
                    raise ValidationFailed(_("weight of %(code)s: give a number, 0 or more") % {"code": row["code"]},
                                           field=f"weights.{row['code']}")
                weights[row["code"]] = weight
            current = {str(r["iCode"]): r.get("Weight") for r in version.imeta}
            changed = {c: w for c, w in weights.items() if current.get(c) != w}
            services.framework_update(actor=request.user, framework=framework, weights=changed or None,
                                      note=request.POST.get("note", "").strip()[:500], name_zh=values["name_zh"],
                                      name_en=values["name_en"], description_zh=values["description_zh"],
                                      description_en=values["description_en"])
        except PermissionRefused as exc:
            return _forbidden(request, exc.message)
        except DomainError as exc:
            error, fields = exc.message, exc.fields
        else:
            return redirect("rankings:framework", key=framework.key)
    form = {name: request.POST.get(name, "") if request.method == "POST" else getattr(framework, name)
            for name in texts}
    rows = _weight_rows(version, names, request.POST if request.method == "POST" else None)
    return render(request, "rankings/framework_edit.html", {
        "framework": framework, "version": version, "form": form, "rows": rows, "error": error, "fields": fields,
        "note": request.POST.get("note", ""),
    }, status=422 if error else 200)


def run_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_refusal(request, pk)
    if isinstance(run, HttpResponse):
        return run
    if not run.built:
        return views_runs.progress(request, run)
    if getattr(request, "htmx", False) and request.htmx.trigger == "run-job":  # type: ignore[attr-defined]
        # The progress page's poll: the run is built, so the whole page (ranking and analyses) is loaded.
        return HttpResponse(headers={"HX-Refresh": "true"})
    try:
        table = selectors.ranking_table(run, Params(request.GET).text("code") or None)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    context = {**_run_context(run), **views_runs.analysis_context(run), "table": table,
               "may_publish": run.status == Run.Status.DRAFT and policy.decide(request.user, policy.CHANGE, run).allowed}
    template = "rankings/run.html#table" if getattr(request, "htmx", False) else "rankings/run.html"
    return render(request, template, context)


def run_unit(request: HttpRequest, pk: int, unit: str) -> HttpResponse:
    run = _run_or_refusal(request, pk)
    if isinstance(run, HttpResponse):
        return run
    try:
        profile = selectors.unit_profile(run, unit)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    pillars = [(name, score, rank) for _c, name, level, score, rank in profile.scores]
    top = max([s for _n, s, _r in pillars if s is not None] + [0.0])
    axis = 100.0 if 1.0 < top <= 100.0 else (1.0 if top <= 1.0 else top)
    chart = charts.score_bars(pillars, top=axis, n_units=profile.n_units, title=_("Scores of %(unit)s") % {
        "unit": profile.unit_name})
    return render(request, "rankings/unit.html", {
        **_run_context(run), "profile": profile, "chart": chart,
    })


def run_uncertainty(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_refusal(request, pk)
    if isinstance(run, HttpResponse):
        return run
    rows = selectors.uncertainty_rows(run)
    chart = charts.rank_intervals(rows, n_units=run.n_units, highlight=Params(request.GET).text("unit") or None,
                                  title=_("Rank intervals (p05–p95) with median")) if rows else ""
    return render(request, "rankings/uncertainty.html", {
        **_run_context(run), "rows": rows, "chart": chart,
    })


def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_refusal(request, pk)
    if isinstance(run, HttpResponse):
        return run
    decision = policy.decide(request.user, policy.EXPORT, run)
    if not decision:
        return _forbidden(request, decision.reason)
    return exports.xlsx_response(run)


def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect(f"/rankings/runs/{pk}/")
    run = _run_or_refusal(request, pk)
    if isinstance(run, HttpResponse):
        return run
    try:
        services.run_publish(actor=request.user, run=run)
    except DomainError as exc:
        return _forbidden(request, exc.message)
    return redirect(f"/rankings/runs/{pk}/")

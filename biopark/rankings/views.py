"""Ranking pages: thin views over the selectors, with server-rendered SVG charts."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.errors import NotFound
from biopark.core.params import Params
from biopark.rankings import charts, exports, selectors
from biopark.rankings.models import Framework, Run


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    return HttpResponseForbidden(render(request, "rankings/forbidden.html", {"reason": reason}).content)


def _run_or_refusal(request: HttpRequest, pk: int) -> Run | HttpResponse:
    try:
        run = selectors.run_get(pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if not policy.decide(request.user, policy.VIEW, run):  # hidden answers like missing
        raise Http404(_("No such run"))
    return run


def _run_context(run: Run) -> dict[str, Any]:
    names = selectors.node_names(run.imeta, run.framework)
    return {"run": run, "framework": run.framework, "tabs": [(c, names.get(c, c)) for c in run.codes],
            "synthetic": run.synthetic}


def index(request: HttpRequest) -> HttpResponse:
    decision = policy.decide(request.user, policy.VIEW, Run)
    if not decision:
        return _forbidden(request, decision.reason)
    latest = selectors.latest_runs(user=request.user)
    frameworks = [(f, latest.get(f.pk)) for f in selectors.framework_list()]
    return render(request, "rankings/index.html", {
        "frameworks": frameworks, "any_synthetic": any(f.synthetic for f, _r in frameworks),
    })


def framework_detail(request: HttpRequest, key: str) -> HttpResponse:
    framework = Framework.objects.filter(key=key).first()
    if framework is None or not policy.decide(request.user, policy.VIEW, framework):
        raise Http404(_("No such framework"))
    number = Params(request.GET).int("v")
    try:
        version = selectors.version_get(framework, number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return render(request, "rankings/framework.html", {
        "framework": framework, "version": version, "tree": selectors.framework_tree(version),
        "versions": list(framework.versions.order_by("-number")),
        "runs": list(selectors.run_list(user=request.user, framework=framework)
                     .defer("idata", "imeta", "uncertainty", "sensitivity", "strengths")[:50]),
        "synthetic": framework.synthetic,
    })


def run_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_refusal(request, pk)
    if isinstance(run, HttpResponse):
        return run
    try:
        table = selectors.ranking_table(run, Params(request.GET).text("code") or None)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    context = {**_run_context(run), "table": table,
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
        **_run_context(run), "profile": profile, "chart": mark_safe(chart),  # noqa: S308 - built with escape()
    })


def run_uncertainty(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_refusal(request, pk)
    if isinstance(run, HttpResponse):
        return run
    rows = selectors.uncertainty_rows(run)
    chart = charts.rank_intervals(rows, n_units=run.n_units, highlight=Params(request.GET).text("unit") or None,
                                  title=_("Rank intervals (p05–p95) with median")) if rows else ""
    return render(request, "rankings/uncertainty.html", {
        **_run_context(run), "rows": rows, "chart": mark_safe(chart),  # noqa: S308 - built with escape()
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
    from biopark.core.errors import DomainError
    from biopark.rankings import services

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

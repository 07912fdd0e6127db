"""Runs started from the web: the start form's handler, the progress page a queued run shows while a
background worker builds it, and the analysis (rank intervals, Sobol indices) shown beside a ranking."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.errors import DomainError, PermissionRefused, ValidationFailed
from biopark.rankings import jobs, labels, selectors, services
from biopark.rankings.models import Framework, Run
from biopark.rankings.pages import forbidden as _forbidden
from biopark.rankings.pages import framework_context as _framework_context
from biopark.rankings.pages import framework_or_404 as _framework_or_404
from biopark.rankings.pages import run_context as _run_context
from biopark.rankings.pages import start_context


def run_start(request: HttpRequest, key: str) -> HttpResponse:
    """Queue a run of the framework's current version (POST); the browser goes to the run's page."""
    framework = _framework_or_404(key)
    if not policy.decide(request.user, policy.VIEW, framework):
        raise Http404(_("No such framework"))
    if request.method != "POST":
        return redirect("rankings:framework", key=framework.key)
    if not request.user.is_authenticated:
        return _forbidden(request, "")
    label = request.POST.get("label", "").strip()[:200]
    publish = request.POST.get("publish") == "1"
    try:
        year: int | None = None
        idata = None
        if framework.kind == Framework.Kind.PARK:
            try:
                year = int(request.POST.get("year", ""))
            except ValueError:
                raise ValidationFailed(_("year: give the year of the observations (1900–2200)"),
                                       field="year") from None
        else:
            source = start_context(request, framework)["run_source"]
            if source is None:
                raise ValidationFailed(_("this framework has no data yet: its first run is built through the API "
                                         "with its data table"), field="idata")
            idata = Run.objects.values_list("idata", flat=True).get(pk=source.pk)
            year = source.year
        run = services.run_queue(actor=request.user, framework=framework, year=year, idata=idata, label=label,
                                 publish=publish)
    except PermissionRefused as exc:
        return _forbidden(request, exc.message)
    except DomainError as exc:
        context = _framework_context(request, framework, selectors.version_get(framework))
        context.update(start_context(request, framework), run_error=exc.message, run_fields=exc.fields)
        return render(request, "rankings/framework.html", context, status=exc.status)
    return redirect("rankings:run", pk=run.pk)


def progress(request: HttpRequest, run: Run) -> HttpResponse:
    """The page of a run that is not built yet: its state, polled until it ends."""
    if not run.job_finished:
        jobs.expire_stale()  # a page looking at a dead run reports it even when no worker sweeps
        run.refresh_from_db()
    if run.built:
        return redirect("rankings:run", pk=run.pk)
    stage = run.job_stage if run.job_status == "running" else ""
    step = jobs.STAGES.index(stage) + 1 if stage in jobs.STAGES else 0
    context = {
        **_run_context(run), "stage_label": labels.stage_label(stage), "step": step, "steps": len(jobs.STAGES),
        "error": _(run.job_error) if run.job_error else "",
    }
    template = "rankings/run_progress.html#progress" if getattr(request, "htmx", False) else \
        "rankings/run_progress.html"
    return render(request, template, context)


def analysis_context(run: Run) -> dict[str, Any]:
    """Rank intervals (uncertainty), Sobol indices (sensitivity) and the analysis tables the build could not
    compute (warnings) for the ranking page."""
    names = selectors.node_names(run.imeta, run.framework) if run.warnings else {}
    return {"sobol": selectors.sensitivity_rows(run),
            "analysis_warnings": [labels.warning_label(w, names) for w in run.warnings or []]}

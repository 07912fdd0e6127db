"""What the ranking pages share: refusals, the run and framework a page shows (hidden answers like missing),
and the framework page's context (with its "start a run" form). Kept apart from the views so that the
builder's and the runs' pages use it without importing another views module."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.errors import NotFound
from biopark.metrics import selectors as metric_selectors
from biopark.rankings import selectors
from biopark.rankings.models import Framework, FrameworkVersion, Run


def start_context(request: HttpRequest, framework: Framework) -> dict[str, Any]:
    """What the framework page's "start a run" form needs (years with observations, the data used)."""
    may = policy.decide(request.user, policy.CREATE, Run(framework=framework)).allowed
    years = metric_selectors.observation_years() if framework.kind == Framework.Kind.PARK else []
    latest = None
    if framework.kind == Framework.Kind.EXTERNAL:
        latest = (Run.objects.filter(framework=framework, job_status="succeeded").order_by("-id")
                  .only("pk", "label", "year").first())
    # Runs not built (queued, running, failed) are drafts: listed for those who may see them, newest first.
    pending = list(selectors.run_list(user=request.user, framework=framework).exclude(job_status="succeeded")
                   .only("pk", "label", "year", "job_status", "job_stage", "created_at", "framework", "version")[:10])
    return {"may_run": may, "run_years": years, "run_source": latest, "pending_runs": pending}


def forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    return HttpResponseForbidden(render(request, "rankings/forbidden.html", {"reason": reason}).content)


def run_or_refusal(request: HttpRequest, pk: int) -> Run | HttpResponse:
    try:
        run = selectors.run_get(pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if not policy.decide(request.user, policy.VIEW, run):  # hidden answers like missing
        raise Http404(_("No such run"))
    if not run.built and request.resolver_match and request.resolver_match.url_name != "run":
        return redirect("rankings:run", pk=run.pk)  # results pages of a run still being built: its progress
    return run


def run_context(run: Run) -> dict[str, Any]:
    names = selectors.node_names(run.imeta, run.framework)
    return {"run": run, "framework": run.framework, "tabs": [(c, names.get(c, c)) for c in run.codes],
            "synthetic": run.synthetic}


def framework_context(request: HttpRequest, framework: Framework, version: FrameworkVersion) -> dict[str, Any]:
    return {**start_context(request, framework),
        "framework": framework, "version": version, "tree": selectors.framework_tree(version),
        "versions": list(framework.versions.order_by("-number")),
        "runs": list(selectors.run_list(user=request.user, framework=framework)
                     .defer("idata", "imeta", "uncertainty", "sensitivity", "strengths")[:50]),
        "synthetic": framework.synthetic,
        "may_change": policy.decide(request.user, policy.CHANGE, framework).allowed,
        "may_copy": policy.decide(request.user, policy.CREATE, Framework).allowed,
        "copy": {"key": f"{framework.key}-copy"[:100], "name_zh": framework.name_zh, "name_en": framework.name_en},
    }


def framework_or_404(key: str) -> Framework:
    framework = Framework.objects.select_related("owner_park", "copied_from").filter(key=key).first()
    if framework is None:
        raise Http404(_("No such framework"))
    return framework

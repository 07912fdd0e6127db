"""The framework builder (create a framework, or change one into a new version; preview the effect on the
ranking without saving) and the data coverage page of park frameworks. Works without JavaScript: every
action is a form post that renders the draft back."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.errors import DomainError, PermissionRefused
from biopark.core.params import Params
from biopark.metrics import selectors as metric_selectors
from biopark.metrics.models import Indicator
from biopark.rankings import builder, defaults, labels, selectors, services
from biopark.rankings import coverage as coverage_mod
from biopark.rankings.models import Framework
from biopark.rankings.pages import forbidden as _forbidden
from biopark.rankings.pages import framework_or_404 as _framework_or_404
from biopark.rankings.preview import preview


def _catalogue() -> dict[str, dict[str, Any]]:
    zh = (get_language() or "zh-hans").lower().startswith("zh")
    return {str(i.key): {"name": (i.name_zh or i.name_en) if zh else (i.name_en or i.name_zh), "unit": i.unit,
                    "direction": i.direction, "pillar": i.pillar, "computed": bool(i.computation)}
            for i in Indicator.objects.order_by("pillar", "id")}


def _year(request: HttpRequest, draft: builder.Draft) -> int | None:
    text = request.POST.get("preview_year", "").strip()
    if not text:
        return None
    try:
        year = int(text)
    except ValueError:
        year = 0
    if not 1900 <= year <= 2200:
        draft.error("preview_year", _("year: give the year of the observations (1900–2200)"))
        return None
    return year


def _engine_field(field: str) -> str:
    return {"imeta": "hierarchy", "recipe": "recipe", "year": "preview_year", "idata": "preview_year",
            "data": "preview"}.get(field, field)


def _vary_field(message: str) -> str | None:
    """The form field an engine error about a varied assumption belongs to ("… vary.normalise …")."""
    for step in builder.ALT_STEPS:
        if f"vary.{builder.ALT_KEYS[step]}" in message or f"vary.{step}." in message:
            return f"u_alt_{step}"
    return "u_noise" if "vary.weights" in message else None


def _render(request: HttpRequest, *, framework: Framework | None, draft: builder.Draft, texts: dict[str, str],
            result: Any = None, status: int = 200) -> HttpResponse:
    catalogue = _catalogue()
    present = {n.code for n in draft.nodes}
    aggregates = [n for n in draft.nodes if n.type == "Aggregate"]
    names = {code: spec["name"] for code, spec in catalogue.items()}
    slots = draft.steps + [builder.Step("", "", "")] * (builder.STEP_SLOTS - len(draft.steps))
    kind = framework.kind if framework else Framework.Kind.PARK
    years = metric_selectors.observation_years() if kind == Framework.Kind.PARK else []
    return render(request, "rankings/builder.html", {
        "framework": framework, "texts": texts, "draft": draft, "errors": draft.errors,
        "nodes": [(i, n, names.get(n.code, n.name or n.code),
                   [draft.errors[f"n-{i}-{f}"] for f in ("code", "parent", "weight") if f"n-{i}-{f}" in draft.errors])
                  for i, n in enumerate(draft.nodes)],
        "aggregates": aggregates, "addable": [(c, s) for c, s in catalogue.items() if c not in present]
        if kind == Framework.Kind.PARK else [],
        "pillars": {p["code"]: p for p in defaults.PILLARS},
        "slots": [(i, s, [draft.errors[f"s-{i}-{f}"] for f in ("step", "method", "params")
                          if f"s-{i}-{f}" in draft.errors]) for i, s in enumerate(slots)], "steps": list(labels.STEPS.items()),
        "methods": [(step, list(labels.METHODS[step].items())) for step in labels.STEPS],
        "alternatives": [(step, labels.STEPS[step], [(c, lab) for c, lab in labels.METHODS[step].items() if c != "none"],
                          draft.alternatives.get(step, []), draft.errors.get(f"u_alt_{step}", ""))
                         for step in builder.ALT_STEPS],
        "years": years, "preview_year": request.POST.get("preview_year", "") or (years[0] if years else ""),
        "result": result,
        "note": request.POST.get("note", "")[:500], "is_park": kind == Framework.Kind.PARK,
    }, status=status)


def _handle(request: HttpRequest, framework: Framework | None, texts: dict[str, str]) -> HttpResponse:
    """One post of the builder: redraw the draft, preview it, or save it."""
    # A new framework starts from the default recipe's analyses, not its name and description (they
    # describe the default framework's steps).
    base = selectors.version_get(framework).recipe if framework else \
        {k: v for k, v in defaults.DEFAULT_RECIPE.items() if k not in ("name", "description")}
    draft = builder.draft_from_post(request.POST, _catalogue())
    imeta, recipe = builder.to_definition(draft, base)
    action = request.POST.get("action", "draft")
    result = None
    if action in ("preview", "save") and not draft.errors:
        try:
            if action == "preview":
                # A new framework is previewed as the park framework it will be (top-level parks).
                target = framework or Framework(kind=Framework.Kind.PARK)
                year = _year(request, draft)
                if not draft.errors:
                    result = preview(framework=target, imeta=imeta, recipe=recipe, year=year)
            elif framework is None:
                created = services.framework_create(
                    actor=request.user, key=texts["key"], imeta=imeta, recipe=recipe, name_zh=texts["name_zh"],
                    name_en=texts["name_en"], note=request.POST.get("note", "").strip()[:500] or "built on the web")
                return redirect("rankings:framework", key=created.key)
            else:
                services.framework_update(actor=request.user, framework=framework, imeta=imeta, recipe=recipe,
                                          note=request.POST.get("note", "").strip()[:500])
                return redirect("rankings:framework", key=framework.key)
        except PermissionRefused as exc:
            return _forbidden(request, exc.message)
        except DomainError as exc:
            field = next(iter(exc.fields), "preview") if exc.fields else "preview"
            draft.error(_vary_field(exc.message) or _engine_field(field), exc.message)
    status = 422 if draft.errors and action in ("preview", "save") else 200
    return _render(request, framework=framework, draft=draft, texts=texts, result=result, status=status)


def framework_builder(request: HttpRequest, key: str) -> HttpResponse:
    """Change a framework's hierarchy, directions, weights and recipe; each save is a new version."""
    framework = _framework_or_404(key)
    if not policy.decide(request.user, policy.VIEW, framework):
        raise Http404(_("No such framework"))
    decision = policy.decide(request.user, policy.CHANGE, framework)
    if not decision:
        return _forbidden(request, decision.reason)
    if request.method == "POST":
        return _handle(request, framework, {})
    version = selectors.version_get(framework)
    return _render(request, framework=framework, draft=builder.draft_from(version.imeta, version.recipe), texts={})


def framework_new(request: HttpRequest) -> HttpResponse:
    """A new park framework built from the indicator catalogue, owned by the builder's park."""
    decision = policy.decide(request.user, policy.CREATE, Framework)
    if not decision:
        return _forbidden(request, decision.reason)
    texts = {k: request.POST.get(k, "").strip()[:300] for k in ("key", "name_zh", "name_en")}
    if request.method == "POST":
        return _handle(request, None, texts)
    # The new framework's root, named in the builder's language (iMeta keeps one name per node).
    root = [{**r, "iName": _("Park competitiveness")} for r in defaults.default_imeta([])
            if r["iCode"] == defaults.INDEX_CODE]
    start = builder.draft_from(root, defaults.DEFAULT_RECIPE)
    return _render(request, framework=None, draft=start, texts=texts)


def coverage(request: HttpRequest, key: str) -> HttpResponse:
    """Which indicators have data for which park in a year, and from which source."""
    framework = _framework_or_404(key)
    if not policy.decide(request.user, policy.VIEW, framework) or framework.kind != Framework.Kind.PARK:
        raise Http404(_("No such framework"))
    years = metric_selectors.observation_years()
    params = Params(request.GET)
    year = params.int("year") or (years[0] if years else None)
    version = selectors.version_get(framework)
    names = selectors.node_names(version.imeta, framework)
    table = coverage_mod.coverage(framework=framework, version=version, year=year, names=names) if year else None
    return render(request, "rankings/coverage.html", {
        "framework": framework, "version": version, "years": years, "year": year, "table": table,
        "synthetic": framework.synthetic,
    })

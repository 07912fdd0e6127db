"""REST endpoints of the rankings app, mounted at /api/v1/rankings/."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from biopark.accounts import policy
from biopark.core.errors import NotFound, ValidationFailed
from biopark.core.pagination import Page, paginate
from biopark.core.schema_types import SafeText
from biopark.ecosystem.models import Park
from biopark.rankings import exports, selectors, services
from biopark.rankings.models import Framework, Run
from biopark.rankings.schemas import (
    FrameworkCopyIn,
    FrameworkDetailOut,
    FrameworkIn,
    FrameworkOut,
    FrameworkPatch,
    RankingOut,
    ReproduceOut,
    RunIn,
    RunInputsOut,
    RunOut,
    UnitProfileOut,
    VersionOut,
)


def _auth(request: HttpRequest) -> Any:
    """The user the API's auth resolved (AnonymousUser when none)."""
    return getattr(request, "auth", None)


router = Router(tags=["rankings"])


class Paging(Schema):
    framework: SafeText | None = None
    page: int = 1
    page_size: int = 50


def _framework_out(framework: Framework) -> dict[str, Any]:
    version = framework.versions.order_by("-number").first()
    return {
        "key": framework.key, "name_zh": framework.name_zh, "name_en": framework.name_en,
        "description_zh": framework.description_zh, "description_en": framework.description_en,
        "kind": framework.kind, "synthetic": framework.synthetic, "credit": framework.credit,
        "current_version": version.number if version else None,
        "owner_park": framework.owner_park_id,
        "copied_from": framework.copied_from.key if framework.copied_from_id and framework.copied_from else None,
    }


def _run_out(run: Run) -> dict[str, Any]:
    return {"id": run.pk, "framework": run.framework.key, "version": run.version.number, "year": run.year,
            "label": run.label, "status": run.status, "synthetic": run.synthetic, "n_units": run.n_units,
            "codes": run.codes, "created_at": run.created_at, "job_status": run.job_status,
            "job_error": _(run.job_error) if run.job_error else "", "warnings": run.warnings or []}


def _visible_run(request: HttpRequest, pk: int) -> Run:
    run = selectors.run_get(pk)
    if not policy.decide(_auth(request), policy.VIEW, run):  # hidden answers like missing
        raise NotFound(_("There is no run %(id)s.") % {"id": pk})
    return run


def _visible_framework(request: HttpRequest, key: str) -> Framework:
    framework = selectors.framework_get(key)
    if not policy.decide(_auth(request), policy.VIEW, framework):  # hidden answers like missing
        raise NotFound(_("There is no framework %(key)s.") % {"key": key})
    return framework


@router.get("/frameworks", response=list[FrameworkOut], operation_id="rankings_list_frameworks")
def list_frameworks(request: HttpRequest) -> Any:
    policy.require(_auth(request), policy.VIEW, Framework)
    return [_framework_out(f) for f in selectors.framework_list(user=_auth(request))]


@router.get("/frameworks/{key}", response=FrameworkDetailOut, operation_id="rankings_get_framework")
def get_framework(request: HttpRequest, key: str) -> Any:
    framework = _visible_framework(request, key)
    return {**_framework_out(framework), "versions": list(framework.versions.order_by("number"))}


@router.get("/frameworks/{key}/versions/{int:number}", response=VersionOut,
            operation_id="rankings_get_framework_version")
def get_framework_version(request: HttpRequest, key: str, number: int) -> Any:
    framework = _visible_framework(request, key)
    return selectors.version_get(framework, number)


def _owner_park(data: dict[str, Any]) -> dict[str, Any]:
    """``owner_park`` given as an id: the park, or the service's default when absent."""
    pk = data.pop("owner_park", None)
    if pk is None:
        return data
    park = Park.objects.filter(pk=pk).first()
    if park is None:
        raise ValidationFailed(_("no park %(id)s") % {"id": pk}, field="owner_park")
    return {**data, "owner_park": park}


@router.post("/frameworks", response={201: FrameworkOut}, operation_id="rankings_create_framework")
def create_framework(request: HttpRequest, payload: FrameworkIn) -> Any:
    framework = services.framework_create(actor=_auth(request), **_owner_park(payload.dict()))
    return Status(201, _framework_out(framework))


@router.post("/frameworks/{key}/copy", response={201: FrameworkOut}, operation_id="rankings_copy_framework")
def copy_framework(request: HttpRequest, key: str, payload: FrameworkCopyIn) -> Any:
    """Copy a framework (its current version) into a new one that you own and may change."""
    framework = selectors.framework_get(key)
    copied = services.framework_copy(actor=_auth(request), framework=framework, **_owner_park(payload.dict()))
    return Status(201, _framework_out(copied))


@router.patch("/frameworks/{key}", response=FrameworkOut, operation_id="rankings_update_framework")
def update_framework(request: HttpRequest, key: str, payload: FrameworkPatch) -> Any:
    framework = selectors.framework_get(key)
    data = payload.dict(exclude_none=True)
    services.framework_update(actor=_auth(request), framework=framework, **data)
    return _framework_out(framework)


@router.get("/runs", response=Page[RunOut], operation_id="rankings_list_runs")
def list_runs(request: HttpRequest, filters: Query[Paging]) -> Any:
    policy.require(_auth(request), policy.VIEW, Run)
    framework = selectors.framework_get(filters.framework) if filters.framework else None
    qs = selectors.run_list(user=_auth(request), framework=framework).defer(
        "idata", "imeta", "recipe", "uncertainty", "sensitivity", "strengths")
    page = paginate(qs, filters.page, filters.page_size)
    page["results"] = [_run_out(r) for r in page["results"]]
    return page


@router.post("/runs", response={201: RunOut, 202: RunOut}, operation_id="rankings_create_run")
def create_run(request: HttpRequest, payload: RunIn) -> Any:
    """Queue a run for the background worker (202); GET /runs/{id} shows its ``job_status`` (queued, running,
    succeeded, failed) and, when it failed, ``job_error``. With ``"background": false`` a small run is built
    in the request (201); a larger one is refused naming ``background``."""
    policy.require(_auth(request), policy.CREATE, Run)
    framework = selectors.framework_get(payload.framework)
    if payload.background:
        queued = services.run_queue(actor=_auth(request), framework=framework, year=payload.year,
                                    idata=payload.idata, label=payload.label, publish=payload.publish)
        return Status(202, _run_out(queued))
    services.run_check_in_request(actor=_auth(request), framework=framework, idata=payload.idata)
    run = services.run_create(actor=_auth(request), framework=framework, year=payload.year, idata=payload.idata,
                              label=payload.label, publish=payload.publish)
    return Status(201, _run_out(run))


@router.get("/runs/{int:pk}", response=RunOut, operation_id="rankings_get_run")
def get_run(request: HttpRequest, pk: int) -> Any:
    return _run_out(_visible_run(request, pk))


@router.post("/runs/{int:pk}/publish", response=RunOut, operation_id="rankings_publish_run")
def publish_run(request: HttpRequest, pk: int) -> Any:
    return _run_out(services.run_publish(actor=_auth(request), run=_visible_run(request, pk)))


@router.get("/runs/{int:pk}/ranking", response=RankingOut, operation_id="rankings_run_ranking")
def run_ranking(request: HttpRequest, pk: int, code: SafeText | None = None) -> Any:
    run = _visible_run(request, pk)
    table = selectors.ranking_table(run, code)
    return {"run": run.pk, "code": table.code, "name": table.name, "synthetic": run.synthetic,
            "rows": [{"rank": r.rank, "unit": r.unit_code, "name": r.unit_name, "park_id": r.park_id,
                      "score": r.score, "children": dict(zip(table.child_codes, r.children, strict=True))}
                     for r in table.rows]}


@router.get("/runs/{int:pk}/units/{unit}", response=UnitProfileOut, operation_id="rankings_run_unit")
def run_unit(request: HttpRequest, pk: int, unit: str) -> Any:
    run = _visible_run(request, pk)
    p = selectors.unit_profile(run, unit)
    return {"run": run.pk, "unit": p.unit_code, "name": p.unit_name, "park_id": p.park_id,
            "synthetic": run.synthetic, "n_units": p.n_units,
            "scores": [{"code": c, "name": n, "level": lv, "score": s, "rank": r} for c, n, lv, s, r in p.scores],
            "strengths": [{"code": c, "name": n, "rank": r} for c, n, r in p.strengths],
            "weaknesses": [{"code": c, "name": n, "rank": r} for c, n, r in p.weaknesses],
            "uncertainty": p.uncertainty}


@router.get("/runs/{int:pk}/uncertainty", response=dict[str, Any], operation_id="rankings_run_uncertainty")
def run_uncertainty(request: HttpRequest, pk: int) -> Any:
    run = _visible_run(request, pk)
    return {"run": run.pk, "uncertainty": run.uncertainty, "sensitivity": run.sensitivity}


@router.get("/runs/{int:pk}/inputs", response=RunInputsOut, operation_id="rankings_run_inputs")
def run_inputs(request: HttpRequest, pk: int) -> Any:
    run = _visible_run(request, pk)
    return {"run": run.pk, "idata_columns": run.idata_columns, "idata": run.idata, "imeta": run.imeta,
            "recipe": run.recipe}


@router.get("/runs/{int:pk}/reproduce", response=ReproduceOut, operation_id="rankings_run_reproduce")
def run_reproduce(request: HttpRequest, pk: int) -> Any:
    run = _visible_run(request, pk)
    return {"run": run.pk, "identical": services.run_reproduce(run=run)["identical"]}


@router.get("/runs/{int:pk}/export.xlsx", operation_id="rankings_run_export")
def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    run = _visible_run(request, pk)
    policy.require(_auth(request), policy.EXPORT, run)
    return exports.xlsx_response(run)

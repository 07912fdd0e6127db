"""REST endpoints of the metrics app, mounted at /api/v1/metrics/."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from biopark.accounts import policy
from biopark.core import uploads
from biopark.core.errors import NotFound, ValidationFailed
from biopark.core.pagination import Page, paginate
from biopark.core.schema_types import SafeText, text
from biopark.ecosystem import tabular
from biopark.metrics import progress, selectors, services, targets
from biopark.metrics.models import Indicator, Observation, Target
from biopark.metrics.schemas import (
    ComputeIn,
    ImportOut,
    IndicatorIn,
    IndicatorOut,
    ObservationOut,
    ProgressOut,
    TargetIn,
    TargetOut,
    TargetPatch,
)


def _auth(request: HttpRequest) -> Any:
    """The user the API's auth resolved (AnonymousUser when none)."""
    return getattr(request, "auth", None)


router = Router(tags=["metrics"])


class ObservationFilters(Schema):
    year: int | None = None
    park: int | None = None
    indicator: SafeText | None = None
    page: int = 1
    page_size: int = 50


def _obs_out(o: Observation) -> dict[str, Any]:
    return {"id": o.pk, "park_id": o.park_id, "park_key": o.park.key, "park_name": str(o.park),
            "indicator": o.indicator.key, "year": o.year, "value": o.value, "unit": o.unit, "source": o.source,
            "updated_at": o.updated_at}


@router.get("/indicators", response=list[IndicatorOut], operation_id="metrics_list_indicators")
def list_indicators(request: HttpRequest, pillar: SafeText | None = None) -> Any:
    policy.require(_auth(request), policy.VIEW, Indicator)
    return list(selectors.indicator_list(pillar=pillar))


@router.post("/indicators", response={201: IndicatorOut}, operation_id="metrics_create_indicator")
def create_indicator(request: HttpRequest, payload: IndicatorIn) -> Any:
    return Status(201, services.indicator_create(actor=_auth(request), data=payload.dict()))


@router.get("/observations", response=Page[ObservationOut], operation_id="metrics_list_observations")
def list_observations(request: HttpRequest, filters: Query[ObservationFilters]) -> Any:
    policy.require(_auth(request), policy.VIEW, Observation)
    qs = selectors.observation_list(user=_auth(request), year=filters.year, park_id=filters.park,
                                    indicator=filters.indicator)
    page = paginate(qs, filters.page, filters.page_size)
    page["results"] = [_obs_out(o) for o in page["results"]]
    return page


@router.post("/observations/import", response=ImportOut, operation_id="metrics_import_observations")
def import_observations(request: HttpRequest, file: File[UploadedFile], dry_run: bool = False,
                        encoding: text(40) = "utf-8") -> Any:  # type: ignore[valid-type]
    policy.require(_auth(request), policy.IMPORT, Observation)
    uploads.check_size(file, limit=20 * 1024 * 1024)
    table = tabular.read_table(file.read(), tabular.detect_format(file.name or ""), encoding=encoding)
    report = services.observations_import(actor=_auth(request), table=table, dry_run=dry_run)
    return {**report.as_dict(), "dry_run": dry_run}


@router.post("/observations/compute", response=ImportOut, operation_id="metrics_compute_observations")
def compute_observations(request: HttpRequest, payload: ComputeIn) -> Any:
    report = services.observations_compute(actor=_auth(request), year=payload.year)
    return {**report.as_dict(), "dry_run": False}


# --- targets -------------------------------------------------------------------------------------------


def _plain(value: Decimal) -> str:
    """A stored value as text without its trailing zeros, never in exponent form ("10", not "1E+1")."""
    return format(value.normalize(), "f")


def _progress_out(p: progress.Progress) -> dict[str, Any]:
    return {
        "status": p.status, "status_label": p.status_label, "latest": p.latest, "latest_on": p.latest_on,
        "live": p.live, "expected": p.expected, "pace_per_year": p.pace_per_year, "years_left": p.years_left,
        "share_percent": p.share, "rule": str(progress.STATUS_RULE),
        "points": [{"on": pt.on.isoformat(), "value": _plain(pt.value), "live": pt.live,
                    "synthetic": pt.synthetic} for pt in p.points],
    }


def _target_out(p: progress.Progress) -> dict[str, Any]:
    t = p.target
    return {
        "id": t.pk, "park_id": t.park_id, "park_name": str(t.park), "platform_id": t.platform_id,
        "indicator": t.indicator.key, "indicator_name": str(t.indicator), "start_year": t.start_year,
        "end_year": t.end_year, "baseline_value": t.baseline_value, "baseline_on": t.baseline_on,
        "target_value": t.target_value, "unit": t.unit, "qualifier": t.qualifier,
        "qualifier_label": str(t.get_qualifier_display()), "source_note": t.source_note, "synthetic": t.synthetic,
        "progress": _progress_out(p),
    }


class TargetFilters(Schema):
    park: SafeText | None = None
    period: int | None = None
    status: SafeText | None = None


def _visible_target(request: HttpRequest, pk: int) -> Target:
    policy.require(_auth(request), policy.VIEW, Target)
    target = selectors.target_get(user=_auth(request), pk=pk)
    if target is None:
        raise NotFound(_("no such target"))
    return target


@router.get("/targets", response=list[TargetOut], operation_id="metrics_list_targets")
def list_targets(request: HttpRequest, filters: Query[TargetFilters]) -> Any:
    policy.require(_auth(request), policy.VIEW, Target)
    if filters.status and filters.status not in progress.STATUS_LABELS:
        raise ValidationFailed(_("status: choose one of %(known)s") % {
            "known": ", ".join(progress.STATUS_LABELS)}, field="status")
    if filters.period is not None and not 1900 <= filters.period <= 2200:
        raise ValidationFailed(_("period: enter a year between 1900 and 2200"), field="period")
    found = selectors.target_list(user=_auth(request), park=filters.park or "", year=filters.period)
    rows = progress.progress_many(found, today=timezone.localdate())
    rows.sort(key=lambda p: progress.STATUS_ORDER[p.status])
    return [_target_out(p) for p in rows if not filters.status or p.status == filters.status]


@router.post("/targets", response={201: TargetOut}, operation_id="metrics_create_target")
def create_target(request: HttpRequest, payload: TargetIn) -> Any:
    target = targets.target_create(actor=_auth(request), data=payload.dict())
    return Status(201, _target_out(progress.progress_of(target, today=timezone.localdate())))


@router.get("/targets/{pk}", response=TargetOut, operation_id="metrics_get_target")
def get_target(request: HttpRequest, pk: int) -> Any:
    return _target_out(progress.progress_of(_visible_target(request, pk), today=timezone.localdate()))


@router.patch("/targets/{pk}", response=TargetOut, operation_id="metrics_update_target")
def update_target(request: HttpRequest, pk: int, payload: TargetPatch) -> Any:
    target = _visible_target(request, pk)
    targets.target_update(actor=_auth(request), target=target, data=payload.dict(exclude_unset=True))
    return _target_out(progress.progress_of(target, today=timezone.localdate()))


@router.get("/targets/{pk}/progress", response=ProgressOut, operation_id="metrics_target_progress")
def target_progress(request: HttpRequest, pk: int) -> Any:
    return _progress_out(progress.progress_of(_visible_target(request, pk), today=timezone.localdate()))

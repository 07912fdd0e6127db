"""REST endpoints of the metrics app, mounted at /api/v1/metrics/."""

from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from biopark.accounts import policy
from biopark.core import uploads
from biopark.core.pagination import Page, paginate
from biopark.core.schema_types import SafeText, text
from biopark.ecosystem import tabular
from biopark.metrics import selectors, services
from biopark.metrics.models import Indicator, Observation
from biopark.metrics.schemas import ComputeIn, ImportOut, IndicatorIn, IndicatorOut, ObservationOut


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

"""API schemas of the metrics app."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, Field

from biopark.core.schema_types import NO_CONTROL, SafeText, _no_control

Text40 = Annotated[str, Field(max_length=40, json_schema_extra={"pattern": NO_CONTROL}), AfterValidator(_no_control)]
Note = Annotated[str, Field(max_length=500, json_schema_extra={"pattern": NO_CONTROL}), AfterValidator(_no_control)]


class IndicatorOut(Schema):
    key: str
    name_zh: str
    name_en: str
    unit: str
    direction: int
    pillar: str
    description_zh: str
    description_en: str
    computation: str
    computation_kinds: list[str]
    kpi_key: str
    standard: str


class IndicatorIn(Schema):
    key: str
    name_zh: str = ""
    name_en: str = ""
    unit: str = ""
    direction: int = 1
    pillar: str = ""
    description_zh: str = ""
    description_en: str = ""
    computation: str = ""
    computation_kinds: list[str] = []
    kpi_key: str = ""
    standard: str = ""


class ObservationOut(Schema):
    id: int
    park_id: int
    park_key: str | None
    park_name: str
    indicator: str
    year: int
    value: Decimal
    unit: str
    source: str
    updated_at: datetime


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    dry_run: bool


class ComputeIn(Schema):
    year: int


class TargetIn(Schema):
    """A new target. ``park`` and ``platform`` are ids, ``indicator`` the indicator's code; numbers may be sent
    as text ("1,000")."""

    park: int
    indicator: SafeText
    start_year: int
    end_year: int
    target_value: Text40
    platform: int | None = None
    baseline_value: Text40 | None = None
    baseline_on: Text40 | None = None
    unit: SafeText = ""
    qualifier: Text40 = "at_least"
    source_note: Note = ""


class TargetPatch(Schema):
    park: int | None = None
    indicator: SafeText | None = None
    start_year: int | None = None
    end_year: int | None = None
    target_value: Text40 | None = None
    platform: int | None = None
    baseline_value: Text40 | None = None
    baseline_on: Text40 | None = None
    unit: SafeText | None = None
    qualifier: Text40 | None = None
    source_note: Note | None = None


class ProgressOut(Schema):
    status: str
    status_label: str
    latest: Decimal | None
    latest_on: date | None
    live: bool
    expected: Decimal | None
    pace_per_year: Decimal | None
    years_left: Decimal | None
    share_percent: Decimal | None
    rule: str
    points: list[dict]


class TargetOut(Schema):
    id: int
    park_id: int
    park_name: str
    platform_id: int | None
    indicator: str
    indicator_name: str
    start_year: int
    end_year: int
    baseline_value: Decimal | None
    baseline_on: date | None
    target_value: Decimal
    unit: str
    qualifier: str
    qualifier_label: str
    source_note: str
    synthetic: bool
    progress: ProgressOut

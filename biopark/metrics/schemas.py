"""API schemas of the metrics app."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema


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

"""API schemas of the pipeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class IndicationIn(Schema):
    name_zh: str = ""
    name_en: str = ""
    therapeutic_area: str = ""


class IndicationOut(Schema):
    id: int
    name_zh: str
    name_en: str
    therapeutic_area: str
    current_stage: str


class ProjectIn(Schema):
    organisation: int
    key: str | None = None
    name_zh: str = ""
    name_en: str = ""
    aliases: list[str] = []
    modality: str = "other"
    targets: list[str] = []
    therapeutic_areas: list[str] = []
    visibility: str = "private"
    description_zh: str = ""
    description_en: str = ""
    team: list[int] = []
    partners: list[int] = []
    indications: list[IndicationIn] = []


class ProjectPatch(Schema):
    key: str | None = None
    name_zh: str | None = None
    name_en: str | None = None
    aliases: list[str] | None = None
    modality: str | None = None
    targets: list[str] | None = None
    therapeutic_areas: list[str] | None = None
    visibility: str | None = None
    description_zh: str | None = None
    description_en: str | None = None
    team: list[int] | None = None
    partners: list[int] | None = None


class ProjectOut(Schema):
    id: int
    key: str | None
    name_zh: str
    name_en: str
    organisation_id: int
    park_id: int | None
    modality: str
    targets: list[str]
    therapeutic_areas: list[str]
    visibility: str
    highest_stage: str
    last_event_on: dt.date | None
    no_development_reported: bool = False


class ProjectDetailOut(ProjectOut):
    description_zh: str
    description_en: str
    team: list[int]
    partners: list[int]
    indications: list[IndicationOut]


class StageIn(Schema):
    indication: int
    stage: str
    date: str
    approval_number: str = ""
    trial_id: str = ""
    document: int | None = None
    reason: str = ""


class StageEventOut(Schema):
    id: int
    indication_id: int
    stage: str
    date: str
    approval_number: str
    trial_id: str
    document_id: int | None
    reason: str
    direction: str
    recorded_label: str
    next_stage: str
    duration_days: int | None


class FunnelRow(Schema):
    stage: str
    label: str
    count: int
    reached: int | None


class CountRow(Schema):
    key: str
    label: str
    count: int


class StageTimeOut(Schema):
    stage: str
    n: int
    q1: float | None
    median: float | None
    q3: float | None


class TransitionOut(Schema):
    stage: str
    entered: int
    advanced: int
    halted: int
    back: int
    pending: int
    rate: Decimal | None


class PortfolioOut(Schema):
    total: int
    no_development: int
    no_development_cutoff: dt.date
    funnel: list[FunnelRow]
    modalities: list[CountRow]
    therapeutic_areas: list[CountRow]
    stage_times: list[StageTimeOut]
    transitions: list[TransitionOut]

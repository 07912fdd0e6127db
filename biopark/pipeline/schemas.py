"""API schemas of the pipeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias

from ninja import Schema

from biopark.core.schema_types import choice, documented
from biopark.pipeline.models import ALL_STAGES, Modality, Visibility

if TYPE_CHECKING:  # the checker sees strings; pydantic sees the enums (see biopark.core.schema_types)
    ModalityIn: TypeAlias = str
    ModalityOut: TypeAlias = str
    VisibilityIn: TypeAlias = str
    VisibilityOut: TypeAlias = str
    StageIn_: TypeAlias = str
    StageOut: TypeAlias = str
else:
    _STAGES = [code for code, _label in ALL_STAGES]
    ModalityIn, ModalityOut = choice(Modality.values), documented(Modality.values)
    VisibilityIn, VisibilityOut = choice(Visibility.values), documented(Visibility.values)
    StageIn_, StageOut = choice(_STAGES), documented(["", *_STAGES])  # "" before a first stage


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
    modality: ModalityIn = "other"
    targets: list[str] = []
    therapeutic_areas: list[str] = []
    visibility: VisibilityIn = "private"
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
    modality: ModalityIn | None = None
    targets: list[str] | None = None
    therapeutic_areas: list[str] | None = None
    visibility: VisibilityIn | None = None
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
    modality: ModalityOut
    targets: list[str]
    therapeutic_areas: list[str]
    visibility: VisibilityOut
    highest_stage: StageOut
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
    stage: StageIn_
    date: str
    approval_number: str = ""
    trial_id: str = ""
    document: int | None = None
    reason: str = ""


class StageEventOut(Schema):
    id: int
    indication_id: int
    stage: StageOut
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

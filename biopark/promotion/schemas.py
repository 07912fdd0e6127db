"""API schemas of investment promotion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, TypeAlias

from ninja import Field, Schema

from biopark.core.schema_types import choice, documented, text
from biopark.promotion.models import Activity, LostReason, Source, Stage

if TYPE_CHECKING:  # the checker sees strings; pydantic sees the enums (see biopark.core.schema_types)
    SourceIn: TypeAlias = str
    SourceOut: TypeAlias = str
    KindIn: TypeAlias = str
    KindOut: TypeAlias = str
    LostIn: TypeAlias = str
    OutcomeOut: TypeAlias = str
    Short: TypeAlias = str
    Long: TypeAlias = str
    Amount: TypeAlias = str
    Id: TypeAlias = int
else:
    SourceIn, SourceOut = choice(Source.values), documented(Source.values)
    KindIn, KindOut = choice(Activity.Kind.values), documented(Activity.Kind.values)
    LostIn = choice(["", *LostReason.values])
    OutcomeOut = documented(Stage.Outcome.values)
    Short, Long, Amount = text(300), text(5000), text(30)
    Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class StageOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    position: int
    outcome: OutcomeOut


class PipelineOut(Schema):
    id: int
    key: str
    kind: str
    name_zh: str
    name_en: str
    stages: list[StageOut]


class LeadOut(Schema):
    id: int
    pipeline_id: int
    park_id: int
    organisation_id: int
    organisation_name: str
    project: str
    description: str
    investment_amount: Decimal | None
    investment_currency: str
    jobs: int | None
    space_m2: Decimal | None
    source: SourceOut
    source_event_id: int | None
    owner_id: int | None
    stage_id: int
    stage_code: str
    stage_entered_at: dt.datetime
    next_action: str
    next_action_due: dt.date | None
    overdue: bool
    policy_package: str
    policy_amount: Decimal | None
    policy_currency: str
    lost_reason: str
    lost_note: str
    agreement_id: int | None
    synthetic: bool
    version: int


class StageChangeOut(Schema):
    from_stage_id: int | None
    to_stage_id: int
    at: dt.datetime
    by_id: int | None
    note: str


class ActivityOut(Schema):
    id: int
    kind: KindOut
    on: dt.date
    summary: str
    people: list[int]
    by_id: int | None


class LeadDetailOut(LeadOut):
    stage_changes: list[StageChangeOut]
    activities: list[ActivityOut]


class LeadIn(Schema):
    """A new lead. `organisation` names a registry organisation; or `new_organisation_zh`/`_en` create one."""

    pipeline: Id | None = None
    park: Id
    organisation: Id | None = None
    new_organisation_zh: Short = ""
    new_organisation_en: Short = ""
    project: Short
    description: Long = ""
    investment_amount: Amount | None = None
    investment_currency: str = ""
    jobs: int | None = Field(None, ge=0, le=10_000_000)
    space_m2: Amount | None = None
    source: SourceIn
    source_event: Id | None = None
    owner: Id | None = None
    next_action: Short = ""
    next_action_due: dt.date | None = None
    policy_package: Long = ""
    policy_amount: Amount | None = None
    policy_currency: str = ""
    agreement: Id | None = None


class LeadPatch(Schema):
    """The fields to change (only those sent are written)."""

    park: Id | None = None
    organisation: Id | None = None
    project: Short | None = None
    description: Long | None = None
    investment_amount: Amount | None = None
    investment_currency: str | None = None
    jobs: int | None = Field(None, ge=0, le=10_000_000)
    space_m2: Amount | None = None
    source: SourceIn | None = None
    source_event: Id | None = None
    owner: Id | None = None
    next_action: Short | None = None
    next_action_due: dt.date | None = None
    policy_package: Long | None = None
    policy_amount: Amount | None = None
    policy_currency: str | None = None
    agreement: Id | None = None


class MoveIn(Schema):
    stage: Id
    note: text(500) = ""  # type: ignore[valid-type]
    lost_reason: LostIn = ""


class ActivityIn(Schema):
    kind: KindIn
    on: dt.date
    summary: Long
    people: list[Id] = []

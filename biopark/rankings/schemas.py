"""API schemas of the rankings app."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from ninja import Field, Schema

from biopark.core.schema_types import choice, documented
from biopark.rankings.models import Framework, Run

if TYPE_CHECKING:  # the checker sees strings; pydantic sees the enums (see biopark.core.schema_types)
    FrameworkKind: TypeAlias = str
    FrameworkKindOut: TypeAlias = str
    RunStatusOut: TypeAlias = str
else:
    FrameworkKind, FrameworkKindOut = choice(Framework.Kind.values), documented(Framework.Kind.values)
    RunStatusOut = documented(Run.Status.values)


class FrameworkOut(Schema):
    key: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    kind: FrameworkKindOut
    synthetic: bool
    credit: str
    current_version: int | None = None
    owner_park: int | None = Field(None, description="the park whose operators edit it; null: the platform's "
                                                      "analysts (administrators)")
    copied_from: str | None = Field(None, description="key of the framework this one was copied from")


class VersionOut(Schema):
    number: int
    note: str
    created_at: datetime
    imeta: list[dict[str, Any]]
    recipe: dict[str, Any]


class FrameworkDetailOut(FrameworkOut):
    versions: list[VersionOut]


class FrameworkIn(Schema):
    key: str
    name_zh: str = ""
    name_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    kind: FrameworkKind = "park"
    imeta: list[dict[str, Any]]
    recipe: dict[str, Any]
    note: str = ""
    owner_park: int | None = Field(None, description="owning park (default: your park; the platform for "
                                                      "administrators)")


class FrameworkCopyIn(Schema):
    key: str = Field(description="key of the new framework")
    name_zh: str | None = Field(None, description="default: the original's name")
    name_en: str | None = Field(None, description="default: the original's name")
    owner_park: int | None = Field(None, description="owning park (default: your park; the platform for "
                                                      "administrators)")
    note: str = ""


class FrameworkPatch(Schema):
    name_zh: str | None = None
    name_en: str | None = None
    description_zh: str | None = None
    description_en: str | None = None
    imeta: list[dict[str, Any]] | None = None
    recipe: dict[str, Any] | None = None
    weights: dict[str, float] | None = None
    directions: dict[str, int] | None = None
    note: str = ""


class RunIn(Schema):
    framework: str
    year: int | None = None
    idata: list[dict[str, Any]] | None = None
    label: str = ""
    publish: bool = True
    background: bool = Field(True, description="true (default): queue the run for the background worker (202, "
                             "job_status queued); false: build it in the request (201), only for small runs")


class RunWarningOut(Schema):
    table: str = Field(description="pca_weights, correlations or cronbach")
    group: str = Field(description="code of the aggregate whose group it is")
    reason: str


class RunOut(Schema):
    id: int
    framework: str
    version: int
    year: int | None
    label: str
    status: RunStatusOut
    synthetic: bool
    n_units: int
    codes: list[str]
    created_at: datetime
    job_status: str = "succeeded"  # queued | running | succeeded | failed
    job_error: str = ""
    warnings: list[RunWarningOut] = Field(default_factory=list, description="analysis tables the build could "
                                          "not compute for a group (the ranking is complete)")


class RankingRowOut(Schema):
    rank: int | None
    unit: str
    name: str
    park_id: int | None
    score: float | None
    children: dict[str, float | None]


class RankingOut(Schema):
    run: int
    code: str
    name: str
    synthetic: bool
    rows: list[RankingRowOut]


class ScoreOut(Schema):
    code: str
    name: str
    level: int
    score: float | None
    rank: int | None


class RankedCodeOut(Schema):
    code: str
    name: str
    rank: int


class UnitProfileOut(Schema):
    run: int
    unit: str
    name: str
    park_id: int | None
    synthetic: bool
    n_units: int
    scores: list[ScoreOut]
    strengths: list[RankedCodeOut]
    weaknesses: list[RankedCodeOut]
    uncertainty: dict[str, Any] | None


class RunInputsOut(Schema):
    run: int
    idata_columns: list[str]
    idata: list[dict[str, Any]]
    imeta: list[dict[str, Any]]
    recipe: dict[str, Any]


class ReproduceOut(Schema):
    run: int
    identical: bool

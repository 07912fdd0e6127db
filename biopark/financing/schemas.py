"""API schemas of the financing app. Amounts travel as decimal strings ("50000000.00"), never floats."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypeAlias

from ninja import Schema

from biopark.core.schema_types import choice, documented
from biopark.ecosystem.models import CURRENCIES
from biopark.financing.models import CoInvestment, InterestState, NeedVisibility, RoadshowApplication, Round

if TYPE_CHECKING:  # the checker sees strings; pydantic sees the enums (see biopark.core.schema_types)
    RoundIn: TypeAlias = str
    RoundOut: TypeAlias = str
    CurrencyIn: TypeAlias = str
    CurrencyOut: TypeAlias = str
    VisibilityIn: TypeAlias = str
    VisibilityOut: TypeAlias = str
    StateIn: TypeAlias = str
    StateOut: TypeAlias = str
    StatusIn: TypeAlias = str
    StatusOut: TypeAlias = str
    CoInvestIn: TypeAlias = str
    CoInvestOut: TypeAlias = str
else:
    _CURRENCIES = [code for code, _label in CURRENCIES]
    RoundIn, RoundOut = choice(Round.values), documented(Round.values)
    CurrencyIn, CurrencyOut = choice(_CURRENCIES), documented(_CURRENCIES)
    VisibilityIn, VisibilityOut = choice(NeedVisibility.values), documented(NeedVisibility.values)
    StateIn, StateOut = choice(InterestState.values), documented(InterestState.values)
    StatusIn, StatusOut = choice(RoadshowApplication.Status.values), documented(RoadshowApplication.Status.values)
    CoInvestIn, CoInvestOut = choice(CoInvestment.values), documented(CoInvestment.values)


class MandateIn(Schema):
    organisation: int | None = None  # administrators name it; an investor's own organisation otherwise
    name: str = ""
    stages: list[str] = []
    modalities: list[str] = []
    therapeutic_areas: list[str] = []
    rounds: list[str] = []
    regions: list[str] = []
    ticket_min: str
    ticket_max: str
    currency: CurrencyIn = "CNY"
    co_investment: CoInvestIn = "either"
    active: bool = True


class MandatePatch(Schema):
    name: str | None = None
    stages: list[str] | None = None
    modalities: list[str] | None = None
    therapeutic_areas: list[str] | None = None
    rounds: list[str] | None = None
    regions: list[str] | None = None
    ticket_min: str | None = None
    ticket_max: str | None = None
    currency: CurrencyIn | None = None
    co_investment: CoInvestIn | None = None
    active: bool | None = None


class MandateOut(Schema):
    id: int
    organisation_id: int
    name: str
    stages: list[str]
    modalities: list[str]
    therapeutic_areas: list[str]
    rounds: list[str]
    regions: list[str]
    ticket_min: str
    ticket_max: str
    currency: CurrencyOut
    co_investment: CoInvestOut
    active: bool
    synthetic: bool
    version: int


class NeedIn(Schema):
    round: RoundIn
    amount: str
    currency: CurrencyIn = "CNY"
    use_of_funds: str = ""
    visibility: VisibilityIn = "park"


class NeedPatch(Schema):
    round: RoundIn | None = None
    amount: str | None = None
    currency: CurrencyIn | None = None
    use_of_funds: str | None = None
    visibility: VisibilityIn | None = None
    open: bool | None = None


class NeedOut(Schema):
    id: int
    project_id: int
    round: RoundOut
    amount: str
    currency: CurrencyOut
    use_of_funds: str
    visibility: VisibilityOut
    open: bool
    synthetic: bool
    version: int
    created_at: dt.datetime


class CriterionOut(Schema):
    key: str
    label: str
    points: int
    maximum: int
    reason: str


class InvestorMatchOut(Schema):
    organisation_id: int
    organisation: str
    mandate_id: int
    score: int
    criteria: list[CriterionOut]
    as_of: dt.datetime | None = None  # the ranking reflects every change made before this moment


class ProjectMatchOut(Schema):
    project_id: int
    project: str
    need_id: int | None
    mandate_id: int
    score: int
    criteria: list[CriterionOut]
    as_of: dt.datetime | None = None  # the ranking reflects every change made before this moment


class InterestIn(Schema):
    project: int
    state: StateIn


class InterestOut(Schema):
    id: int
    investor_id: int
    project_id: int
    state: StateOut
    version: int
    steps: list[dict[str, str]]


class NoteIn(Schema):
    project: int
    text: str


class NoteOut(Schema):
    id: int
    project_id: int
    text: str
    author: str
    created_at: dt.datetime


class IntroductionIn(Schema):
    project: int
    investor: int
    message: str = ""


class IntroductionOut(Schema):
    id: int
    project_id: int
    investor_id: int
    message: str
    score: int
    introduced_by: str
    created_at: dt.datetime


class ApplicationIn(Schema):
    project: int
    pitch: str = ""


class ApplicationPatch(Schema):
    status: StatusIn


class ApplicationOut(Schema):
    id: int
    project_id: int
    status: StatusOut
    pitch: str


class FeedbackIn(Schema):
    project: int
    rating: int
    comment: str = ""
    follow_up: bool = False


class FeedbackOut(Schema):
    id: int
    investor_id: int
    project_id: int
    rating: int
    comment: str
    follow_up: bool


class RoadshowOut(Schema):
    id: int
    event_id: int
    title: str
    date: str
    park_id: int | None
    call_zh: str
    call_en: str
    deadline: dt.date | None
    synthetic: bool


class RoadshowDetailOut(RoadshowOut):
    investors: list[int]
    applications: list[ApplicationOut]
    feedback: list[FeedbackOut]

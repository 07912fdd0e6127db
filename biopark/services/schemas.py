"""API schemas of the service desk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias

from ninja import Schema

from biopark.core.schema_types import choice, documented
from biopark.ecosystem.models import STAGE_CODES
from biopark.services.models import Category, State

if TYPE_CHECKING:  # the checker sees strings; pydantic sees the enums (see biopark.core.schema_types)
    CategoryIn: TypeAlias = str
    CategoryOut: TypeAlias = str
    StateIn: TypeAlias = str
    StateOut: TypeAlias = str
    StageCode: TypeAlias = str
else:
    CategoryIn, CategoryOut = choice(Category.values), documented(Category.values)
    StateIn, StateOut = choice(State.values), documented(State.values)
    StageCode = choice(STAGE_CODES)


class ServiceOut(Schema):
    id: int
    key: str | None
    name_zh: str
    name_en: str
    category: CategoryOut
    stages: list[str]
    provider_organisation_id: int | None
    provider_platform_id: int | None
    park_id: int | None
    description_zh: str
    description_en: str
    price_model: str
    price_amount: Decimal | None
    currency: str
    target_days: int
    active: bool


class ServiceIn(Schema):
    key: str | None = None
    name_zh: str = ""
    name_en: str = ""
    category: CategoryIn
    stages: list[StageCode] = []
    provider_organisation: int | None = None
    provider_platform: int | None = None
    description_zh: str = ""
    description_en: str = ""
    price_model: str = "quote"
    price_amount: Decimal | None = None
    currency: str = ""
    target_days: int = 10


class RequestIn(Schema):
    service: int
    title: str
    details: str = ""
    project: int | None = None


class TransitionIn(Schema):
    state: StateIn
    reason: str = ""
    rating: int | None = None


class CommentIn(Schema):
    text: str


class AssignIn(Schema):
    assignee: int | None


class RatingIn(Schema):
    rating: int
    comment: str = ""


class EventOut(Schema):
    kind: str
    from_state: str
    to_state: str
    text: str
    actor_label: str
    at: dt.datetime


class AttachmentOut(Schema):
    id: int
    original_name: str
    size: int
    kind: str
    uploaded_at: dt.datetime


class RequestOut(Schema):
    id: int
    service_id: int
    project_id: int | None
    requester_organisation_id: int
    provider_organisation_id: int | None
    park_id: int | None
    title: str
    details: str
    state: StateOut
    assignee_id: int | None
    due_on: dt.date | None
    overdue: bool
    submitted_at: dt.datetime
    accepted_at: dt.datetime | None
    started_at: dt.datetime | None
    delivered_at: dt.datetime | None
    ended_at: dt.datetime | None
    rating: int | None
    allowed_transitions: list[str] = []


class RequestDetailOut(RequestOut):
    events: list[EventOut]
    attachments: list[AttachmentOut]


class CategoryStatsOut(Schema):
    category: str
    requests: int
    median_hours_to_accept: Decimal | None
    median_hours_to_deliver: Decimal | None
    ratings: int
    mean_rating: Decimal | None


class QueueItemOut(Schema):
    id: int
    title: str
    state: StateOut
    provider_organisation_id: int | None
    age_days: int
    due_on: dt.date | None
    overdue: bool


class MonthOut(Schema):
    month: str
    total: int
    by_category: dict[str, int]


class DeskOut(Schema):
    queue: list[QueueItemOut]
    monthly: list[MonthOut]
    categories: list[CategoryStatsOut]
    overall: CategoryStatsOut

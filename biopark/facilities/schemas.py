"""API shapes of the facilities app."""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

from ninja import Schema
from pydantic import Field

from biopark.core.schema_types import choice, documented
from biopark.facilities.models import Booking, BookingSeries, Outage, Resource
from biopark.facilities.timeutil import resource_zone

if TYPE_CHECKING:  # the checker sees strings; pydantic sees the enums (see biopark.core.schema_types)
    ResourceKind: TypeAlias = str
    ResourceKindOut: TypeAlias = str
    FrequencyIn: TypeAlias = str
    StatusOut: TypeAlias = str
    OutageKind: TypeAlias = str
    OutageKindOut: TypeAlias = str
else:
    ResourceKind, ResourceKindOut = choice(Resource.Kind.values), documented(Resource.Kind.values)
    FrequencyIn = choice(BookingSeries.Frequency.values)
    StatusOut = documented(Booking.Status.values)
    OutageKind, OutageKindOut = choice(Outage.Kind.values), documented(Outage.Kind.values)


class ResourceOut(Schema):
    id: int
    key: str | None
    name_zh: str
    name_en: str
    kind: ResourceKindOut
    platform: int = Field(validation_alias="platform_id")
    capacity: int
    unit_label: str
    is_active: bool
    min_minutes: int
    max_minutes: int
    max_advance_days: int
    notice_minutes: int
    cancel_notice_minutes: int
    buffer_minutes: int
    opening_hours: dict[str, Any]
    quota_hours_week: Decimal | None
    quota_hours_month: Decimal | None
    requires_approval: bool
    requires_qualification: bool
    price_unit: str
    price_member: Decimal
    price_non_member: Decimal
    currency: str
    price_note: str
    time_zone: str

    @staticmethod
    def resolve_time_zone(obj: Any) -> str:
        park = obj.platform.park
        return park.time_zone if park is not None else ""


class ResourceIn(Schema):
    platform: int | None = None
    key: str | None = None
    name_zh: str | None = None
    name_en: str | None = None
    kind: ResourceKind | None = None
    capacity: int | None = None
    unit_label: str | None = None
    description_zh: str | None = None
    description_en: str | None = None
    is_active: bool | None = None
    min_minutes: int | None = None
    max_minutes: int | None = None
    max_advance_days: int | None = None
    notice_minutes: int | None = None
    cancel_notice_minutes: int | None = None
    buffer_minutes: int | None = None
    opening_hours: dict[str, Any] | None = None
    quota_hours_week: Decimal | None = None
    quota_hours_month: Decimal | None = None
    requires_approval: bool | None = None
    requires_qualification: bool | None = None
    price_unit: str | None = None
    price_member: Decimal | None = None
    price_non_member: Decimal | None = None
    currency: str | None = None
    price_note: str | None = None


class BookingIn(Schema):
    resource: int
    start: dt.datetime
    end: dt.datetime
    quantity: int = 1
    organisation: int | None = None
    project: int | None = None  # a pipeline project of the booking's organisation
    project_label: str = ""  # a free-text note about the project
    note: str = ""


class SeriesIn(BookingIn):
    frequency: FrequencyIn
    count: int


class BookingOut(Schema):
    id: int
    resource: int = Field(validation_alias="resource_id")
    resource_name: str
    organisation: int = Field(validation_alias="organisation_id")
    user: str
    start: dt.datetime
    end: dt.datetime
    local_start: str
    local_end: str
    quantity: int
    status: StatusOut
    project: int | None = Field(None, validation_alias="project_id")
    project_label: str
    series: int | None = Field(None, validation_alias="series_id")
    outage: int | None = Field(None, validation_alias="outage_id")
    flagged: bool
    # Why a manager rejected it: the requester reads it here as on the booking's page.
    decision_reason: str

    @staticmethod
    def resolve_resource_name(obj: Any) -> str:
        return str(obj.resource)

    @staticmethod
    def resolve_user(obj: Any) -> str:
        return obj.user.get_username()

    @staticmethod
    def _local(obj: Any, value: dt.datetime) -> str:
        return value.astimezone(resource_zone(obj.resource)).isoformat()

    @staticmethod
    def resolve_local_start(obj: Any) -> str:
        return BookingOut._local(obj, obj.start)

    @staticmethod
    def resolve_local_end(obj: Any) -> str:
        return BookingOut._local(obj, obj.end)

    @staticmethod
    def resolve_flagged(obj: Any) -> bool:
        return obj.outage_id is not None


def booking_out(booking: Any) -> dict[str, Any]:
    """BookingOut's JSON built directly, for the answer to a new booking (the busiest write): validating it
    through the schema cost a tenth of the request. A test keeps the two equal."""
    zone = resource_zone(booking.resource)
    return {
        "id": booking.pk,
        "resource": booking.resource_id,
        "resource_name": str(booking.resource),
        "organisation": booking.organisation_id,
        "user": booking.user.get_username(),
        "start": booking.start.astimezone(dt.UTC),  # written by JsonResponse's encoder, as ninja writes them
        "end": booking.end.astimezone(dt.UTC),
        "local_start": booking.start.astimezone(zone).isoformat(),
        "local_end": booking.end.astimezone(zone).isoformat(),
        "quantity": booking.quantity,
        "status": booking.status,
        "project": booking.project_id,
        "project_label": booking.project_label,
        "series": booking.series_id,
        "outage": booking.outage_id,
        "flagged": booking.outage_id is not None,
        "decision_reason": booking.decision_reason,
    }


class SkipOut(Schema):
    start: str
    date: str
    rule: str
    message: str


class SeriesOut(Schema):
    series: int
    created: list[BookingOut]
    skipped: list[SkipOut]


class SlotOut(Schema):
    start: dt.datetime
    end: dt.datetime
    free_units: int


class ResourceSlotsOut(Schema):
    resource: int
    name: str
    free_hours: float
    slots: list[SlotOut]


class RejectIn(Schema):
    # Required as on the page: the requester is told why.
    reason: str = Field(max_length=500)


class UsageIn(Schema):
    start: dt.datetime | None = None
    end: dt.datetime | None = None


class UsageOut(Schema):
    id: int
    booking: int | None = Field(None, validation_alias="booking_id")
    resource: int = Field(validation_alias="resource_id")
    organisation: int = Field(validation_alias="organisation_id")
    start: dt.datetime
    end: dt.datetime
    quantity: int
    rate: str
    price_unit: str
    unit_price: Decimal
    billed_units: Decimal
    amount: Decimal
    currency: str
    confirmed_from_booking: bool


class OutageIn(Schema):
    resource: int
    start: dt.datetime
    end: dt.datetime
    kind: OutageKind = "maintenance"
    reason: str = ""


class OutageOut(Schema):
    id: int
    resource: int
    kind: OutageKindOut
    start: dt.datetime
    end: dt.datetime
    reason: str
    flagged: int = 0  # how many active bookings fell into it and were flagged to their owners


class QualificationIn(Schema):
    resource: int
    user: str  # username
    expires_on: dt.date | None = None


class QualificationOut(Schema):
    id: int
    resource: int = Field(validation_alias="resource_id")
    user: str
    expires_on: dt.date | None

    @staticmethod
    def resolve_user(obj: Any) -> str:
        return obj.user.get_username()


class WaitlistIn(Schema):
    resource: int
    start: dt.datetime
    end: dt.datetime


class WaitlistOut(Schema):
    id: int
    resource: int = Field(validation_alias="resource_id")
    start: dt.datetime
    end: dt.datetime
    notified_at: dt.datetime | None


class StatementLineOut(Schema):
    date: dt.date
    platform: str
    resource: str
    project: str
    user: str
    start: dt.datetime
    end: dt.datetime
    quantity: int
    rate: str
    price_unit: str
    unit_price: Decimal
    billed_units: Decimal
    amount: Decimal
    currency: str


class StatementOut(Schema):
    organisation: int
    year: int
    month: int
    lines: list[StatementLineOut]
    totals: dict[str, Decimal]


class WeekOut(Schema):
    week_start: dt.date
    available_hours: float
    booked_hours: float


class UtilisationOut(Schema):
    resource: int
    name: str
    platform: int
    available_hours: float
    booked_hours: float
    weeks: list[WeekOut]

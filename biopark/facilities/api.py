"""REST endpoints of the facilities app, mounted at /api/v1/facilities/. Thin: parse, call a service or a
selector, return a schema. Booking refusals come back as {"error": {"code", "message", "fields": {"rule"}}}:
422 when a rule refuses, 409 when the slot is taken."""

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from biopark.accounts import policy
from biopark.core.errors import NotFound, ValidationFailed
from biopark.core.fastread import JoinedSelect
from biopark.core.pagination import Page, paginate
from biopark.core.schema_types import SafeText, choice
from biopark.core.writes import etag_of, version_from_etag
from biopark.ecosystem.models import Organisation, Platform
from biopark.facilities import ical, selectors, services, timeutil, usage
from biopark.facilities.models import Booking, Outage, Resource, WaitlistEntry
from biopark.facilities.schemas import (
    BookingIn,
    BookingOut,
    OutageIn,
    OutageOut,
    QualificationIn,
    QualificationOut,
    RejectIn,
    ResourceIn,
    ResourceOut,
    ResourceSlotsOut,
    SeriesIn,
    SeriesOut,
    StatementOut,
    UsageIn,
    UsageOut,
    UtilisationOut,
    WaitlistIn,
    WaitlistOut,
    booking_out,
)

router = Router(tags=["facilities"])

MAX_SEARCH_DAYS = 31
KINDS = [*Resource.Kind.values, *Platform.Kind.values]  # a resource's own kind or its platform's


def who(request: HttpRequest) -> Any:
    """The caller (a user or AnonymousUser) that the API's auth put on the request."""
    return request.auth  # type: ignore[attr-defined]


# The resource behind a free-slot search or a booking, read on every such call: SQL built once.
_RESOURCE = JoinedSelect(Resource, ["platform", "platform__park"], by="id")


def _resource(pk: int, user: Any, field: str = "resource") -> Resource:
    # Out of the id column's range (SQLite cannot even take it as a parameter): no such resource.
    resource = _RESOURCE.first(pk) if 0 < pk < 2**63 else None
    # A resource the caller may not see answers exactly like one that does not exist.
    if resource is None or not policy.decide(user, policy.VIEW, resource):
        raise NotFound(_("no such resource"), field=field)
    return resource


def _booking(pk: int, user: Any) -> Booking:
    booking = Booking.objects.select_related("resource__platform__park", "organisation", "user").filter(pk=pk).first()
    if booking is None or not policy.decide(user, policy.VIEW, booking):  # hidden answers like missing
        raise NotFound(_("no such booking"))
    return booking


def _organisation(pk: int | None) -> Organisation | None:
    if pk is None:
        return None
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        raise ValidationFailed(_("no organisation %(id)s") % {"id": pk}, field="organisation")
    return org


def _window(start: dt.datetime | None, end: dt.datetime | None, tz: Any) -> tuple[dt.datetime, dt.datetime]:
    if start is None:
        start = timeutil.week_start(timezone.now(), tz)
    start = timeutil.as_utc(start, tz)
    end = timeutil.as_utc(end, tz) if end is not None else start + dt.timedelta(days=7)
    if end <= start:
        raise ValidationFailed(_("end must be after start"), field="end")
    if end - start > dt.timedelta(days=MAX_SEARCH_DAYS):
        raise ValidationFailed(_("search at most %(n)s days at once") % {"n": MAX_SEARCH_DAYS}, field="end")
    return start, end


# --- resources ----------------------------------------------------------------------------------


class ResourceFilters(Schema):
    q: SafeText | None = None
    platform: int | None = None
    kind: choice(KINDS) | None = None  # type: ignore[valid-type]
    park: int | None = None
    page: int = 1
    page_size: int = 50


@router.get("/resources", response=Page[ResourceOut], operation_id="facilities_list_resources")
def list_resources(request: HttpRequest, filters: Query[ResourceFilters]) -> Any:
    policy.require(who(request), policy.VIEW, Resource)
    qs = selectors.resource_list(
        user=who(request), platform_id=filters.platform, kind=filters.kind, q=filters.q, park_id=filters.park
    )
    return paginate(qs, filters.page, filters.page_size)


@router.get("/resources/{int:pk}", response=ResourceOut, operation_id="facilities_get_resource")
def get_resource(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    resource = _resource(pk, who(request))
    response["ETag"] = etag_of(resource)
    return resource


@router.post("/resources", response={201: ResourceOut}, operation_id="facilities_create_resource")
def create_resource(request: HttpRequest, payload: ResourceIn) -> Any:
    data = payload.dict(exclude_unset=True)
    platform_id = data.pop("platform", None)
    platform = Platform.objects.select_related("park").filter(pk=platform_id).first() if platform_id else None
    if platform is None:
        raise ValidationFailed(_("choose an existing platform"), field="platform")
    resource = services.resource_create(actor=who(request), platform=platform, data=data)
    return Status(201, Resource.objects.select_related("platform__park").get(pk=resource.pk))


@router.patch("/resources/{int:pk}", response=ResourceOut, operation_id="facilities_update_resource")
def update_resource(request: HttpRequest, pk: int, payload: ResourceIn, response: HttpResponse) -> Any:
    resource = _resource(pk, who(request))
    data = payload.dict(exclude_unset=True)
    if "platform" in data:
        raise ValidationFailed(_("a resource cannot move to another platform"), field="platform")
    expected = version_from_etag(request.headers.get("If-Match"), resource)
    services.resource_update(actor=who(request), resource=resource, data=data, expected_version=expected)
    response["ETag"] = etag_of(resource)
    return resource


class SlotQuery(Schema):
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    min_minutes: int | None = None


@router.get("/resources/{int:pk}/slots", response=ResourceSlotsOut, operation_id="facilities_resource_slots")
def resource_slots(request: HttpRequest, pk: int, query: Query[SlotQuery]) -> Any:
    """Free slots of one resource (default: this week in the park's time zone)."""
    resource = _resource(pk, who(request))
    start, end = _window(query.start, query.end, timeutil.resource_zone(resource))
    found = selectors.availability(resources=[resource], start=start, end=end, min_minutes=query.min_minutes)[0]
    return JsonResponse(_slots_out(found))


def _z(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _slots_out(found: selectors.ResourceSlots) -> dict[str, Any]:
    """Plain JSON (the shape of ResourceSlotsOut): a search over 1,000 resources returns thousands of slots, and
    validating each through the schema on the way out would cost more than finding them."""
    return {
        "resource": found.resource.pk,
        "name": str(found.resource),
        "free_hours": round(found.free_hours, 2),
        "slots": [{"start": _z(s.start), "end": _z(s.end), "free_units": s.free_units} for s in found.slots],
    }


class AvailabilityQuery(SlotQuery):
    platform: int | None = None
    kind: choice(KINDS) | None = None  # type: ignore[valid-type]
    park: int | None = None
    q: SafeText | None = None
    limit: int = 1000


@router.get("/availability", response=list[ResourceSlotsOut], operation_id="facilities_availability")
def availability(request: HttpRequest, query: Query[AvailabilityQuery]) -> Any:
    """Free slots across resources, filtered by platform, kind (resource or platform kind), park, text."""
    policy.require(who(request), policy.VIEW, Resource)
    if not 1 <= query.limit <= 1000:
        raise ValidationFailed(_("limit must be between 1 and 1000"), field="limit")
    resources = selectors.for_availability(selectors.resource_list(
        user=who(request), platform_id=query.platform, kind=query.kind, q=query.q, park_id=query.park,
        active_only=True,
    ))[: query.limit]
    tz = timeutil.zone(None)
    start, end = _window(query.start, query.end, tz)
    found = selectors.availability(resources=resources, start=start, end=end, min_minutes=query.min_minutes)
    return JsonResponse([_slots_out(f) for f in found if f.slots], safe=False)


@router.get("/resources/{int:pk}/calendar.ics", operation_id="facilities_resource_ical")
def resource_ical(request: HttpRequest, pk: int) -> HttpResponse:
    """The resource's active bookings as an iCalendar feed (for the people who may see them)."""
    resource = _resource(pk, who(request))
    now = timezone.now()
    bookings = selectors.booking_list(user=who(request), resource_id=resource.pk, start=now - dt.timedelta(days=90))
    body = ical.calendar(bookings.exclude(status__in=[Booking.Status.REJECTED]), name=str(resource), now=now)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# --- bookings -----------------------------------------------------------------------------------


class BookingFilters(Schema):
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    resource: int | None = None
    status: choice(Booking.Status.values) | None = None  # type: ignore[valid-type]
    mine: bool = False
    flagged: bool | None = None
    page: int = 1
    page_size: int = 50


@router.get("/bookings", response=Page[BookingOut], operation_id="facilities_list_bookings")
def list_bookings(request: HttpRequest, filters: Query[BookingFilters]) -> Any:
    """Bookings the caller may see: enterprise members their organisation's, managers their resources'."""
    policy.require(who(request), policy.VIEW, Booking)
    if filters.status and filters.status not in Booking.Status.values:
        raise ValidationFailed(_("status must be one of %(known)s") % {"known": ", ".join(Booking.Status.values)}, field="status")
    qs = selectors.booking_list(
        user=who(request), start=filters.start, end=filters.end, resource_id=filters.resource,
        status=filters.status, mine=filters.mine, flagged=filters.flagged,
    )
    return paginate(qs, filters.page, filters.page_size)


@router.get("/bookings/{int:pk}", response=BookingOut, operation_id="facilities_get_booking")
def get_booking(request: HttpRequest, pk: int) -> Any:
    return _booking(pk, who(request))


@router.post("/bookings", response={201: BookingOut}, operation_id="facilities_create_booking")
def create_booking(request: HttpRequest, payload: BookingIn) -> Any:
    # By id: the service reads the resource once, under its lock, and answers 404 for one the caller cannot see.
    booking = services.booking_create(
        actor=who(request), resource=payload.resource, start=payload.start, end=payload.end, quantity=payload.quantity,
        organisation=_organisation(payload.organisation), project=payload.project,
        project_label=payload.project_label, note=payload.note,
    )
    return JsonResponse(booking_out(booking), status=201)


@router.post("/bookings/series", response={201: SeriesOut}, operation_id="facilities_create_series")
def create_series(request: HttpRequest, payload: SeriesIn) -> Any:
    """A recurring booking: conflicting dates are skipped and reported, the rest are booked."""
    resource = _resource(payload.resource, who(request))
    result = services.booking_series_create(
        actor=who(request), resource=resource, start=payload.start, end=payload.end, frequency=payload.frequency,
        count=payload.count, quantity=payload.quantity, organisation=_organisation(payload.organisation),
        project=payload.project, project_label=payload.project_label,
    )
    return Status(201, {"series": result.series.pk, "created": result.created, "skipped": result.skipped})


@router.post("/bookings/{int:pk}/cancel", response=BookingOut, operation_id="facilities_cancel_booking")
def cancel_booking(request: HttpRequest, pk: int) -> Any:
    return services.booking_cancel(actor=who(request), booking=_booking(pk, who(request)))


@router.post("/bookings/{int:pk}/approve", response=BookingOut, operation_id="facilities_approve_booking")
def approve_booking(request: HttpRequest, pk: int) -> Any:
    return services.booking_decide(actor=who(request), booking=_booking(pk, who(request)), approve=True)


@router.post("/bookings/{int:pk}/reject", response=BookingOut, operation_id="facilities_reject_booking")
def reject_booking(request: HttpRequest, pk: int, payload: RejectIn) -> Any:
    """Reject a pending booking with the reason its requester will read (required, as on the page)."""
    return services.booking_decide(
        actor=who(request), booking=_booking(pk, who(request)), approve=False, reason=payload.reason
    )


@router.post("/bookings/{int:pk}/usage", response={201: UsageOut}, operation_id="facilities_record_usage")
def record_usage(request: HttpRequest, pk: int, payload: UsageIn) -> Any:
    """Record actual start/end (or send {} to confirm the booked times); priced at once."""
    record = usage.usage_record(
        actor=who(request), booking=_booking(pk, who(request)), start=payload.start, end=payload.end
    )
    return Status(201, record)


# --- wait list, outages, qualifications ---------------------------------------------------------


@router.post("/waitlist", response={201: WaitlistOut}, operation_id="facilities_join_waitlist")
def join_waitlist(request: HttpRequest, payload: WaitlistIn) -> Any:
    resource = _resource(payload.resource, who(request))
    return Status(201, services.waitlist_join(actor=who(request), resource=resource, start=payload.start, end=payload.end))


@router.get("/waitlist", response=list[WaitlistOut], operation_id="facilities_list_waitlist")
def list_waitlist(request: HttpRequest) -> Any:
    policy.require(who(request), policy.VIEW, WaitlistEntry)
    return list(WaitlistEntry.objects.filter(user=who(request)).order_by("start")[:200])


@router.post("/outages", response={201: OutageOut}, operation_id="facilities_create_outage")
def create_outage(request: HttpRequest, payload: OutageIn) -> Any:
    resource = _resource(payload.resource, who(request))
    outage, flagged = services.outage_create(
        actor=who(request), resource=resource, start=payload.start, end=payload.end, kind=payload.kind,
        reason=payload.reason,
    )
    return Status(201, {"id": outage.pk, "resource": outage.resource_id, "kind": outage.kind, "start": outage.start,
                        "end": outage.end, "reason": outage.reason, "flagged": flagged})


@router.get("/resources/{int:pk}/outages", response=list[OutageOut], operation_id="facilities_list_outages")
def list_outages(request: HttpRequest, pk: int) -> Any:
    resource = _resource(pk, who(request))
    rows = (
        Outage.objects.filter(resource=resource, end__gt=timezone.now())
        .annotate(flagged=Count("flagged_bookings"))
        .values("id", "resource", "kind", "start", "end", "reason", "flagged")
        .order_by("start")
    )
    return list(rows[:200])


@router.post("/qualifications", response={201: QualificationOut}, operation_id="facilities_grant_qualification")
def grant_qualification(request: HttpRequest, payload: QualificationIn) -> Any:
    resource = _resource(payload.resource, who(request))
    user = get_user_model().objects.filter(username=payload.user).first()
    if user is None:
        raise ValidationFailed(_("no user %(value)s") % {"value": repr(payload.user)}, field="user")
    return Status(201, services.qualification_grant(
        actor=who(request), resource=resource, user=user, expires_on=payload.expires_on
    ))


@router.get("/qualifications", response=list[QualificationOut], operation_id="facilities_my_qualifications")
def my_qualifications(request: HttpRequest) -> Any:
    return list(selectors.qualifications_of(user=who(request))) if who(request).is_authenticated else []


# --- statements, utilisation --------------------------------------------------------------------


@router.get(
    "/statements/{int:organisation_id}/{int:year}/{int:month}", response=StatementOut,
    operation_id="facilities_statement",
)
def get_statement(request: HttpRequest, organisation_id: int, year: int, month: int) -> Any:
    if not 1 <= month <= 12:
        raise ValidationFailed(_("month must be 1 to 12"), field="month")
    org = Organisation.objects.filter(pk=organisation_id).select_related("park").first()
    if org is None:
        raise NotFound(_("no such organisation"))
    tz = timeutil.zone(org.park.time_zone if org.park else None)
    st = selectors.statement(user=who(request), organisation=org, year=year, month=month, tz=tz)
    return {"organisation": org.pk, "year": year, "month": month, "lines": st.lines, "totals": st.totals}


class UtilisationQuery(Schema):
    platform: int | None = None
    resource: int | None = None
    first_week: dt.date | None = None
    weeks: int = 4


@router.get("/utilisation", response=list[UtilisationOut], operation_id="facilities_utilisation")
def get_utilisation(request: HttpRequest, query: Query[UtilisationQuery]) -> Any:
    if not 1 <= query.weeks <= 26:
        raise ValidationFailed(_("weeks must be between 1 and 26"), field="weeks")
    resources = selectors.managed_resources(user=who(request))
    if query.platform:
        resources = resources.filter(platform_id=query.platform)
    if query.resource:
        resources = resources.filter(pk=query.resource)
    tz = timeutil.zone(None)
    first = query.first_week or (timezone.now().astimezone(tz).date() - dt.timedelta(weeks=query.weeks - 1))
    uses = selectors.utilisation(resources=resources[:500], first_week=first, weeks=query.weeks, tz=tz)
    return [
        {
            "resource": u.resource.pk, "name": str(u.resource), "platform": u.resource.platform_id,
            "available_hours": round(u.available_hours, 2), "booked_hours": round(u.booked_hours, 2),
            "weeks": u.weeks,
        }
        for u in uses
    ]

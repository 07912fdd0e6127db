"""Facilities admin screens, behind the same permission policy as pages and API: the admin lists only what the
user manages, and every write goes through the facilities services (so a cancelled booking frees its units
and tells the wait list, an outage flags the bookings it hits, and every change is in the history).

Booking status is a workflow field: read-only here, changed only by the cancel / approve actions, which call
booking_cancel and booking_decide (rejecting needs a reason for the requester: the booking's reject page). Usage records are read-only (recorded from a booking on the
pages, which prices them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from biopark.accounts import policy
from biopark.core.admin_policy import PolicyAdmin, changed_values
from biopark.facilities import services
from biopark.facilities.models import Booking, Outage, Qualification, Resource, UsageRecord
from biopark.facilities.permissions import managed_q


class _FacilitiesAdmin(PolicyAdmin):
    """Resources, and the qualifications and outages of resources, are listed to those who manage them (the
    policy lets every signed-in user read them; the admin is the managers' screen). Bookings and usage are
    listed as the policy's filter says (the base class)."""

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        managed = managed_q(policy.actor_for(request.user))
        if self.model is Resource:
            return qs.filter(managed)
        if self.model in (Qualification, Outage):
            return qs.filter(resource__in=Resource.objects.filter(managed).values("pk"))
        return qs


@admin.register(Resource)
class ResourceAdmin(_FacilitiesAdmin):
    list_display = ["id", "name_zh", "name_en", "platform", "kind", "capacity", "price_member", "price_non_member"]
    list_filter = ["kind", "requires_approval", "requires_qualification", "is_active"]
    search_fields = ["name_zh", "name_en", "key"]
    raw_id_fields = ["platform"]
    fields = ["platform", *services.RESOURCE_FIELDS]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Moving a resource to another platform changes who manages it: no service does that.
        return ["platform"] if obj is not None else []

    def service_create(self, request: HttpRequest, form: Any) -> Any:
        data = changed_values(form, services.RESOURCE_FIELDS, change=False)
        return services.resource_create(actor=request.user, platform=form.cleaned_data["platform"], data=data)

    def service_update(self, request: HttpRequest, obj: Any, form: Any) -> Any:
        data = changed_values(form, services.RESOURCE_FIELDS, change=True)
        return services.resource_update(
            actor=request.user, resource=obj, data=data, expected_version=self.expected_version(form)
        )


BOOKING_FIELDS: tuple[str, ...] = (
    "resource", "organisation", "user", "project", "project_label", "start", "end", "quantity", "status", "series",
    "outage", "note",
)


@admin.register(Booking)
class BookingAdmin(_FacilitiesAdmin):
    """Read-only records; the actions cancel or approve through the booking services."""

    list_display = ["id", "resource", "organisation", "user", "start", "end", "quantity", "status", "outage"]
    list_filter = ["status"]
    date_hierarchy = "start"
    fields = BOOKING_FIELDS
    readonly_fields = BOOKING_FIELDS
    # No bulk rejection: each rejection carries the reason its requester reads (the booking's reject page).
    actions = ["cancel_bookings", "approve_bookings"]

    def _selected(self, queryset: Any) -> Any:
        return queryset.select_related("resource__platform__park", "organisation")

    @admin.action(description=_("Cancel the selected bookings"))
    def cancel_bookings(self, request: HttpRequest, queryset: Any) -> None:
        self.run_per_record(
            request,
            self._selected(queryset),
            lambda booking: services.booking_cancel(actor=request.user, booking=booking),
            lambda n: ngettext("%(count)d booking cancelled.", "%(count)d bookings cancelled.", n) % {"count": n},
        )

    @admin.action(description=_("Approve the selected pending bookings"))
    def approve_bookings(self, request: HttpRequest, queryset: Any) -> None:
        self.run_per_record(
            request,
            self._selected(queryset),
            lambda booking: services.booking_decide(actor=request.user, booking=booking, approve=True),
            lambda n: ngettext("%(count)d booking approved.", "%(count)d bookings approved.", n) % {"count": n},
        )


@admin.register(Qualification)
class QualificationAdmin(_FacilitiesAdmin):
    """Granted (or renewed, by changing the expiry) through qualification_grant; deleted through
    qualification_revoke."""

    list_display = ["id", "user", "resource", "expires_on", "granted_by"]
    raw_id_fields = ["user", "resource"]
    fields = ["user", "resource", "expires_on", "granted_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["user", "resource", "granted_by"] if obj is not None else ["granted_by"]

    def service_create(self, request: HttpRequest, form: Any) -> Any:
        data = form.cleaned_data
        return services.qualification_grant(
            actor=request.user, resource=data["resource"], user=data["user"], expires_on=data.get("expires_on")
        )

    def service_update(self, request: HttpRequest, obj: Any, form: Any) -> Any:
        return services.qualification_grant(
            actor=request.user, resource=obj.resource, user=obj.user, expires_on=form.cleaned_data.get("expires_on")
        )

    def service_delete(self, request: HttpRequest, obj: Any) -> None:
        services.qualification_revoke(actor=request.user, qualification=obj)


@admin.register(Outage)
class OutageAdmin(_FacilitiesAdmin):
    """Created through outage_create (which flags the bookings it hits), removed through outage_delete; an
    outage is not edited in place (remove it and create the right one, so the flags follow)."""

    list_display = ["id", "resource", "kind", "start", "end", "reason"]
    raw_id_fields = ["resource"]
    fields = ["resource", "kind", "start", "end", "reason", "created_by"]
    readonly_fields = ["created_by"]

    def service_create(self, request: HttpRequest, form: Any) -> Any:
        data = form.cleaned_data
        outage, _flagged = services.outage_create(
            actor=request.user, resource=data["resource"], start=data["start"], end=data["end"],
            kind=data["kind"], reason=data.get("reason") or "",
        )
        return outage

    def service_delete(self, request: HttpRequest, obj: Any) -> None:
        services.outage_delete(actor=request.user, outage=obj)


@admin.register(UsageRecord)
class UsageRecordAdmin(_FacilitiesAdmin):
    """Read-only: usage is recorded and priced from a booking (usage_record) on the facilities pages."""

    list_display = ["id", "resource", "organisation", "start", "end", "rate", "amount", "currency"]

"""Admin screens, behind the same permission policy as pages and API: the admin lists only what the user
manages, and every add/change/delete asks policy.decide."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from biopark.accounts import policy
from biopark.facilities.models import Booking, Outage, Qualification, Resource, UsageRecord
from biopark.facilities.permissions import booking_visible


class _PolicyAdmin(admin.ModelAdmin):
    resource_path = "resource__platform"

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        condition = booking_visible(policy.actor_for(request.user))
        if condition is None:
            return qs.none()
        if self.model is Resource:
            from biopark.facilities.selectors import managed_resources

            return qs.filter(pk__in=managed_resources(user=request.user).values("pk"))
        return qs.filter(condition)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.decide(request.user, policy.VIEW, self.model).allowed and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.decide(request.user, policy.VIEW, obj or self.model).allowed

    def has_add_permission(self, request: HttpRequest) -> bool:
        return policy.decide(request.user, policy.CREATE, self.model).allowed

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.decide(request.user, policy.CHANGE, obj or self.model).allowed if obj else (
            policy.decide(request.user, policy.CREATE, self.model).allowed
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(obj) and policy.decide(request.user, policy.DELETE, obj).allowed


@admin.register(Resource)
class ResourceAdmin(_PolicyAdmin):
    list_display = ["id", "name_zh", "name_en", "platform", "kind", "capacity", "price_member", "price_non_member"]
    list_filter = ["kind", "requires_approval", "requires_qualification", "is_active"]
    search_fields = ["name_zh", "name_en", "key"]
    raw_id_fields = ["platform"]


@admin.register(Booking)
class BookingAdmin(_PolicyAdmin):
    list_display = ["id", "resource", "organisation", "user", "start", "end", "quantity", "status", "outage"]
    list_filter = ["status"]
    raw_id_fields = ["resource", "organisation", "user", "series", "outage", "project"]
    date_hierarchy = "start"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # bookings go through the booking policy (pages and API)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["resource", "organisation", "user", "start", "end", "quantity", "series", "outage"]


@admin.register(Qualification)
class QualificationAdmin(_PolicyAdmin):
    list_display = ["id", "user", "resource", "expires_on", "granted_by"]
    raw_id_fields = ["user", "resource", "granted_by"]


@admin.register(Outage)
class OutageAdmin(_PolicyAdmin):
    list_display = ["id", "resource", "kind", "start", "end", "reason"]
    raw_id_fields = ["resource", "created_by"]


@admin.register(UsageRecord)
class UsageRecordAdmin(_PolicyAdmin):
    list_display = ["id", "resource", "organisation", "start", "end", "rate", "amount", "currency"]
    raw_id_fields = ["booking", "resource", "organisation", "user", "recorded_by"]
    readonly_fields = ["unit_price", "billed_units", "amount", "currency", "rate"]

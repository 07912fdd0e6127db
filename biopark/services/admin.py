"""Service desk admin screens: behind the permission policy, writing only through the service-desk services.
A request's state and its dates are workflow fields, changed only by the transition policy (pages and API):
read-only here, as are the request's other fields; only the assignee can be changed (request_assign).
Events and attachments are read-only. Nothing is deleted here (no service does that)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from biopark.core.admin_policy import PolicyAdmin, changed_values
from biopark.services import services
from biopark.services.models import Attachment, RequestEvent, Service, ServiceRequest


@admin.register(Service)
class ServiceAdmin(PolicyAdmin):
    list_display = ["id", "name_zh", "name_en", "category", "provider_organisation", "provider_platform", "target_days", "active"]
    list_filter = ["category", "price_model", "active"]
    search_fields = ["name_zh", "name_en", "key"]
    raw_id_fields = ["provider_organisation", "provider_platform"]
    fields = ["provider_organisation", "provider_platform", "park", *services.SERVICE_FIELDS]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The provider (and with it the park) decides who manages the service: set once, by service_create.
        return ["provider_organisation", "provider_platform", "park"] if obj is not None else ["park"]

    def service_create(self, request: HttpRequest, form: Any) -> Any:
        data = form.cleaned_data
        return services.service_create(
            actor=request.user,
            data=changed_values(form, services.SERVICE_FIELDS, change=False),
            provider_organisation=data.get("provider_organisation"),
            provider_platform=data.get("provider_platform"),
        )

    def service_update(self, request: HttpRequest, obj: Any, form: Any) -> Any:
        return services.service_update(
            actor=request.user, service=obj, data=changed_values(form, services.SERVICE_FIELDS, change=True),
            expected_version=self.expected_version(form),
        )


class _ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(_ReadOnlyInline):
    model = RequestEvent
    fields = readonly_fields = ("kind", "from_state", "to_state", "text", "actor_label", "at")


class AttachmentInline(_ReadOnlyInline):
    model = Attachment
    fields = readonly_fields = ("original_name", "size", "kind", "uploaded_at")


REQUEST_FIELDS: tuple[str, ...] = (
    "title", "details", "service", "project", "requester", "requester_organisation", "provider_organisation", "park",
    "state", "assignee", "due_on", "submitted_at", "accepted_at", "started_at", "delivered_at", "ended_at", "rating",
    "rating_comment",
)


@admin.register(ServiceRequest)
class ServiceRequestAdmin(PolicyAdmin):
    list_display = ["id", "title", "service", "requester_organisation", "state", "due_on", "rating"]
    list_filter = ["state", "service__category"]
    search_fields = ["title"]
    raw_id_fields = ["assignee"]
    fields = REQUEST_FIELDS
    readonly_fields = tuple(f for f in REQUEST_FIELDS if f != "assignee")
    inlines = [EventInline, AttachmentInline]

    def service_update(self, request: HttpRequest, obj: Any, form: Any) -> Any:
        if "assignee" not in form.changed_data:
            return obj
        return services.request_assign(actor=request.user, request=obj, assignee=form.cleaned_data.get("assignee"))

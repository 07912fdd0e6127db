from django.contrib import admin

from biopark.services.models import Attachment, RequestEvent, Service, ServiceRequest


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["id", "name_zh", "name_en", "category", "provider_organisation", "provider_platform", "target_days", "active"]
    list_filter = ["category", "price_model", "active"]
    search_fields = ["name_zh", "name_en", "key"]
    raw_id_fields = ["provider_organisation", "provider_platform", "park"]


class EventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    readonly_fields = ["kind", "from_state", "to_state", "text", "actor_label", "at"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["original_name", "size", "kind", "uploaded_at"]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    """State changes go through the transition policy (API and pages), so the state is read-only here."""

    list_display = ["id", "title", "service", "requester_organisation", "state", "due_on", "rating"]
    list_filter = ["state", "service__category"]
    search_fields = ["title"]
    raw_id_fields = ["service", "project", "requester", "requester_organisation", "provider_organisation", "park", "assignee"]
    readonly_fields = ["state", "submitted_at", "accepted_at", "started_at", "delivered_at", "ended_at"]
    inlines = [EventInline, AttachmentInline]

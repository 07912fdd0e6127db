"""Investment promotion in the admin: behind the permission policy, writing only through the promotion
services. A lead's stage (and what a move sets with it) is a workflow field, moved on the lead's page or by
the API's move; pipelines, stages, stage changes, activities and documents are read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from biopark.core.admin_policy import PolicyAdmin, changed_values
from biopark.promotion import services
from biopark.promotion.models import Activity, Lead, Pipeline, Stage, StageChange

LEAD_ADMIN_FIELDS = [
    "pipeline", "park", "organisation", "project", "description", "investment_amount", "investment_currency", "jobs",
    "space_m2", "source", "source_event", "owner", "next_action", "next_action_due", "policy_package", "policy_amount",
    "policy_currency", "agreement",
]


class _ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StageInline(_ReadOnlyInline):
    model = Stage
    fields = readonly_fields = ("position", "code", "name_zh", "name_en", "outcome")


class StageChangeInline(_ReadOnlyInline):
    model = StageChange
    fields = readonly_fields = ("at", "from_stage", "to_stage", "by", "note")


class ActivityInline(_ReadOnlyInline):
    model = Activity
    fields = readonly_fields = ("on", "kind", "summary", "by")


@admin.register(Pipeline)
class PipelineAdmin(PolicyAdmin):
    list_display = ["id", "key", "kind", "name_zh", "name_en"]
    fields = readonly_fields = ("key", "kind", "name_zh", "name_en", "position")
    inlines = [StageInline]


@admin.register(Lead)
class LeadAdmin(PolicyAdmin):
    list_display = ["id", "organisation", "project", "park", "stage", "owner", "next_action_due"]
    list_filter = ["pipeline", "source", "stage__outcome"]
    search_fields = ["project", "organisation__name_zh", "organisation__name_en"]
    raw_id_fields = ["organisation", "park", "owner", "source_event", "agreement"]
    fields = [*LEAD_ADMIN_FIELDS, "stage", "stage_entered_at", "lost_reason", "lost_note"]
    readonly_fields = ["pipeline", "stage", "stage_entered_at", "lost_reason", "lost_note"]
    inlines = [StageChangeInline, ActivityInline]

    def service_update(self, request: HttpRequest, obj: Any, form: Any) -> Any:
        editable = [f for f in LEAD_ADMIN_FIELDS if f != "pipeline"]
        return services.lead_update(
            actor=request.user, lead=obj, data=changed_values(form, editable, change=True),
            expected_version=self.expected_version(form),
        )

"""Pipeline admin screens: behind the permission policy, writing only through the pipeline services. Stage
fields (highest stage, last event, each indication's current stage) and stage events are workflow data,
recorded by stage_record with its rules and evidence: read-only here. Projects are not deleted here (no
service does that)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from biopark.core.admin_policy import PolicyAdmin, changed_values
from biopark.pipeline import services
from biopark.pipeline.models import Indication, Project, StageEvent


class IndicationInline(admin.TabularInline):
    """Read-only: indications are added on the project's page (indication_add)."""

    model = Indication
    extra = 0
    fields = readonly_fields = ("name_zh", "name_en", "therapeutic_area", "current_stage")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(PolicyAdmin):
    list_display = ["id", "name_zh", "name_en", "organisation", "modality", "highest_stage", "last_event_on", "visibility"]
    list_filter = ["modality", "highest_stage", "visibility", "synthetic"]
    search_fields = ["name_zh", "name_en", "key"]
    raw_id_fields = ["organisation", "team", "partners"]
    fields = [
        "organisation", "park", *services.PROJECT_FIELDS, "team", "partners", "highest_stage", "last_event_on",
        "synthetic",
    ]
    inlines = [IndicationInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The park follows the organisation; no service moves a project to another organisation.
        fixed = ["park", "highest_stage", "last_event_on", "synthetic"]
        return ["organisation", *fixed] if obj is not None else fixed

    def service_create(self, request: HttpRequest, form: Any) -> Any:
        data = form.cleaned_data
        return services.project_create(
            actor=request.user,
            organisation=data["organisation"],
            data=changed_values(form, services.PROJECT_FIELDS, change=False),
            team=list(data.get("team") or []),
            partners=list(data.get("partners") or []),
        )

    def service_update(self, request: HttpRequest, obj: Any, form: Any) -> Any:
        data = form.cleaned_data
        changed = set(form.changed_data)
        return services.project_update(
            actor=request.user,
            project=obj,
            data=changed_values(form, services.PROJECT_FIELDS, change=True),
            team=list(data["team"]) if "team" in changed else None,
            partners=list(data["partners"]) if "partners" in changed else None,
            expected_version=self.expected_version(form),
        )


@admin.register(StageEvent)
class StageEventAdmin(PolicyAdmin):
    """Read-only: stage events are recorded through the service (rules, evidence, history)."""

    list_display = ["id", "project", "indication", "stage", "occurred_on", "direction", "recorded_label"]
    list_filter = ["stage", "direction"]

from django.contrib import admin

from biopark.pipeline.models import Indication, Project, StageEvent


class IndicationInline(admin.TabularInline):
    model = Indication
    extra = 0
    readonly_fields = ["current_stage"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["id", "name_zh", "name_en", "organisation", "modality", "highest_stage", "last_event_on", "visibility"]
    list_filter = ["modality", "highest_stage", "visibility", "synthetic"]
    search_fields = ["name_zh", "name_en", "key"]
    raw_id_fields = ["organisation", "park", "team", "partners"]
    readonly_fields = ["highest_stage", "last_event_on"]
    inlines = [IndicationInline]


@admin.register(StageEvent)
class StageEventAdmin(admin.ModelAdmin):
    """Read-only: stage events are recorded through the service (rules, evidence, history)."""

    list_display = ["id", "project", "indication", "stage", "occurred_on", "direction", "recorded_label"]
    list_filter = ["stage", "direction"]
    raw_id_fields = ["project", "indication", "document"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

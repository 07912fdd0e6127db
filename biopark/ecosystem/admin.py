from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from biopark.core.admin_policy import PolicyAdmin
from biopark.ecosystem import services
from biopark.ecosystem.fields import EDITABLE, PARTIAL_DATES
from biopark.ecosystem.models import Figure, Organisation, Park, Person, Platform, Position, Relation


class RegistryAdmin(PolicyAdmin):
    """Saves go through the registry services, so admin edits are checked and kept in the history."""

    search_fields = ["search_text", "key"]
    list_display = ["id", "name_zh", "name_en", "key"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f for f in EDITABLE[self.model] if f not in PARTIAL_DATES]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = {f: form.cleaned_data[f] for f in self.get_fields(request, obj) if f in form.cleaned_data}
        if change:
            original = self.model.objects.get(pk=obj.pk)
            saved = services.record_update(actor=request.user, instance=original, data=data, note="admin")
        else:
            saved = services.record_create(actor=request.user, model=self.model, data=data, note="admin")
        obj.pk = saved.pk

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        from biopark.ecosystem.selectors import search

        return search(queryset, search_term), False


@admin.register(Park)
class ParkAdmin(RegistryAdmin):
    list_display = ["id", "name_zh", "name_en", "kind", "parent", "public_directory"]


@admin.register(Organisation)
class OrganisationAdmin(RegistryAdmin):
    list_display = ["id", "name_zh", "name_en", "kind", "park"]
    list_filter = ["kind"]
    raw_id_fields = ["park"]


@admin.register(Person)
class PersonAdmin(RegistryAdmin):
    pass


@admin.register(Platform)
class PlatformAdmin(RegistryAdmin):
    list_display = ["id", "name_zh", "name_en", "kind", "operator", "park"]
    raw_id_fields = ["operator"]


@admin.register(Position)
class PositionAdmin(PolicyAdmin):
    list_display = ["id", "person", "title_zh", "title_en", "organisation", "is_current"]
    raw_id_fields = ["person", "organisation"]


@admin.register(Relation)
class RelationAdmin(PolicyAdmin):
    list_display = ["id", "subject_type", "subject_id", "predicate", "object_type", "object_id"]


@admin.register(Figure)
class FigureAdmin(PolicyAdmin):
    list_display = ["id", "subject_type", "subject_id", "kind", "amount", "currency", "unit"]

"""Registry admin screens: behind the permission policy, writing only through the registry services (which
check the record as it is and as it would be, and keep the history). Records without a service for a write
are read-only here: position changes, relation changes, figures, and deleting any registry record."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _

from biopark.core.admin_policy import PolicyAdmin, changed_values
from biopark.core.errors import ValidationFailed
from biopark.ecosystem import services
from biopark.ecosystem.fields import EDITABLE, PARTIAL_DATES, TYPE_NAMES
from biopark.ecosystem.models import Figure, Organisation, Park, Person, Platform, Position, Relation
from biopark.ecosystem.selectors import search


class RegistryAdmin(PolicyAdmin):
    """Parks, organisations, people and platforms: saves go through record_create / record_update."""

    search_fields = ["search_text", "key"]
    list_display = ["id", "name_zh", "name_en", "key"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The editable fields of the model's registry type, plus what the base adds (the version seen).
        extra = [f for f in super().get_fields(request, obj) if f == "seen_version"]
        return [*self._editable(), *extra]

    def _editable(self) -> list[str]:
        return [f for f in EDITABLE[self.model] if f not in PARTIAL_DATES]

    def service_create(self, request: HttpRequest, form: Any) -> Any:
        data = changed_values(form, self._editable(), change=False)
        return services.record_create(actor=request.user, model=self.model, data=data, note="admin")

    def service_update(self, request: HttpRequest, obj: Any, form: Any) -> Any:
        data = changed_values(form, self._editable(), change=True)
        return services.record_update(
            actor=request.user, instance=obj, data=data, note="admin", expected_version=self.expected_version(form)
        )

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
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
    """Positions are added through position_add (history on the person); there is no service to change or
    remove one, so an existing position is read-only here."""

    list_display = ["id", "person", "title_zh", "title_en", "organisation", "is_current"]
    raw_id_fields = ["person", "organisation"]
    fields = ["person", "organisation", "title_zh", "title_en", "start_on", "end_on", "is_current"]

    def service_create(self, request: HttpRequest, form: Any) -> Any:
        data = form.cleaned_data
        start, end = data.get("start_on"), data.get("end_on")
        return services.position_add(
            actor=request.user,
            person=data["person"],
            organisation=data.get("organisation"),
            title_zh=data.get("title_zh") or "",
            title_en=data.get("title_en") or "",
            start=start.isoformat() if start else None,
            end=end.isoformat() if end else None,
            is_current=bool(data.get("is_current")),
        )


def _entity(kind: str, pk: Any, field: str) -> Any:
    model = TYPE_NAMES.get(kind)
    found = model._default_manager.filter(pk=pk).first() if model is not None and pk is not None else None
    if found is None:
        raise ValidationFailed(_("no %(type)s %(id)s") % {"type": kind, "id": pk}, field=field)
    return found


@admin.register(Relation)
class RelationAdmin(PolicyAdmin):
    """Relations are added through relation_create and removed through relation_delete (history on the
    subject); a relation is not edited in place (remove it and add the right one)."""

    list_display = ["id", "subject_type", "subject_id", "predicate", "object_type", "object_id"]
    fields = ["subject_type", "subject_id", "predicate", "object_type", "object_id", "note"]

    def service_create(self, request: HttpRequest, form: Any) -> Any:
        data = form.cleaned_data
        return services.relation_create(
            actor=request.user,
            subject=_entity(data["subject_type"], data["subject_id"], "subject_id"),
            predicate=data["predicate"],
            obj=_entity(data["object_type"], data["object_id"], "object_id"),
            note=data.get("note") or "",
        )

    def service_delete(self, request: HttpRequest, obj: Any) -> None:
        services.relation_delete(actor=request.user, relation=obj)


@admin.register(Figure)
class FigureAdmin(PolicyAdmin):
    """Read-only: figures have no write service yet (they come from the demo data and imports)."""

    list_display = ["id", "subject_type", "subject_id", "kind", "amount", "currency", "unit"]

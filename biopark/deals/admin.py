"""Deals admin screens: behind the permission policy, writing only through the deals services. Parties,
signatories, licence terms and participants are edited on the deals pages (their rows are read-only here)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from biopark.core.admin_policy import PolicyAdmin, changed_values
from biopark.deals import services
from biopark.deals.models import Agreement, AgreementParty, Event, EventParticipant, IPAsset, Signatory


class _ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PartyInline(_ReadOnlyInline):
    model = AgreementParty
    fields = readonly_fields = ("organisation", "role")


class SignatoryInline(_ReadOnlyInline):
    model = Signatory
    fields = readonly_fields = ("person", "role", "organisation", "title_zh", "title_en")


class ParticipantInline(_ReadOnlyInline):
    model = EventParticipant
    fields = readonly_fields = ("person", "organisation", "title_zh", "title_en")


_AGREEMENT_ADMIN_FIELDS = [f for f in services.AGREEMENT_FIELDS if f != "signed_on"]


@admin.register(Agreement)
class AgreementAdmin(PolicyAdmin):
    list_display = ["id", "title_zh", "title_en", "kind", "status", "signed_on", "confidentiality", "park"]
    list_filter = ["kind", "status", "confidentiality", "synthetic"]
    search_fields = ["title_zh", "title_en", "key"]
    raw_id_fields = ["park", "event"]
    fields = [*_AGREEMENT_ADMIN_FIELDS, "synthetic"]
    readonly_fields = ["synthetic"]
    inlines = [PartyInline, SignatoryInline]

    def service_update(self, request: HttpRequest, obj: Any, form: Any) -> Any:
        return services.agreement_update(
            actor=request.user, agreement=obj, data=changed_values(form, _AGREEMENT_ADMIN_FIELDS, change=True),
            expected_version=self.expected_version(form),
        )

    def service_delete(self, request: HttpRequest, obj: Any) -> None:
        services.agreement_delete(actor=request.user, agreement=obj)


@admin.register(IPAsset)
class IPAssetAdmin(PolicyAdmin):
    list_display = ["id", "number", "title_zh", "title_en", "kind", "jurisdiction", "status", "filed_on"]
    list_filter = ["kind", "jurisdiction", "status", "confidentiality"]
    search_fields = ["number", "title_zh", "title_en"]
    raw_id_fields = ["park"]
    fields = [*services.IP_FIELDS]

    def service_update(self, request: HttpRequest, obj: Any, form: Any) -> Any:
        return services.ip_asset_update(
            actor=request.user, asset=obj, data=changed_values(form, services.IP_FIELDS, change=True),
            expected_version=self.expected_version(form),
        )


_EVENT_ADMIN_FIELDS = [f for f in services.EVENT_FIELDS if f != "starts_on"]


@admin.register(Event)
class EventAdmin(PolicyAdmin):
    list_display = ["id", "title_zh", "title_en", "kind", "starts_on", "park"]
    list_filter = ["kind"]
    search_fields = ["title_zh", "title_en", "key"]
    raw_id_fields = ["park"]
    fields = [*_EVENT_ADMIN_FIELDS]
    inlines = [ParticipantInline]

    def service_update(self, request: HttpRequest, obj: Any, form: Any) -> Any:
        return services.event_update(
            actor=request.user, event=obj, data=changed_values(form, _EVENT_ADMIN_FIELDS, change=True),
            expected_version=self.expected_version(form),
        )

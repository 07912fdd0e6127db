"""Financing in the admin: behind the permission policy. A financing need is edited through `need_update` (history,
policy, the matching's cache told); mandates, interests, notes, introductions, notifications and roadshows are
read-only here (their screens and the API write them through their services, with the checks those carry).
Investor notes appear to administrators only, read-only: the policy lets administrators read every record,
and nobody outside the investor organisation otherwise (docs/financing.md)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from biopark.core.admin_policy import PolicyAdmin, changed_values
from biopark.financing import services
from biopark.financing.models import (
    FinancingNeed,
    Interest,
    Introduction,
    InvestorNote,
    Mandate,
    Roadshow,
    RoadshowApplication,
    RoadshowFeedback,
)

NEED_ADMIN_FIELDS = ["round", "amount", "currency", "use_of_funds", "visibility", "open"]


class _ReadOnlyAdmin(PolicyAdmin):
    """Every field shown, none written (no service_* defined: PolicyAdmin then refuses add, change, delete)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in self.model._meta.fields]


@admin.register(FinancingNeed)
class FinancingNeedAdmin(PolicyAdmin):
    list_display = ["id", "project", "round", "amount", "currency", "visibility", "open"]
    list_filter = ["round", "visibility", "open"]
    search_fields = ["project__name_zh", "project__name_en"]
    fields = ["project", *NEED_ADMIN_FIELDS]
    readonly_fields = ["project"]

    def service_update(self, request: HttpRequest, obj: Any, form: Any) -> Any:
        return services.need_update(actor=request.user, need=obj,
                                    data=changed_values(form, NEED_ADMIN_FIELDS, change=True),
                                    expected_version=self.expected_version(form))


@admin.register(Mandate)
class MandateAdmin(_ReadOnlyAdmin):
    list_display = ["id", "organisation", "name", "ticket_min", "ticket_max", "currency", "active"]
    list_filter = ["active", "currency"]
    search_fields = ["organisation__name_zh", "organisation__name_en", "name"]


@admin.register(Interest)
class InterestAdmin(_ReadOnlyAdmin):
    list_display = ["id", "investor", "project", "state", "updated_at"]
    list_filter = ["state"]


@admin.register(InvestorNote)
class InvestorNoteAdmin(_ReadOnlyAdmin):
    list_display = ["id", "investor", "project", "author_label", "created_at"]


@admin.register(Introduction)
class IntroductionAdmin(_ReadOnlyAdmin):
    list_display = ["id", "investor", "project", "created_at"]


@admin.register(Roadshow)
class RoadshowAdmin(_ReadOnlyAdmin):
    list_display = ["id", "event", "park", "deadline"]


@admin.register(RoadshowApplication)
class RoadshowApplicationAdmin(_ReadOnlyAdmin):
    list_display = ["id", "roadshow", "project", "status"]
    list_filter = ["status"]


@admin.register(RoadshowFeedback)
class RoadshowFeedbackAdmin(_ReadOnlyAdmin):
    list_display = ["id", "roadshow", "investor", "project", "rating", "follow_up", "lead"]

"""Accounts admin screens: administrators only (a role grants every other permission), behind the policy,
writing through biopark.accounts.services. Tokens are listed and revoked here, never created or edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from biopark.accounts import services
from biopark.accounts.models import ApiToken, Profile
from biopark.core.admin_policy import PolicyAdmin


class _AccountsAdmin(PolicyAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser) and super().has_module_permission(request)


@admin.register(Profile)
class ProfileAdmin(_AccountsAdmin):
    list_display = ["user", "role", "organisation", "park"]
    list_filter = ["role"]
    raw_id_fields = ["user", "organisation", "park"]
    fields = ["user", "role", "organisation", "park"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["user"] if obj is not None else []

    def service_create(self, request: HttpRequest, form: Any) -> Any:
        data = form.cleaned_data
        return services.profile_save(
            actor=request.user, user=data["user"], role=data["role"], organisation=data.get("organisation"),
            park=data.get("park"),
        )

    def service_update(self, request: HttpRequest, obj: Any, form: Any) -> Any:
        data = form.cleaned_data
        return services.profile_save(
            actor=request.user, user=obj.user, role=data["role"], organisation=data.get("organisation"),
            park=data.get("park"),
        )


@admin.register(ApiToken)
class ApiTokenAdmin(_AccountsAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at"]

    def service_delete(self, request: HttpRequest, obj: Any) -> None:
        services.api_token_revoke_any(actor=request.user, token=obj)

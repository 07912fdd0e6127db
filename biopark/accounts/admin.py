"""Accounts admin screens: administrators only (a role grants every other permission), behind the policy,
writing through biopark.accounts.services. Tokens are listed and revoked here, never created or edited.

Django's own user screen stays (superusers only, by Django's permissions), but its password page goes
through the password service, so a password set or disabled there revokes the user's API and feed tokens
and is in the history, as on the user's own password page."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.http import HttpRequest, HttpResponseRedirect

from biopark.accounts import services
from biopark.accounts.models import ApiToken, Profile
from biopark.core.admin_policy import PolicyAdmin
from biopark.core.errors import DomainError


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


class _PasswordThroughService(AdminPasswordChangeForm):
    """Django's admin password form, saved by the password services (the actor is set per request)."""

    actor: Any = None

    def save(self, commit: bool = True) -> Any:
        if self.cleaned_data.get("set_usable_password", True):
            services.user_password_change(actor=self.actor, user=self.user, password=self.cleaned_data["password1"])
        else:
            services.user_password_disable(actor=self.actor, user=self.user)
        return self.user


class BioParkUserAdmin(UserAdmin):
    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        # A copy of this admin for this request, so concurrent requests never share the actor.
        view = copy.copy(self)
        view.change_password_form = type("PasswordForm", (_PasswordThroughService,), {"actor": request.user})
        try:
            return UserAdmin.user_change_password(view, request, id, form_url)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


_user_model = get_user_model()
if admin.site.is_registered(_user_model):
    admin.site.unregister(_user_model)
admin.site.register(_user_model, BioParkUserAdmin)

"""Admin screens ask the same permission policy as pages and API, and write through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from biopark.accounts import policy


class PolicyAdmin(admin.ModelAdmin):
    """A ModelAdmin whose permissions come from biopark.accounts.policy."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request) and policy.decide(
            request.user, policy.VIEW, obj if obj is not None else self.model
        ).allowed

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request) and policy.decide(request.user, policy.CREATE, self.model).allowed

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.has_module_permission(request):
            return False
        if obj is None:
            actor = policy.actor_for(request.user)
            return actor.is_admin or actor.role in ("operator", "platform_manager", "enterprise_member")
        return policy.decide(request.user, policy.CHANGE, obj).allowed

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.has_module_permission(request):
            return False
        return policy.decide(request.user, policy.DELETE, obj if obj is not None else self.model).allowed

from django.contrib import admin

from biopark.accounts.models import ApiToken, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "park"]
    list_filter = ["role"]
    raw_id_fields = ["organisation", "park"]

    def has_module_permission(self, request):  # type: ignore[no-untyped-def]
        return request.user.is_superuser


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["token_hash", "prefix"]

    def has_module_permission(self, request):  # type: ignore[no-untyped-def]
        return request.user.is_superuser

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "biopark.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from biopark.accounts import merge
        from biopark.accounts.permissions import register
        from biopark.accounts.policy import register_core_rules

        register_core_rules()
        register()
        merge.register()

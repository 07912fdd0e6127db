from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "biopark.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        # Models are loaded only now: the rules and the merge followers name them.
        from biopark.accounts import merge
        from biopark.accounts.permissions import register
        from biopark.accounts.policy import register_core_rules

        register_core_rules()
        register()
        merge.register()

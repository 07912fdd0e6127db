from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancingConfig(AppConfig):
    name = "biopark.financing"
    label = "financing"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Financing")

    def ready(self) -> None:
        from biopark.financing import home, merge, rules  # models are loaded only now: the rules name them

        rules.register()
        merge.register()
        home.register()

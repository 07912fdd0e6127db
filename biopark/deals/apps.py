from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "biopark.deals"
    label = "deals"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Deals")

    def ready(self) -> None:
        from biopark.deals import home, kpis, merge, rules  # models are loaded only now: the rules name them

        rules.register()
        kpis.register()  # its live KPIs, read by metrics through biopark.core.kpis
        merge.register()
        home.register()

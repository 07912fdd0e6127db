from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "biopark.deals"
    label = "deals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from biopark.deals import kpis, merge, rules  # models are loaded only now: the rules name them

        rules.register()
        kpis.register()  # its live KPIs, read by metrics through biopark.core.kpis
        merge.register()

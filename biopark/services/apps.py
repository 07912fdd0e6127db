from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "biopark.services"
    label = "services"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Services"

    def ready(self) -> None:
        from biopark.services import (  # models are loaded only now: the rules name them
            kpis,
            merge,
            rules,
            tiles,
        )

        rules.register()
        tiles.register()
        kpis.register()  # its live KPIs, read by metrics through biopark.core.kpis
        merge.register()

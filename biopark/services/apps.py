from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "biopark.services"
    label = "services"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Services")

    def ready(self) -> None:
        from biopark.core.demo_texts import register_demo_texts
        from biopark.services import (  # models are loaded only now: the rules name them
            demo_texts,
            kpis,
            merge,
            rules,
            tiles,
        )

        register_demo_texts(demo_texts.TEXTS)
        rules.register()
        tiles.register()
        kpis.register()  # its live KPIs, read by metrics through biopark.core.kpis
        merge.register()

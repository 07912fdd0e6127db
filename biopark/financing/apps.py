from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancingConfig(AppConfig):
    name = "biopark.financing"
    label = "financing"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Financing")

    def ready(self) -> None:
        from biopark.core.demo_texts import register_demo_texts
        from biopark.financing import (  # models are loaded only now: the rules name them
            demo_texts,
            home,
            merge,
            rules,
        )

        register_demo_texts(demo_texts.TEXTS)
        rules.register()
        merge.register()
        home.register()

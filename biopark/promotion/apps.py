from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionConfig(AppConfig):
    name = "biopark.promotion"
    label = "promotion"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Investment promotion")

    def ready(self) -> None:
        from biopark.core.demo_texts import register_demo_texts
        from biopark.deals import followups
        from biopark.promotion import (  # models are loaded only now: the rules name them
            demo_texts,
            history_labels,
            home,
            merge,
            rules,
            services,
        )

        register_demo_texts(demo_texts.TEXTS)
        rules.register()
        merge.register()
        history_labels.register()
        home.register()
        followups.register_opener(services.lead_open_for_follow_up)

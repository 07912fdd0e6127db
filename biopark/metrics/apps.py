from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "biopark.metrics"
    label = "metrics"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Park indicators")

    def ready(self) -> None:
        from biopark.metrics import merge, rules, tiles  # models are loaded only now: the rules name them

        rules.register()
        tiles.register()
        merge.register()

from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "biopark.metrics"
    label = "metrics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from biopark.metrics import merge, rules, tiles  # models are loaded only now: the rules name them

        rules.register()
        tiles.register()
        merge.register()

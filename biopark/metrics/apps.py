from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "biopark.metrics"
    label = "metrics"
    default_auto_field = "django.db.models.BigAutoField"

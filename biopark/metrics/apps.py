from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "biopark.metrics"
    label = "metrics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from biopark.accounts.policy import register_rule
        from biopark.metrics.models import Indicator, Observation
        from biopark.metrics.rules import indicator_rule, observation_rule

        register_rule(Indicator, indicator_rule)
        register_rule(Observation, observation_rule)

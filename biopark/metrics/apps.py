from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "biopark.metrics"
    label = "metrics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from biopark.accounts.policy import BASIC_ACTIONS, IMPORT, MOVE, register_rule
        from biopark.metrics.models import Indicator, Observation
        from biopark.metrics.rules import (
            indicator_rule,
            indicator_visible,
            observation_rule,
            observation_visible,
        )

        register_rule(Indicator, indicator_rule, visible=indicator_visible, actions=(*BASIC_ACTIONS, IMPORT))
        register_rule(
            Observation, observation_rule, visible=observation_visible, scope_fields=("park",),
            actions=(*BASIC_ACTIONS, IMPORT, MOVE),
        )

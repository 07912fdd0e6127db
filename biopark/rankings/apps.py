from django.apps import AppConfig


class RankingsConfig(AppConfig):
    name = "biopark.rankings"
    label = "rankings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from biopark.accounts import policy
        from biopark.rankings.rules import FILTERS, RULES

        actions = (*policy.BASIC_ACTIONS, policy.IMPORT)
        for model, rule in RULES.items():
            view_filter = FILTERS[model]
            policy.register_rule(
                model,
                rule,
                visible=lambda actor, view_filter=view_filter: view_filter(actor, policy.VIEW),
                actions=actions,
            )

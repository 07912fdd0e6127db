from django.apps import AppConfig


class RankingsConfig(AppConfig):
    name = "biopark.rankings"
    label = "rankings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from biopark.accounts.policy import register_rule
        from biopark.rankings.rules import RULES

        for model, rule in RULES.items():
            register_rule(model, rule)

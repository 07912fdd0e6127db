from django.apps import AppConfig


class RankingsConfig(AppConfig):
    name = "biopark.rankings"
    label = "rankings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from biopark.accounts.policy import register_rule
        from biopark.rankings.models import Framework, FrameworkVersion, Run, RunScore
        from biopark.rankings.rules import framework_rule, run_rule

        register_rule(Framework, framework_rule)
        register_rule(FrameworkVersion, framework_rule)
        register_rule(Run, run_rule)
        register_rule(RunScore, run_rule)

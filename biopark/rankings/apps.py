from django.apps import AppConfig


class RankingsConfig(AppConfig):
    name = "biopark.rankings"
    label = "rankings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from biopark.accounts.policy import prefixed, register_rule
        from biopark.rankings.models import Framework, FrameworkVersion, Run, RunScore
        from biopark.rankings.rules import (
            framework_rule,
            framework_visible,
            run_rule,
            run_visible,
            score_rule,
        )

        register_rule(Framework, framework_rule, visible=framework_visible)
        register_rule(FrameworkVersion, framework_rule, visible=framework_visible)
        register_rule(Run, run_rule, visible=run_visible)
        register_rule(RunScore, score_rule, visible=lambda actor: prefixed(run_visible(actor), "run"))

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RankingsConfig(AppConfig):
    name = "biopark.rankings"
    label = "rankings"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Rankings")

    def ready(self) -> None:
        # Models are loaded only now: the rules and the jobs name them.
        from biopark.core import background
        from biopark.core.demo_texts import register_demo_texts
        from biopark.rankings import jobs, labels, rules, services, tiles

        register_demo_texts(labels.SYSTEM_TEXTS, labels.SYSTEM_PATTERNS)
        rules.register()
        tiles.register()
        jobs.register_builder(services.run_build_queued)
        # Every worker sweeps the runs whose worker died (see biopark.core.background).
        background.register_sweeper("rankings.runs", jobs.expire_stale)

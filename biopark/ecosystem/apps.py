from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcosystemConfig(AppConfig):
    name = "biopark.ecosystem"
    label = "ecosystem"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Ecosystem registry")

    def ready(self) -> None:
        # Models are loaded only now: the rules, the merge followers and the jobs name them.
        from biopark.core import background, passages
        from biopark.ecosystem import (
            history_labels,
            jobs,
            kpis,
            merge_followers,
            nav,
            rules,
            selectors,
            tiles,
        )

        rules.register()
        tiles.register()
        kpis.register()  # its live KPIs, read by metrics through biopark.core.kpis
        merge_followers.register()
        nav.register()
        history_labels.register()
        passages.register_passage_provider("corpus", selectors.corpus_passages)  # the articles' folder
        # Every worker sweeps the imports whose worker died (see biopark.core.background).
        background.register_sweeper("ecosystem.import_jobs", jobs.expire_stale)

from django.apps import AppConfig


class EcosystemConfig(AppConfig):
    name = "biopark.ecosystem"
    label = "ecosystem"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from biopark.core import background
        from biopark.ecosystem import jobs

        # Every worker sweeps the imports whose worker died (see biopark.core.background).
        background.register_sweeper("ecosystem.import_jobs", jobs.expire_stale)

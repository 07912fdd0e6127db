from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "biopark.pipeline"
    label = "pipeline"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Pipeline"

    def ready(self) -> None:
        from biopark.pipeline import merge, rules

        rules.register()
        merge.register()

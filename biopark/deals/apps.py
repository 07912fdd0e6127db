from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "biopark.deals"
    label = "deals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from biopark.deals import merge

        merge.register()

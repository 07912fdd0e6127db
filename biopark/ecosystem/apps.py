from django.apps import AppConfig


class EcosystemConfig(AppConfig):
    name = "biopark.ecosystem"
    label = "ecosystem"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from biopark.ecosystem import merge_followers

        merge_followers.register()

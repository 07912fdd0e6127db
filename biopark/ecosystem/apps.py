from django.apps import AppConfig


class EcosystemConfig(AppConfig):
    name = "biopark.ecosystem"
    label = "ecosystem"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from biopark.ecosystem import (  # models are loaded only now: the rules name them
            merge_followers,
            rules,
        )

        rules.register()
        merge_followers.register()

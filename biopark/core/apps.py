from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "biopark.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from biopark.core import nav

        # Core is the first app: an app registering a link under the same key later replaces the default.
        nav.register_app_links()

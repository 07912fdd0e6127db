from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "biopark.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from biopark.core import nav, tiles

        # Core is the first app: an app registering a link under the same key later replaces the default.
        nav.register_app_links()
        # The shared cache (settings.CACHES) is a table: made after every migrate, once (sent for core only).
        post_migrate.connect(tiles.ensure_cache_table, sender=self, dispatch_uid="biopark.core.cache_table")

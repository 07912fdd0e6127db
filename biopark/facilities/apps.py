from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "biopark.facilities"
    label = "facilities"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Facilities")

    def ready(self) -> None:
        # Models are loaded only now: the rules, the selectors and the merge followers name them.
        from biopark.core.demo_texts import register_demo_texts
        from biopark.facilities import demo_texts, kpis, merge, selectors, tiles
        from biopark.facilities.permissions import register
        from biopark.pipeline import extensions

        register_demo_texts(demo_texts.TEXTS)
        register()
        kpis.register()  # its live KPIs, read by metrics through biopark.core.kpis
        merge.register()
        tiles.register()
        extensions.register_project_bookings(selectors.project_booking_rows)

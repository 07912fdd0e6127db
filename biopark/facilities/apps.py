from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "biopark.facilities"
    label = "facilities"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Facilities"

    def ready(self) -> None:
        from biopark.facilities import merge
        from biopark.facilities.permissions import register

        register()
        merge.register()

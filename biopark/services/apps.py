from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "biopark.services"
    label = "services"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Services"

    def ready(self) -> None:
        from biopark.services import merge, rules, tiles  # models are loaded only now: the rules name them

        rules.register()
        tiles.register()
        merge.register()

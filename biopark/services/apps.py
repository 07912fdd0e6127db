from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "biopark.services"
    label = "services"
    default_auto_field = "django.db.models.BigAutoField"

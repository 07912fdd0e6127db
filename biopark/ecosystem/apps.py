from django.apps import AppConfig


class EcosystemConfig(AppConfig):
    name = "biopark.ecosystem"
    label = "ecosystem"
    default_auto_field = "django.db.models.BigAutoField"

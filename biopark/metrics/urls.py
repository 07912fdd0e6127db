from django.urls import path

from biopark.metrics import views

app_name = "metrics"

urlpatterns = [
    path("", views.indicators, name="indicators"),
    path("import/", views.import_observations, name="import"),
]

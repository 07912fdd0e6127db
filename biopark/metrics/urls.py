from django.urls import path

from biopark.metrics import target_views, views

app_name = "metrics"

urlpatterns = [
    path("", views.indicators, name="indicators"),
    path("observations/new/", views.observation_new, name="observation_new"),
    path("import/", views.import_observations, name="import"),
    path("targets/", target_views.target_list, name="targets"),
    path("targets/new/", target_views.target_form, name="target_new"),
    path("targets/<int:pk>/", target_views.target_detail, name="target"),
    path("targets/<int:pk>/edit/", target_views.target_form, name="target_edit"),
    path("requests/", target_views.requests_page, name="requests"),
]

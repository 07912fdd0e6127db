from django.urls import path

from biopark.rankings import views, views_builder, views_runs

app_name = "rankings"

urlpatterns = [
    path("", views.index, name="index"),
    path("frameworks/<slug:key>/", views.framework_detail, name="framework"),
    path("frameworks/<slug:key>/copy/", views.framework_copy, name="framework-copy"),
    path("frameworks/<slug:key>/edit/", views.framework_edit, name="framework-edit"),
    path("frameworks/<slug:key>/runs/new/", views_runs.run_start, name="run-start"),
    path("frameworks/<slug:key>/build/", views_builder.framework_builder, name="framework-builder"),
    path("frameworks/<slug:key>/coverage/", views_builder.coverage, name="coverage"),
    path("new/", views_builder.framework_new, name="framework-new"),
    path("runs/<int:pk>/", views.run_ranking, name="run"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run-publish"),
    path("runs/<int:pk>/uncertainty/", views.run_uncertainty, name="run-uncertainty"),
    path("runs/<int:pk>/units/<str:unit>/", views.run_unit, name="run-unit"),
    path("runs/<int:pk>/export.xlsx", views.run_export, name="run-export"),
]

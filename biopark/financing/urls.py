from django.urls import path

from biopark.financing import views

urlpatterns = [
    path("", views.workspace, name="financing-workspace"),
    path("projects/<int:pk>/", views.project_financing, name="financing-project"),
    path("mandates/", views.mandates, name="financing-mandates"),
    path("mandates/<int:pk>/", views.mandate_edit, name="financing-mandate"),
    path("roadshows/", views.roadshow_list, name="financing-roadshows"),
    path("roadshows/<int:pk>/", views.roadshow_detail, name="financing-roadshow"),
    path("notifications/<int:pk>/read/", views.notification_read, name="financing-notification-read"),
]

from django.urls import path

from biopark.services import views

urlpatterns = [
    path("", views.catalogue, name="services-catalogue"),
    path("<int:pk>/", views.service_detail, name="services-service"),
    path("new/", views.service_new, name="services-new"),
    path("<int:pk>/edit/", views.service_edit, name="services-edit"),
    path("training/", views.training_request, name="services-training"),
    path("requests/", views.request_list, name="services-requests"),
    path("requests/<int:pk>/", views.request_detail, name="services-request"),
    path("requests/<int:pk>/transition", views.request_transition, name="services-transition"),
    path("requests/<int:pk>/comment", views.request_comment, name="services-comment"),
    path("requests/<int:pk>/assign", views.request_assign, name="services-assign"),
    path("requests/<int:pk>/rate", views.request_rate, name="services-rate"),
    path("requests/<int:pk>/attach", views.request_attach, name="services-attach"),
    path("requests/<int:pk>/files/<int:aid>", views.attachment_download, name="services-file"),
    path("desk/", views.desk, name="services-desk"),
]

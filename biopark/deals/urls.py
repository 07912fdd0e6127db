from django.urls import path

from biopark.deals import views

urlpatterns = [
    path("", views.agreement_list, name="deals-list"),
    path("new/", views.agreement_edit, name="deals-new"),
    path("<int:pk>/", views.agreement_detail, name="deals-detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="deals-edit"),
    path("<int:pk>/terms/", views.terms_edit, name="deals-terms"),
    path("<int:pk>/documents/<int:doc>/", views.document_download, name="deals-document"),
    path("rows/<str:prefix>/<int:index>/", views.add_row, name="deals-row"),
    path("ip/", views.ip_list, name="deals-ip-list"),
    path("ip/new/", views.ip_edit, name="deals-ip-new"),
    path("ip/<int:pk>/", views.ip_detail, name="deals-ip-detail"),
    path("ip/<int:pk>/edit/", views.ip_edit, name="deals-ip-edit"),
    path("events/", views.event_list, name="deals-events"),
    path("events/new/", views.event_edit, name="deals-event-new"),
    path("events/<int:pk>/", views.event_detail, name="deals-event-detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="deals-event-edit"),
]

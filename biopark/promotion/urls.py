from django.urls import path

from biopark.promotion import views

urlpatterns = [
    path("", views.board, name="promotion-board"),
    path("leads/", views.lead_list, name="promotion-leads"),
    path("leads/export.xlsx", views.lead_export, name="promotion-export"),
    path("leads/new/", views.lead_create, name="promotion-create"),
    path("leads/<int:pk>/", views.lead_detail, name="promotion-lead"),
    path("leads/<int:pk>/edit/", views.lead_edit, name="promotion-edit"),
    path("leads/<int:pk>/move", views.lead_move, name="promotion-move"),
    path("leads/<int:pk>/activities", views.activity_add, name="promotion-activity"),
    path("leads/<int:pk>/documents", views.document_add, name="promotion-document"),
    path("leads/<int:pk>/documents/<int:did>", views.document_download, name="promotion-document-file"),
    path("stats/", views.stats, name="promotion-stats"),
]

from django.urls import path

from biopark.news import views

urlpatterns = [
    path("", views.document_list, name="news-list"),
    path("<int:pk>/", views.document_detail, name="news-document"),
    path("<int:pk>/accept-above", views.accept_above, name="news-accept-above"),
    path("<int:pk>/proposals/<int:pid>/accept", views.proposal_accept, name="news-accept"),
    path("<int:pk>/proposals/<int:pid>/reject", views.proposal_reject, name="news-reject"),
]

from django.urls import path

from biopark.pipeline import views, views_edit

urlpatterns = [
    path("", views.project_list, name="pipeline-list"),
    path("portfolio/", views.portfolio, name="pipeline-portfolio"),
    path("portfolio.xlsx", views.portfolio_xlsx, name="pipeline-portfolio-xlsx"),
    path("new/", views_edit.project_new, name="pipeline-new"),
    path("suggest/<str:kind>/", views_edit.suggest, name="pipeline-suggest"),
    path("<int:pk>/", views.project_detail, name="pipeline-detail"),
    path("<int:pk>/edit/", views_edit.project_edit, name="pipeline-edit"),
    path("<int:pk>/indications/", views_edit.indication_add, name="pipeline-indication-add"),
]

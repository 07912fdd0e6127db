from django.urls import path

from biopark.pipeline import views

urlpatterns = [
    path("", views.project_list, name="pipeline-list"),
    path("portfolio/", views.portfolio, name="pipeline-portfolio"),
    path("portfolio.xlsx", views.portfolio_xlsx, name="pipeline-portfolio-xlsx"),
    path("<int:pk>/", views.project_detail, name="pipeline-detail"),
]

from django.urls import path, re_path

from biopark.ecosystem import views, views_home, views_io, views_merge

_TYPES = "parks|organisations|people|platforms"

urlpatterns = [
    path("", views_home.home, name="home"),
    path("search/", views.search_all, name="search"),
    path("import/", views_io.import_page, name="import"),
    path("import/jobs/<int:pk>/", views_io.import_job, name="import-job"),
    re_path(r"^suggest/(?P<plural>parks|organisations)/$", views.suggest, name="suggest"),
    path("import/template/<str:plural>.<str:fmt>", views_io.import_template, name="import-template"),
    path("export/<str:plural>.<str:fmt>", views_io.export_file, name="export"),
    re_path(rf"^(?P<plural>{_TYPES})/$", views.record_list, name="record-list"),
    re_path(rf"^(?P<plural>{_TYPES})/new/$", views.record_edit, name="record-new"),
    re_path(rf"^(?P<plural>{_TYPES})/(?P<pk>[0-9]+)/$", views.record_detail, name="record-detail"),
    re_path(rf"^(?P<plural>{_TYPES})/(?P<pk>[0-9]+)/edit/$", views.record_edit, name="record-edit"),
    re_path(rf"^(?P<plural>{_TYPES})/(?P<pk>[0-9]+)/relations/$", views.relation_add, name="relation-add"),
    re_path(
        rf"^(?P<plural>{_TYPES})/(?P<pk>[0-9]+)/relations/(?P<relation_id>[0-9]+)/delete/$",
        views.relation_remove,
        name="relation-remove",
    ),
    path("people/<int:pk>/positions/", views.position_create, name="position-add"),
    path("organisations/<int:pk>/merge/", views_merge.organisation_merge, name="organisation-merge"),
]

from django.urls import path

from biopark.facilities import views

urlpatterns = [
    path("", views.index, name="facilities-index"),
    path("resources/<int:pk>/", views.resource_detail, name="facilities-resource"),
    path("resources/<int:pk>/waitlist/", views.waitlist_join, name="facilities-waitlist"),
    path("calendar/", views.calendar, name="facilities-calendar"),
    path("bookings/<int:pk>/<str:action>/", views.booking_action, name="facilities-booking-action"),
    path("manage/", views.manage, name="facilities-manage"),
    path("statements/", views.statement_page, name="facilities-statements"),
    path(
        "statements/<int:org>/<int:year>-<int:month>.<str:fmt>",
        views.statement_export,
        name="facilities-statement-export",
    ),
    path("utilisation/", views.utilisation_page, name="facilities-utilisation"),
    path("feeds/new/", views.feed_create, name="facilities-feed-create"),
    path("feeds/<str:token>.ics", views.feed, name="facilities-feed"),
]

from django.urls import path

from biopark.facilities import views, views_booking, views_manage

urlpatterns = [
    path("", views.index, name="facilities-index"),
    path("resources/<int:pk>/", views.resource_detail, name="facilities-resource"),
    path("resources/<int:pk>/waitlist/", views.waitlist_join, name="facilities-waitlist"),
    path("calendar/", views.calendar, name="facilities-calendar"),
    path("resources/new/", views_manage.resource_new, name="facilities-resource-new"),
    path("resources/<int:pk>/edit/", views_manage.resource_edit, name="facilities-resource-edit"),
    path("resources/<int:pk>/training/", views_booking.training_request, name="facilities-training-request"),
    path("bookings/<int:pk>/", views_booking.booking_detail, name="facilities-booking"),
    path("bookings/<int:pk>/cancel/", views_booking.booking_cancel, name="facilities-booking-cancel"),
    path("bookings/<int:pk>/reject/", views_booking.booking_reject, name="facilities-booking-reject"),
    path("bookings/<int:pk>/usage/", views_manage.usage_form, name="facilities-booking-usage"),
    path("bookings/<int:pk>/<str:action>/", views.booking_action, name="facilities-booking-action"),
    path("waitlist/<int:pk>/leave/", views_booking.waitlist_leave, name="facilities-waitlist-leave"),
    path("manage/outages/", views_manage.outages, name="facilities-outages"),
    path("manage/outages/<int:pk>/end/", views_manage.outage_end, name="facilities-outage-end"),
    path("manage/qualifications/", views_manage.qualifications, name="facilities-qualifications"),
    path("manage/qualifications/<int:pk>/revoke/", views_manage.qualification_revoke,
         name="facilities-qualification-revoke"),
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

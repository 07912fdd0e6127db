from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from biopark.accounts.language import set_language
from biopark.api import api
from biopark.core.modules import optional_module
from biopark.facilities.training import register_training_requester
from biopark.training_requests import request_training

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # The language switch also remembers a signed-in user's choice (mail is written in it).
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("biopark.accounts.urls")),
    path("", include("biopark.ecosystem.urls")),
]

# Apps that serve pages expose `urlpatterns` in their urls module, mounted under their name.
for app in ("facilities", "pipeline", "services", "rankings", "metrics", "deals", "promotion", "financing", "news"):
    if optional_module(f"biopark.{app}.urls") is not None:
        urlpatterns.append(path(f"{app}/", include(f"biopark.{app}.urls")))

# Error pages with the site's navigation; JSON under /api/ (see biopark.core.handlers).
handler400 = "biopark.core.handlers.bad_request"
handler403 = "biopark.core.handlers.permission_denied"
handler404 = "biopark.core.handlers.page_not_found"
handler500 = "biopark.core.handlers.server_error"

# "Request training" on a facilities page files a service-desk request (the two apps do not import each other).
register_training_requester(request_training)

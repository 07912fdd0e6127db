from __future__ import annotations

import importlib

from django.contrib import admin
from django.urls import include, path

from biopark.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("biopark.accounts.urls")),
    path("", include("biopark.ecosystem.urls")),
]

# Apps that serve pages expose `urlpatterns` in their urls module, mounted under their name.
for app in ("facilities", "pipeline", "services", "rankings", "metrics", "deals"):
    module_name = f"biopark.{app}.urls"
    try:
        importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        continue
    urlpatterns.append(path(f"{app}/", include(module_name)))

"""The language switch: Django's set_language, which also remembers a signed-in user's choice, so the mail
sent to them later is written in it (biopark.core.mail). Mounted at /i18n/setlang/ by biopark.urls."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.i18n import set_language as django_set_language

from biopark.accounts import services


def set_language(request: HttpRequest) -> HttpResponse:
    response = django_set_language(request)
    if request.method == "POST":
        services.profile_language_set(user=request.user, language=request.POST.get("language", ""))
    return response

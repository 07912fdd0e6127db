"""What the facilities pages share: the refusal page and the zone pages read weeks and months in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render

from biopark.facilities import timeutil


def forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    return HttpResponseForbidden(render(request, "ecosystem/forbidden.html", {"reason": reason}).content)


def default_zone() -> Any:
    return timeutil.zone(None)

"""The home page (``/``): the tiles of the signed-in person's role, or the park's public profile for
visitors and viewers. The tiles come from the registry in biopark.core.tiles, filled by every app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from biopark.accounts import policy
from biopark.accounts import services as account_services
from biopark.core import tiles
from biopark.core.roles import Role


def home(request: HttpRequest) -> HttpResponse:
    actor = policy.actor_for(request.user)
    if actor.is_authenticated:
        # Opening the home page starts a visit: "since your last visit" counts from the one before.
        account_services.profile_home_visit(user=request.user)
    context = {
        "tiles": tiles.build_tiles(actor),
        "signed_in": actor.is_authenticated and actor.role != Role.VIEWER,
        "role_label": Role(actor.role).label if actor.role in Role.values else "",
    }
    return render(request, "ecosystem/home.html", context)

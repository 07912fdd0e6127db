"""The home page (``/``): the tiles of the signed-in person's role, or the park's public profile for
visitors and viewers. The tiles come from the registry in biopark.core.tiles, filled by every app."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language

from biopark.accounts import policy
from biopark.accounts import services as account_services
from biopark.core import tiles
from biopark.core.roles import Role


def home(request: HttpRequest) -> HttpResponse:
    actor = policy.actor_for(request.user)
    if actor.is_authenticated:
        # Opening the home page starts a visit: "since your last visit" counts from the one before.
        account_services.profile_home_visit(user=request.user)
    built = tiles.build_tiles(actor)
    context: dict[str, Any] = {
        "tiles": built,
        "signed_in": actor.is_authenticated and actor.role != Role.VIEWER,
        "role_label": Role(actor.role).label if actor.role in Role.values else "",
    }
    # When every tile came from the cache, the grid they make is the same as last time: its markup is kept
    # under a key naming each tile's build time, so it lives exactly as long as the data it shows.
    if built and all(b.tile.cache_seconds > 0 and b.data.as_of is not None for b in built):
        stamp = "|".join(f"{b.tile.key}@{b.data.as_of.isoformat()}" for b in built if b.data.as_of)
        key = "biopark:home-grid:" + hashlib.sha256(
            f"{getattr(request.user, 'pk', '-')}|{get_language()}|{stamp}".encode()
        ).hexdigest()
        grid = cache.get(key)
        if grid is None:
            grid = render_to_string("ecosystem/home.html#grid", context, request=request)
            cache.set(key, grid, max(b.tile.cache_seconds for b in built))
        context["grid_html"] = grid
    return render(request, "ecosystem/home.html", context)

"""The home page's API: GET /api/v1/home (the caller's tiles) and GET /api/v1/home/{key} (one of them).

Mounted on the registry's router by biopark.ecosystem.api (``mount``). No ``from __future__ import annotations`` here: django-ninja reads the annotations."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from biopark.accounts import policy
from biopark.core import tiles
from biopark.core.errors import NotFound


class TileItemOut(Schema):
    label: str
    href: str
    detail: str
    status: str


class TileOut(Schema):
    key: str
    title: str
    value: str | None
    value_label: str
    href: str
    items: list[TileItemOut]
    chart_text: str
    as_of: datetime | None
    wide: bool
    extra: dict[str, Any]


class HomeOut(Schema):
    role: str
    tiles: list[TileOut]


def _out(tile: tiles.Tile, data: tiles.TileData) -> dict[str, Any]:
    return {
        "key": tile.key, "title": str(tile.title), "value": data.value, "value_label": str(data.value_label),
        "href": data.href, "chart_text": data.chart_text, "as_of": data.as_of, "wide": tile.wide,
        "extra": data.extra,
        "items": [{"label": str(i.label), "href": i.href, "detail": str(i.detail), "status": i.status}
                  for i in data.items],
    }


def home(request: HttpRequest) -> dict[str, Any]:
    actor = policy.actor_for(request.auth)  # type: ignore[attr-defined]
    return {"role": actor.role or tiles.ANONYMOUS,
            "tiles": [_out(b.tile, b.data) for b in tiles.build_tiles(actor)]}


def home_tile(request: HttpRequest, key: str) -> dict[str, Any]:
    actor = policy.actor_for(request.auth)  # type: ignore[attr-defined]
    tile = tiles.tile(key)
    if tile is None or (actor.role or tiles.ANONYMOUS) not in tile.roles:
        raise NotFound(_("no home tile %(key)s for your role") % {"key": key}, field="key")
    data = tiles.build_one(tile, actor)
    if data is None:
        raise NotFound(_("the tile %(key)s has nothing to show for you") % {"key": key}, field="key")
    return _out(tile, data)


def mount(router: Router) -> None:
    """Add the two endpoints to the registry's router (mounted at /api/v1/ by biopark.api)."""
    router.get("/home", response=HomeOut, summary="The caller's home tiles", tags=["home"])(home)
    router.get("/home/{key}", response=TileOut, summary="One of the caller's home tiles", tags=["home"])(home_tile)

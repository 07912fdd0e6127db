"""Home-page tiles: each app registers the tiles it can answer, the home page and its API assemble them.

The home page (``/``) and the API (``/api/v1/home``) show, for the signed-in person, the tiles registered for
their role, in ``order``. A tile's ``build`` reads through the app's selectors (never writes) and returns a
``TileData``: a headline number and/or a short list, each entry linking to the filtered page behind it. The
kernel only holds the registry, so apps of any layer can register in their ``AppConfig.ready`` without the
home page importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.safestring import SafeString

from biopark.core.policy import Actor

# Role values (biopark.core.roles.Role) plus "anonymous" for visitors who have not signed in.
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class TileItem:
    """One line of a tile's list: what it is, where it leads, and a short detail (a date, a status)."""

    label: str
    href: str = ""
    detail: str = ""
    # A status word for styling and for the API (e.g. "overdue", "behind", "on_track"); never shown raw.
    status: str = ""


@dataclass(frozen=True)
class TileData:
    """What a tile shows. ``value`` is the headline (already formatted for the reader, e.g. "1,234" or
    "12.5 亿"); ``items`` a short list; ``chart`` an SVG built with biopark.core.svg with ``chart_text`` as
    its text alternative; ``as_of`` says when a cached figure was computed (None = live)."""

    value: str | None = None
    value_label: str = ""
    href: str = ""
    items: list[TileItem] = field(default_factory=list)
    empty_text: str = ""
    chart: SafeString | None = None
    chart_text: str = ""
    as_of: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Tile:
    key: str
    title: Any  # a lazy translation
    roles: frozenset[str]
    build: Callable[[Actor], TileData | None]  # None: nothing to show for this actor (the tile is left out)
    order: int = 100
    # "wide" tiles take the full row on wide screens (charts, funnels).
    wide: bool = False


_TILES: dict[str, Tile] = {}


def register_tile(tile: Tile) -> None:
    """Register (or replace, by key) a home tile. Called from an app's ``AppConfig.ready``."""
    _TILES[tile.key] = tile


def tiles_for(role: str | None) -> list[Tile]:
    """The tiles of a role (``None`` or ``ANONYMOUS`` for visitors), in display order."""
    wanted = role or ANONYMOUS
    return sorted((t for t in _TILES.values() if wanted in t.roles), key=lambda t: (t.order, t.key))


def tile(key: str) -> Tile | None:
    return _TILES.get(key)

"""Home-page tiles: each app registers the tiles it can answer, the home page and its API assemble them.

The home page (``/``) and the API (``/api/v1/home``) show, for the signed-in person, the tiles registered for
their role, in ``order``. A tile's ``build`` reads through the app's selectors (never writes) and returns a
``TileData``: a headline number and/or a short list, each entry linking to the filtered page behind it. The
kernel only holds the registry, so apps of any layer can register in their ``AppConfig.ready`` without the
home page importing them.
"""

from __future__ import annotations

import base64
import pickle
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from biopark.core.formatting import format_datetime, format_money
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
    its text alternative; ``as_of`` says when the figures were computed (set by ``build_one``: now for a live
    tile, the build time for a cached one)."""

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
    # Seconds a built tile may be served again (per user and language) before it is built anew; 0 = always
    # live. A tile carries the time it was built in ``as_of``, and the page and the API show it. The cache is
    # Django's default cache: a database table shared by every process and worker (settings.CACHES).
    cache_seconds: int = 0
    # What the tile's figures are made of, as model labels ("facilities.booking"): a committed write to one of
    # them makes a cached copy stale at once (see "keeping cached tiles honest"). Empty: any write does.
    reads: frozenset[str] = frozenset()


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


# --- building the tiles of a person -------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltTile:
    """A registered tile with what it shows for one person."""

    tile: Tile
    data: TileData

    @property
    def as_of_text(self) -> str:
        return as_of_text(self.data.as_of)


def as_of_text(when: datetime | None) -> str:
    """When a figure was computed, as the tile says it: "截至 10:42" today, with the day before today."""
    if when is None:
        return ""
    local = timezone.localtime(when) if timezone.is_aware(when) else when
    moment = f"{local:%H:%M}" if local.date() == timezone.localdate() else format_datetime(local, get_language())
    return _("as of %(time)s") % {"time": moment}


def count_text(value: int | None, language: str | None = None) -> str:
    """A count as the reader writes it: "1,234"; in Chinese from 十万 up in 万/亿 ("12.5 万")."""
    # An amount with no currency is a plain number: the money formatter's 万/亿 rule without a unit word.
    return format_money(value or 0, "", language or get_language()).text


def _cache_key(tile: Tile, actor: Actor) -> str:
    user_id = getattr(actor.user, "pk", None) or "-"
    return f"biopark:tile:{tile.key}:{actor.role or ANONYMOUS}:{user_id}:{get_language() or '-'}"


_MISS = object()


def _built_now(tile: Tile, actor: Actor) -> TileData | None:
    data = tile.build(actor)
    # Every figure on the home page says when it was computed: a tile built now is as of now.
    return data if data is None or data.as_of is not None else replace(data, as_of=timezone.now())


# A copy past its time is still served, with the time it was built, for up to this many seconds while one
# request rebuilds it: when a tile of the page expires, the next requests (eight at once under load) do not all
# pay its cold build together. A write is different: after one, nobody is served the copy (see note_write).
REBUILD_GRACE = 30
_clock = time.time  # replaced in tests


def _from_cache(tile: Tile, actor: Actor, found: dict[str, Any], writes: dict[str, Any]) -> TileData | None:
    """A cached tile's data: the stored copy when the versions of what it reads are the ones it was built
    under (and it is fresh, or another request is rebuilding it), else built now and stored with those
    versions. ``found`` holds what one ``get_many`` returned for the tile's key and its version keys; the
    versions are the ones read *before* the build, so a write that commits during the build leaves a copy the
    next reader rebuilds (never one that hides the write). A rebuilt copy is added to ``writes`` (key: value,
    seconds) for the caller to store with the others in one statement."""
    key = _cache_key(tile, actor)
    stamp = tuple(found.get(k) for k in _version_keys(tile))
    hit = found.get(key)
    if hit is not None and len(hit) == 3 and hit[1] == stamp and (
        _clock() < hit[2] or not cache.add(f"{key}:rebuild", 1, REBUILD_GRACE)
    ):
        return hit[0]
    data = _built_now(tile, actor)
    writes[key] = ((data, stamp, _clock() + tile.cache_seconds), tile.cache_seconds + REBUILD_GRACE)
    return data


def build_one(tile: Tile, actor: Actor) -> TileData | None:
    """A tile's data for this actor: from the cache when the tile allows it and nothing it reads was written
    since (with the time it was built), else built now."""
    if tile.cache_seconds <= 0:
        return _built_now(tile, actor)
    writes: dict[str, Any] = {}
    data = _from_cache(tile, actor, cache.get_many([_cache_key(tile, actor), *_version_keys(tile)]), writes)
    _store(writes)
    return data


def build_tiles(actor: Actor) -> list[BuiltTile]:
    """The tiles of the actor's role with their data, in display order; tiles with nothing to show are left
    out."""
    out = []
    wanted = tiles_for(actor.role)
    cached = [t for t in wanted if t.cache_seconds > 0]
    # One read of the shared cache for every cached tile and the versions of what they read (the cache is a
    # database table: one query, not fifteen).
    keys = {_cache_key(t, actor) for t in cached} | {k for t in cached for k in _version_keys(t)}
    found = cache.get_many(sorted(keys)) if keys else {}
    writes: dict[str, Any] = {}
    for t in wanted:
        data = _from_cache(t, actor, found, writes) if t.cache_seconds > 0 else _built_now(t, actor)
        if data is not None:
            out.append(BuiltTile(t, data))
    _store(writes)  # the tiles rebuilt for this page, in one statement
    return out


# --- keeping cached tiles honest: a version per model, moved on by every committed write ----------------------

# Each model label has a version in the shared cache; "*" moves on with every write. A cached tile is stored
# with the versions of what it reads and served only while they are unchanged, so an operator who has just
# accepted a request sees the queue without it on the next page, not a minute later. The history is the hook:
# every service that writes records a ChangeRecord through biopark.core.audit, which calls ``note_write``.
ANY_WRITE = "*"
_VERSION_PREFIX = "biopark:tiles:v:"


def _version_keys(tile: Tile) -> list[str]:
    return [_VERSION_PREFIX + label for label in sorted(tile.reads or {ANY_WRITE})]


@dataclass(frozen=True)
class _Bump:
    """The on-commit callback that moves on the version of one model (and the "any write" version)."""

    label: str

    def __call__(self) -> None:
        token = uuid.uuid4().hex
        _store({_VERSION_PREFIX + self.label: (token, None), _VERSION_PREFIX + ANY_WRITE: (token, None)})


def _store(values: dict[str, tuple[Any, int | None]]) -> None:
    """Write cache entries ({key: (value, seconds to keep it, None for ever)}). For the database cache, one
    upsert statement for them all: its own ``set`` costs four statements per key (a COUNT of the whole table to
    cull it, a SELECT, then UPDATE or INSERT), which a page rebuilding nine tiles, and every committed write,
    would pay. Stored exactly as the database cache stores (and reads) its entries; its culling still runs on
    the other writes (the page grid's, sessions' are not in it)."""
    if not values:
        return
    backend = caches["default"]
    if not isinstance(backend, DatabaseCache):
        for key, (value, seconds) in values.items():
            backend.set(key, value, seconds)
        return
    connection = connections[router.db_for_write(backend.cache_model_class)]
    qn = connection.ops.quote_name
    params: list[Any] = []
    for key, (value, seconds) in values.items():
        expires = datetime.max if seconds is None else datetime.fromtimestamp(time.time() + seconds, tz=UTC)
        encoded = base64.b64encode(pickle.dumps(value, backend.pickle_protocol)).decode("latin1")
        params += [backend.make_and_validate_key(key), encoded,
                   connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))]
    key_col, value_col, expires_col = qn("cache_key"), qn("value"), qn("expires")
    table = qn(backend._table)  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_col}, {value_col}, {expires_col}) VALUES "
            + ", ".join(["(%s, %s, %s)"] * len(values))
            + f" ON CONFLICT ({key_col}) DO UPDATE SET {value_col} = EXCLUDED.{value_col},"
            f" {expires_col} = EXCLUDED.{expires_col}",
            params,
        )


def note_write(label: str) -> None:
    """A write to a model (its ``label_lower``) is under way: when its transaction commits, the cached tiles
    that read it are stale. Nothing moves if it rolls back (Django drops the callbacks of a rolled-back
    transaction or savepoint)."""
    connection = transaction.get_connection()
    bump = _Bump(label)
    # Once per model and transaction, however many rows it writes (an import writes thousands). The
    # callbacks waiting for the commit are (savepoint ids, callback, robust) in Django 4.2 to 5.2.
    if connection.in_atomic_block and any(entry[1] == bump for entry in connection.run_on_commit):
        return
    # Robust: the write has committed whatever happens here; a failure is logged and the tile then lives out
    # its 60 seconds.
    transaction.on_commit(bump, robust=True)


# --- alerts: apps add lines to the "alerts" tile --------------------------------------------------------


@dataclass(frozen=True)
class AlertSource:
    """Something that may need attention (requests overdue, qualifications expiring, targets behind): the
    lines it adds to the alerts tile for an actor (an empty list when all is well)."""

    key: str
    roles: frozenset[str]
    build: Callable[[Actor], list[TileItem]]
    order: int = 100


_ALERTS: dict[str, AlertSource] = {}


def register_alert(source: AlertSource) -> None:
    """Register (or replace, by key) a source of alert lines. Called from an app's ``AppConfig.ready``."""
    _ALERTS[source.key] = source


def alerts_for(actor: Actor) -> list[TileItem]:
    """Every alert line of the actor's role, source by source in ``order``."""
    role = actor.role or ANONYMOUS
    items: list[TileItem] = []
    for source in sorted(_ALERTS.values(), key=lambda a: (a.order, a.key)):
        if role in source.roles:
            items.extend(source.build(actor))
    return items


# --- the shared cache's table -----------------------------------------------------------------------------


def ensure_cache_table(**kwargs: Any) -> None:
    """Create the database cache's table after ``migrate`` (a post_migrate receiver, connected by
    CoreConfig.ready): the cache lives in the project's own database, so a fresh install needs no extra
    command. ``createcachetable`` does nothing when the table exists."""
    from django.core.management import call_command

    call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)

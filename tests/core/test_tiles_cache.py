"""Home tiles (issue 12): a cached tile is kept in the cache every process shares (a database table), every
tile says when its figures were computed, and the status badges stay legible."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation

from biopark.accounts import policy
from biopark.core import tiles
from biopark.core.roles import Role
from tests.factories import ParkFactory, make_user

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[2] / "biopark" / "static" / "biopark" / "biopark.css"


@pytest.fixture
def counted_tile():
    """A tile that counts its builds, registered for operators while the test runs."""
    calls: list[int] = []

    def build(actor: policy.Actor) -> tiles.TileData:
        calls.append(1)
        return tiles.TileData(value=str(len(calls)))

    tile = tiles.Tile(key="test.counted", title="Counted", roles=frozenset({Role.OPERATOR.value}), build=build,
                      cache_seconds=60)
    tiles.register_tile(tile)
    cache.clear()
    yield tile, calls
    tiles._TILES.pop("test.counted", None)
    cache.clear()


def _rows_in_cache_table() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM biopark_cache")
        return int(cur.fetchone()[0])


def test_a_cached_tile_is_built_once_and_kept_in_the_shared_table(counted_tile):
    tile, calls = counted_tile
    actor = policy.actor_for(make_user(Role.OPERATOR, park=ParkFactory()))
    with translation.override("en"):
        first = tiles.build_one(tile, actor)
        second = tiles.build_one(tile, actor)
    assert (first.value, second.value, len(calls)) == ("1", "1", 1)
    assert first.as_of is not None and second.as_of == first.as_of
    # The entry is a row of the database table every gunicorn worker reads, not a per-process dictionary.
    assert _rows_in_cache_table() == 1


def test_a_live_tile_is_as_of_the_moment_it_was_built():
    tile = tiles.Tile(key="test.live", title="Live", roles=frozenset({Role.OPERATOR.value}),
                      build=lambda actor: tiles.TileData(value="7"))
    before = timezone.now()
    data = tiles.build_one(tile, policy.actor_for(make_user(Role.OPERATOR, park=ParkFactory())))
    assert data.value == "7" and data.as_of is not None and before <= data.as_of <= timezone.now()


@override_settings(TIME_ZONE="Asia/Shanghai")
def test_as_of_text_says_the_time_today_and_the_day_before_that():
    today = timezone.localdate()
    at_1042 = timezone.make_aware(dt.datetime.combine(today, dt.time(10, 42)))
    yesterday = today - dt.timedelta(days=1)
    earlier = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(9, 5)))
    with translation.override("zh-hans"):
        assert tiles.as_of_text(at_1042) == "截至 10:42"
        assert tiles.as_of_text(earlier) == f"截至 {yesterday.year}年{yesterday.month}月{yesterday.day}日 09:05"
    with translation.override("en"):
        assert tiles.as_of_text(at_1042) == "as of 10:42"
    assert tiles.as_of_text(None) == ""


def test_operator_home_page_shows_as_of_on_every_tile(client):
    user = make_user(Role.OPERATOR, park=ParkFactory())
    client.force_login(user)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    sections = html.count('<section class="tile')
    assert sections > 0
    assert len(re.findall(r'<p class="muted asof"><time datetime="[^"]+" title="[^"]+">截至 \d\d:\d\d</time>',
                          html)) == sections


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("status", ["reached", "on_track", "behind", "no_data"])
def test_each_target_status_badge_has_its_own_colours_with_readable_contrast(status):
    css = CSS.read_text(encoding="utf-8")
    rule = re.search(r"\.status-" + status + r"\.tag[^{]*\{\s*background:#([0-9a-f]{6});\s*color:#([0-9a-f]{6});",
                     css)
    assert rule is not None
    back, fore = sorted((_luminance(rule.group(1)), _luminance(rule.group(2))))
    assert (fore + 0.05) / (back + 0.05) >= 4.5


# --- a committed write makes the cached tiles that read its model stale at once ----------------------------


@pytest.fixture
def reading_tile():
    """A cached tile that reads one model (facilities.booking) and counts its builds."""
    calls: list[int] = []

    def build(actor: policy.Actor) -> tiles.TileData:
        calls.append(1)
        return tiles.TileData(value=str(len(calls)))

    tile = tiles.Tile(key="test.reading", title="Reading", roles=frozenset({Role.OPERATOR.value}), build=build,
                      cache_seconds=60, reads=frozenset({"facilities.booking"}))
    tiles.register_tile(tile)
    cache.clear()
    yield tile, calls
    tiles._TILES.pop("test.reading", None)
    cache.clear()


def _write(label: str, capture, *, fail: bool = False) -> None:
    """A service's write of `label` in its transaction, committed (or rolled back when `fail`)."""
    from django.db import transaction

    with capture(execute=True):
        try:
            with transaction.atomic():
                tiles.note_write(label)
                if fail:
                    raise RuntimeError("refused")
        except RuntimeError:
            pass


def test_a_committed_write_to_what_a_tile_reads_rebuilds_it_with_a_new_as_of(
        reading_tile, django_capture_on_commit_callbacks):
    tile, calls = reading_tile
    actor = policy.actor_for(make_user(Role.OPERATOR, park=ParkFactory()))
    first = tiles.build_one(tile, actor)
    _write("facilities.booking", django_capture_on_commit_callbacks)
    second = tiles.build_one(tile, actor)
    third = tiles.build_one(tile, actor)
    assert (first.value, second.value, third.value, len(calls)) == ("1", "2", "2", 2)
    assert first.as_of < second.as_of == third.as_of


def test_a_write_to_another_model_or_a_rolled_back_one_keeps_the_cached_tile(
        reading_tile, counted_tile, django_capture_on_commit_callbacks):
    tile, calls = reading_tile
    any_tile, any_calls = counted_tile
    actor = policy.actor_for(make_user(Role.OPERATOR, park=ParkFactory()))
    first = tiles.build_one(tile, actor)
    tiles.build_one(any_tile, actor)
    _write("facilities.booking", django_capture_on_commit_callbacks, fail=True)
    _write("services.servicerequest", django_capture_on_commit_callbacks)
    again = tiles.build_one(tile, actor)
    # The tile that names what it reads is kept; the one that names nothing is rebuilt after any write.
    assert (again.value, again.as_of, len(calls)) == ("1", first.as_of, 1)
    assert (tiles.build_one(any_tile, actor).value, len(any_calls)) == ("2", 2)


def test_the_home_tiles_and_the_versions_they_read_come_in_one_query(reading_tile, counted_tile):
    from django.test.utils import CaptureQueriesContext

    actor = policy.actor_for(make_user(Role.OPERATOR, park=ParkFactory()))
    with translation.override("en"):
        tiles.build_tiles(actor)
        with CaptureQueriesContext(connection) as queries:
            built = tiles.build_tiles(actor)
    cached = [b for b in built if b.tile.key in ("test.reading", "test.counted")]
    assert [b.data.value for b in cached] == ["1", "1"]
    cache_reads = [q["sql"] for q in queries.captured_queries if "biopark_cache" in q["sql"]]
    assert len(cache_reads) == 1


def test_a_copy_past_its_time_is_rebuilt_by_one_request_while_the_others_are_served_it(counted_tile, monkeypatch):
    tile, calls = counted_tile
    actor = policy.actor_for(make_user(Role.OPERATOR, park=ParkFactory()))
    first = tiles.build_one(tile, actor)
    later = tiles._clock() + tile.cache_seconds + 1
    monkeypatch.setattr(tiles, "_clock", lambda: later)
    # Another worker has started the rebuild: this request is served the copy, with the time it was built.
    assert cache.add(f"{tiles._cache_key(tile, actor)}:rebuild", 1, 5)
    served = tiles.build_one(tile, actor)
    assert (served.value, served.as_of, len(calls)) == ("1", first.as_of, 1)
    # Once nobody is rebuilding it, the next request does.
    cache.delete(f"{tiles._cache_key(tile, actor)}:rebuild")
    rebuilt = tiles.build_one(tile, actor)
    assert (rebuilt.value, len(calls)) == ("2", 2) and rebuilt.as_of > first.as_of


def test_a_write_moves_its_versions_on_in_one_statement_readable_through_the_cache():
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    cache.set("biopark:tiles:v:facilities.booking", "old", None)
    with CaptureQueriesContext(connection) as queries:
        tiles._Bump("facilities.booking")()
    first = cache.get_many(["biopark:tiles:v:facilities.booking", "biopark:tiles:v:*"])
    tiles._Bump("facilities.booking")()
    second = cache.get("biopark:tiles:v:facilities.booking")
    assert len(queries.captured_queries) == 1
    assert len(set(first.values())) == 1 and len(first["biopark:tiles:v:*"]) == 32
    assert "old" != first["biopark:tiles:v:facilities.booking"] != second
    cache.clear()


def test_the_tiles_rebuilt_for_a_page_are_stored_in_one_statement_and_read_back(reading_tile, counted_tile):
    from django.test.utils import CaptureQueriesContext

    actor = policy.actor_for(make_user(Role.OPERATOR, park=ParkFactory()))
    with translation.override("en"), CaptureQueriesContext(connection) as queries:
        tiles.build_tiles(actor)
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT INTO") and "biopark_cache"
              in q["sql"]]
    assert len(writes) == 1
    with translation.override("en"):
        again = {b.tile.key: b.data for b in tiles.build_tiles(actor)}
    assert (again["test.reading"].value, again["test.counted"].value) == ("1", "1")
    # Kept for the tile's seconds plus the grace of a rebuild, like the cache's own set would keep it.
    with connection.cursor() as cur:
        cur.execute("SELECT expires FROM biopark_cache WHERE cache_key LIKE %s", ["%test.reading%"])
        expires = cur.fetchone()[0]
    expires = expires if isinstance(expires, dt.datetime) else dt.datetime.fromisoformat(str(expires))
    expires = expires if timezone.is_aware(expires) else timezone.make_aware(expires, dt.UTC)
    left = (expires - timezone.now()).total_seconds()
    assert 60 + tiles.REBUILD_GRACE - 5 <= left <= 60 + tiles.REBUILD_GRACE + 1

"""What of the query string a view reads, observed on one request (for tests/test_hostile_params.py).

A middleware, first in the chain, gives the request a recording `GET` and a recording `META` (also its
`environ`). Two things are recorded:

- `names`: the parameter names asked for one by one (`get`, `getlist`, `[]`, `in`); the crawl sends hostile
  values in each of them;
- `touched`: whether the request read the query at all, by name or whole (iterating or measuring `GET`,
  `items`/`keys`/`values`/`lists`/`dict`/`copy`/`urlencode`, or `QUERY_STRING` itself, which
  `get_full_path()`, `build_absolute_uri()` and the sign-in redirect's `next=` read).

A view whose plain request touched nothing cannot be moved by any parameter: to read one under a condition,
it would first have to read something unconditionally. The crawl skips its "every common filter at once"
requests there, and only there.
"""

from __future__ import annotations

from typing import Any

from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import QueryDict


class Reads:
    def __init__(self) -> None:
        self.names: set[str] = set()
        self.touched = False

    def clear(self) -> None:
        self.names.clear()
        self.touched = False

    def name(self, key: object) -> None:
        self.names.add(str(key))
        self.touched = True


READS = Reads()

# Ways into a mapping that bypass ordinary attribute look-up (the interpreter calls them on the type), so
# `__getattribute__` does not see them. `__iter__` is overridden even where it records nothing: a dict
# subclass that keeps dict's own iterator is copied by `dict(x)` and `{**x}` straight from its storage,
# without calling any method.
_WHOLE_SLOTS = ("__iter__", "__len__", "__reversed__", "__eq__", "__ne__", "__or__", "__ror__", "__repr__",
                "__copy__", "__deepcopy__", "__reduce__", "__reduce_ex__", "__getstate__")


def _recording_slot(base: type, slot: str) -> Any:
    original = getattr(base, slot)

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self._recording:
            READS.touched = True
        return original(self, *args, **kwargs)

    method.__name__ = slot
    return method


class _RecordingQueryDictBase(QueryDict):
    _recording = False

    def __getattribute__(self, name: str) -> Any:
        # Every public attribute (get, getlist, items, keys, values, lists, dict, copy, urlencode, pop, ...)
        # counts as a read once the dict is made; its own construction does not.
        if not name.startswith("_") and object.__getattribute__(self, "_recording"):
            READS.touched = True
        return super().__getattribute__(name)

    def __getitem__(self, key: str) -> Any:
        if self._recording:
            READS.name(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        if self._recording:
            READS.name(key)
        return super().__contains__(key)

    def get(self, key: str, default: Any = None) -> Any:
        READS.name(key)
        return super().get(key, default)

    def getlist(self, key: str, default: Any = None) -> list[Any]:
        READS.name(key)
        return super().getlist(key, default)


RecordingQueryDict: type[QueryDict] = type(
    "RecordingQueryDict", (_RecordingQueryDictBase,),
    {slot: _recording_slot(_RecordingQueryDictBase, slot) for slot in _WHOLE_SLOTS},
)


def recording_query(raw: bytes | str, encoding: str | None = None) -> QueryDict:
    query = RecordingQueryDict(raw, encoding=encoding)
    query._recording = True  # type: ignore[attr-defined]
    return query


# META: only the query string matters; the other keys are the same on every request of the crawl, and the
# keys alone (iteration, `in`, len) say nothing the client does not always send.
_QS = "QUERY_STRING"
_META_VALUE_SLOTS = ("items", "values", "copy", "popitem", "__eq__", "__ne__", "__or__", "__ror__", "__repr__",
                     "__copy__", "__deepcopy__", "__reduce__", "__reduce_ex__")


class _RecordingMetaBase(dict[str, Any]):
    _recording = True

    def __iter__(self) -> Any:
        return super().__iter__()

    def __getitem__(self, key: str) -> Any:
        if key == _QS:
            READS.touched = True
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        if key == _QS:
            READS.touched = True
        return super().get(key, default)

    def pop(self, key: str, *default: Any) -> Any:
        if key == _QS:
            READS.touched = True
        return super().pop(key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key == _QS:
            READS.touched = True
        return super().setdefault(key, default)


RecordingMeta: type[dict[str, Any]] = type(
    "RecordingMeta", (_RecordingMetaBase,),
    {slot: _recording_slot(_RecordingMetaBase, slot) for slot in _META_VALUE_SLOTS if hasattr(dict, slot)},
)


class RecordReads:
    """Middleware, put first: every later middleware, the view and its templates read through the recorders."""

    def __init__(self, get_response: Any):
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        # The headers are made now, from the plain environ (HttpHeaders walks all of its items): they never hold
        # the query string, so reading them later is not reading the query.
        request.headers  # noqa: B018
        raw = get_bytes_from_wsgi(request.environ, _QS, "")
        meta = RecordingMeta(request.META)
        request.META = meta
        request.environ = meta
        request.GET = recording_query(raw, encoding=request.encoding)
        return self.get_response(request)

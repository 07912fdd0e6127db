"""The hostile-parameter crawl skips its "every common filter at once" requests on a page whose plain request
read nothing of the query (tests/hostile_recorder.py). That is only sound if the recorder sees every way a
view can read the query: by name, whole, or as the raw query string."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from tests.hostile_recorder import READS, RecordReads


def _subscript(query: Any, name: str) -> Any:
    try:
        return query[name]
    except KeyError:
        return None


READ_BY_NAME: dict[str, Callable[[HttpRequest], Any]] = {
    "get": lambda r: r.GET.get("q"),
    "getlist": lambda r: r.GET.getlist("q"),
    "[]": lambda r: _subscript(r.GET, "q"),
    "in": lambda r: "q" in r.GET,
}

READ_WHOLE: dict[str, Callable[[HttpRequest], Any]] = {
    "iteration": lambda r: list(r.GET),
    "sorted": lambda r: sorted(r.GET),
    "len": lambda r: len(r.GET),
    "bool": lambda r: bool(r.GET),
    "if": lambda r: 1 if r.GET else 0,
    "items": lambda r: list(r.GET.items()),
    "keys": lambda r: r.GET.keys(),
    "values": lambda r: list(r.GET.values()),
    "lists": lambda r: list(r.GET.lists()),
    "dict()": lambda r: r.GET.dict(),
    "dict(GET)": lambda r: dict(r.GET),
    "{**GET}": lambda r: {**r.GET},
    "copy": lambda r: r.GET.copy(),
    "copy.copy": lambda r: copy.copy(r.GET),
    "urlencode": lambda r: r.GET.urlencode(),
    "==": lambda r: r.GET == {},
    "!=": lambda r: r.GET != {},
    "repr": lambda r: repr(r.GET),
    "str": lambda r: str(r.GET),
    "| (merge)": lambda r: r.GET | {},
    "META[QUERY_STRING]": lambda r: r.META["QUERY_STRING"],
    "META.get(QUERY_STRING)": lambda r: r.META.get("QUERY_STRING"),
    "environ[QUERY_STRING]": lambda r: r.environ["QUERY_STRING"],
    "META.items()": lambda r: [v for k, v in r.META.items() if k == "QUERY_STRING"],
    "META.values()": lambda r: list(r.META.values()),
    "META.copy()": lambda r: r.META.copy(),
    "dict(META)": lambda r: dict(r.META),
    "{**META}": lambda r: {**r.META},
    "get_full_path()": lambda r: r.get_full_path(),
    "get_full_path_info()": lambda r: r.get_full_path_info(),
    "build_absolute_uri()": lambda r: r.build_absolute_uri(),
}

# What every request does without looking at the query: these must not count, or no page would ever be skipped.
NOT_THE_QUERY: dict[str, Callable[[HttpRequest], Any]] = {
    "nothing": lambda r: None,
    "path": lambda r: (r.path, r.path_info, r.method),
    "a header": lambda r: (r.headers.get("Accept"), dict(r.headers)),
    "META by another key": lambda r: (r.META.get("HTTP_HOST"), r.META["REMOTE_ADDR"]),
    "META keys": lambda r: ("QUERY_STRING" in r.META, len(r.META), list(r.META)),
    "POST": lambda r: r.POST.get("q"),
}


def _observe(read: Callable[[HttpRequest], Any]) -> tuple[bool, set[str]]:
    def view(request: HttpRequest) -> HttpResponse:
        read(request)
        return HttpResponse("ok")

    READS.clear()
    RecordReads(view)(RequestFactory().get("/somewhere/"))
    return READS.touched, set(READS.names)


@pytest.mark.parametrize("how", READ_BY_NAME)
def test_a_parameter_read_by_name_is_recorded_with_its_name(how):
    touched, names = _observe(READ_BY_NAME[how])
    assert touched is True
    assert "q" in names


@pytest.mark.parametrize("how", READ_WHOLE)
def test_the_query_read_whole_is_recorded(how):
    assert _observe(READ_WHOLE[how]) == (True, set())


@pytest.mark.parametrize("how", NOT_THE_QUERY)
def test_what_does_not_read_the_query_is_not_recorded(how):
    assert _observe(NOT_THE_QUERY[how]) == (False, set())


def test_the_view_sees_the_query_unchanged():
    seen: dict[str, Any] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.update(lists=list(request.GET.lists()), raw=request.META["QUERY_STRING"], full=request.get_full_path())
        return HttpResponse("ok")

    RecordReads(view)(RequestFactory().get("/p/", {"q": ["a\x00b", "é"], "page": "2"}))
    assert seen == {"lists": [("q", ["a\x00b", "é"]), ("page", ["2"])], "raw": "q=a%00b&q=%C3%A9&page=2",
                    "full": "/p/?q=a%00b&q=%C3%A9&page=2"}


# Through the whole middleware chain, on real pages.


@pytest.fixture
def recording(settings: Any) -> None:
    settings.MIDDLEWARE = ["tests.hostile_recorder.RecordReads", *settings.MIDDLEWARE]


@pytest.mark.django_db
def test_django_s_sign_in_redirect_reads_the_query_for_its_next(recording):
    READS.clear()
    response = Client().get("/accounts/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/accounts/")
    assert (READS.touched, READS.names) == (True, set())


@pytest.mark.django_db
def test_a_sign_in_redirect_made_from_the_path_alone_reads_nothing(recording):
    READS.clear()
    response = Client().get("/facilities/calendar/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/facilities/calendar/")
    assert (READS.touched, READS.names) == (False, set())


@pytest.mark.django_db
def test_a_page_built_on_base_html_reads_the_query_for_the_language_form(recording):
    READS.clear()
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert READS.touched is True


@pytest.mark.django_db
def test_a_refused_method_reads_nothing(recording):
    READS.clear()
    response = Client().get("/accounts/logout/")
    assert response.status_code == 405
    assert (READS.touched, READS.names) == (False, set())

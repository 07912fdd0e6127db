"""The hostile-parameter crawl: every page route (from the URL resolver) and every API operation (from the
OpenAPI document) gets hostile values in each query parameter it reads, as an operator and as an anonymous
caller; nothing may answer 5xx. Runs on SQLite and on PostgreSQL (where a NUL byte in a filter used to be a
DataError).

Which query parameters a page reads is observed, not listed by hand: a middleware records the names a view
asks request.GET for, on a first plain request to the page. Every page also gets the common filter names
(COMMON) in one go, hostile all at once.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from tests.hostile_recorder import READS
from tests.world import path_values

pytestmark = [pytest.mark.django_db, pytest.mark.crawl]

COMMON = ["q", "kind", "park", "organisation", "stage", "modality", "status", "page", "page_size", "week", "date",
          "start", "end", "year", "encoding", "format", "category", "sort", "state", "platform", "project", "month",
          "weeks", "v", "code", "unit", "framework", "indicator", "pillar", "resource", "limit"]
NUL = "a\x00b"
LONG = "x" * 10_000
# NUL, too long, past any integer column, dates at both ends of the calendar (a week either side overflows),
# an unknown choice, a repeated parameter where one value is expected.
HOSTILE: list[Any] = [
    NUL, LONG, "99999999999999999999", "9999-12-31", "0001-01-01", "9999-12-31T23:59:59+14:00", "Phase1",
    ["1", "2"],
]
SKIP_PREFIXES = ("admin/", "api/", "i18n/", "static/")

# --- the routes -------------------------------------------------------------------------------------------


def _route_text(pattern: Any) -> str:
    text = str(pattern.pattern) if hasattr(pattern, "pattern") else str(pattern)
    return text.lstrip("^").rstrip("$").replace("\\.", ".")


def page_routes() -> list[str]:
    """Every page route of the URL resolver, as text ("facilities/resources/<int:pk>/")."""
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            route = prefix + _route_text(p.pattern)
            if route.startswith(SKIP_PREFIXES):
                continue
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            else:
                found.append(route)

    walk(get_resolver().url_patterns, "")
    return found


PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>([^)]*)\)")
BY_NAME = {"fmt": "csv", "token": "not-a-token", "action": "cancel", "key": None, "unit": "P1", "aid": None,
           "relation_id": None, "year": None, "month": None, "org": None}


def fill(route: str, values: dict[str, Any], world: dict[str, Any]) -> list[str]:
    """Concrete URLs for a route: each path parameter from the segment before it (or its name); a regex
    alternative (parks|organisations|...) gives one URL per alternative."""
    urls = [""]
    pos = 0
    for m in PARAM.finditer(route):
        literal = route[pos:m.start()]
        urls = [u + literal for u in urls]
        name = m.group(1) or m.group(2)
        alternatives = (m.group(3) or "").split("|") if m.group(2) and "|" in (m.group(3) or "") else None
        if alternatives:
            urls = [u + alt for u in urls for alt in alternatives]
        else:
            urls = [u + str(_value(name, u, values, world)) for u in urls]
        pos = m.end()
    return ["/" + u + route[pos:] for u in urls]


def _value(name: str, before: str, values: dict[str, Any], world: dict[str, Any]) -> Any:
    special = {"year": world["year"], "month": world["month"], "org": world["enterprise"].pk,
               "key": world["framework"].key, "relation_id": world["relation"].pk,
               "aid": 1, "plural": "organisations"}
    if name in special:
        return special[name]
    if name in BY_NAME and BY_NAME[name] is not None:
        return BY_NAME[name]
    segments = [s for s in before.split("/") if s and not s.isdigit()]
    return values.get(segments[-1] if segments else "", 1)


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _crawl_pages(client: Client, world: dict[str, Any]) -> tuple[list[str], int]:
    failures, sent = [], 0
    values = path_values(world)
    for route in page_routes():
        for url in fill(route, values, world):
            READS.clear()
            first = client.get(url)
            sent += 1
            if first.status_code >= 500:
                failures.append(f"GET {url} -> {first.status_code}")
                continue
            reads = set(READS.names)
            # A page that read nothing of the query on its plain request cannot be moved by any parameter.
            bundles = (NUL, LONG, "99999999999999999999", "9999-12-31", ["1", "2"]) if READS.touched else ()
            for value in bundles:
                response = client.get(url, {name: value for name in COMMON})
                sent += 1
                if response.status_code >= 500:
                    failures.append(f"GET {url} all common = {str(value)[:30]!r} -> {response.status_code}")
            for name in sorted(reads):
                for value in HOSTILE:
                    response = client.get(url, {name: value})
                    sent += 1
                    if response.status_code >= 500:
                        failures.append(f"GET {url} {name}={str(value)[:30]!r} -> {response.status_code}")
    return failures, sent


@pytest.fixture(scope="module")
def world(module_world: dict[str, Any]) -> dict[str, Any]:
    """One world for the four crawls: each test runs in a savepoint rolled back after it, so whatever a GET
    writes (a cache row, a token) never reaches the next crawl."""
    return module_world


@pytest.mark.parametrize("who", ["operator", "anonymous"])
def test_no_page_answers_5xx_to_hostile_parameters(settings, world, who):
    settings.MIDDLEWARE = ["tests.hostile_recorder.RecordReads", *settings.MIDDLEWARE]
    client = _client(world["users"][who])
    failures, sent = _crawl_pages(client, world)
    assert sent > 300  # the crawl found the routes and their parameters
    assert failures == []


# --- the API ----------------------------------------------------------------------------------------------

PATH_PARAM = re.compile(r"\{(\w+)\}")


def api_path(template: str, world: dict[str, Any], override: dict[str, str] | None = None) -> str:
    values = path_values(world)
    special = {"organisation_id": world["enterprise"].pk, "year": world["year"], "month": world["month"],
               "number": 1, "unit": "P1", "aid": 1, "key": world["framework"].key}

    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if override and name in override:
            return override[name]
        if name in special:
            return str(special[name])
        segments = [s for s in template[: m.start()].split("/") if s and not s.startswith("{")]
        return str(values.get(segments[-1], 1))

    return PATH_PARAM.sub(one, template)


def _crawl_api(client: Client, world: dict[str, Any], schema: dict[str, Any],
               headers: dict[str, str]) -> tuple[list[str], int]:
    failures, sent = [], 0

    def check(method: str, url: str, data: Any, label: str) -> None:
        nonlocal sent
        response = getattr(client, method)(url, data, **headers) if method == "get" else \
            getattr(client, method)(url, data=data or {}, content_type="application/json", **headers)
        sent += 1
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url} {label} -> {response.status_code} {response.content[:200]!r}")
        elif response.status_code >= 400:
            # Every API error, whatever refused it, is in the one format.
            body = response.json()
            if set(body.get("error", {})) != {"code", "message", "fields"}:
                failures.append(f"{method.upper()} {url} {label} -> not the error format: {body}")

    for template, item in schema["paths"].items():
        for method, operation in item.items():
            params = operation.get("parameters", [])
            query = [p["name"] for p in params if p["in"] == "query"]
            path_params = [p["name"] for p in params if p["in"] == "path"]
            if method == "get":
                url = api_path(template, world)
                for name in query:
                    for value in HOSTILE:
                        check("get", url, {name: value}, f"{name}={str(value)[:30]!r}")
                READS.clear()
                for value in (NUL, LONG, "99999999999999999999"):
                    check("get", url, {name: value for name in COMMON}, f"all common = {str(value)[:30]!r}")
                    if not READS.touched:
                        break  # the operation read nothing of the query: no other value can move it either
            for name in path_params:
                for value in ("99999999999999999999", "0", "%00", "x" * 2000):
                    check(method, api_path(template, world, {name: value}), None, f"path {name}={value[:30]!r}")
    check("get", "/api/v1/no/such/path", {}, "unknown path")
    return failures, sent


@pytest.fixture(scope="module")
def openapi_schema(module_world: dict[str, Any]) -> dict[str, Any]:
    """The API's own description of its operations, read once (making it costs ~0.6 s): it is the same for
    every caller (the document's view takes no authentication)."""
    response = Client(raise_request_exception=False).get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("who", ["operator", "anonymous"])
def test_no_api_route_answers_5xx_to_hostile_parameters(settings, world, openapi_schema, who):
    from biopark.accounts.auth import token_create

    settings.MIDDLEWARE = ["tests.hostile_recorder.RecordReads", *settings.MIDDLEWARE]
    client = Client(raise_request_exception=False)
    headers = {}
    if who != "anonymous":
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=world['users'][who])}"}
    failures, sent = _crawl_api(client, world, openapi_schema, headers)
    assert sent > 1000
    assert failures == []

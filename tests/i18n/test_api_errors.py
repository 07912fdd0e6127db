"""API error messages follow Accept-Language: with zh-hans, no English word in an error's message or in its
fields' messages (the `code` stays English and stable; field names are the API's own keys). Every operation of
the OpenAPI document is called with an empty body, with a body of wrong types, with an id that does not exist
and with hostile query values, as an administrator, a read-only viewer and an anonymous caller."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.i18n.crawl import data_values
from tests.i18n.visible import DataMask, untranslated
from tests.test_hostile_params import api_path

pytestmark = [pytest.mark.django_db, pytest.mark.crawl]

# See tests/i18n/test_pages.py: h5's apps, whose messages are translated on another branch.
CODE = re.compile(r"^[a-z_]+$")
WRONG = {"string": 12345, "integer": "abc", "number": "abc", "boolean": "maybe", "array": "abc", "object": "abc"}

_RESULTS: dict[str, dict[str, list[str]]] = {}


def _wrong_body(operation: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    content = operation.get("requestBody", {}).get("content", {})
    ref = next(iter(content.values()), {}).get("schema", {})
    if "$ref" in ref:
        ref = schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]
    return {name: WRONG.get(prop.get("type", "string"), 12345) for name, prop in ref.get("properties", {}).items()}


def _enum_values(node: Any, out: set[str]) -> None:
    """Every enum value of the OpenAPI document: the codes a client sends, which an error may list."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "enum" and isinstance(value, list):
                out.update(str(v) for v in value)
            else:
                _enum_values(value, out)
    elif isinstance(node, list):
        for value in node:
            _enum_values(value, out)


def _check(response: Any, mask: DataMask, label: str, out: dict[str, list[str]]) -> None:
    if response.status_code < 400 or not response.get("Content-Type", "").startswith("application/json"):
        return
    error = response.json().get("error", {})
    problems = [] if CODE.match(error.get("code", "")) else [f"code {error.get('code')!r}"]
    fields = error.get("fields", {})
    keys = mask.with_extra([*fields, *(p for k in fields for p in k.split("."))])
    # A booking refusal names its rule by a stable code under "rule" (as `code` names the error): an identifier.
    texts = [value for key, value in fields.items() if key != "rule"]
    for text in [error.get("message", ""), *texts]:
        if untranslated(str(text), keys):
            problems.append(str(text))
    if problems:
        out[f"{label} [{response.status_code}]"] = list(dict.fromkeys(problems))


def _crawl(world: dict[str, Any]) -> dict[str, list[str]]:
    if "zh" in _RESULTS:
        return _RESULTS["zh"]
    codes: set[str] = set()
    _enum_values(Client().get("/api/v1/openapi.json").json(), codes)
    # Record names, and the API's own identifiers (enum codes), are not text to translate.
    mask = DataMask(data_values() | codes)
    out: dict[str, list[str]] = {}
    headers = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    for who in ("admin", "viewer", "anonymous"):
        client = Client(raise_request_exception=False)
        if world["users"][who] is not None:
            client.force_login(world["users"][who])
        schema = client.get("/api/v1/openapi.json").json()
        for template, item in schema["paths"].items():
            for method, operation in item.items():
                url = api_path(template, world)
                calls: list[tuple[str, Any]] = []
                if method == "get":
                    query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
                    calls.append(("hostile query", {name: "a\x00b" if name != "page" else "-1" for name in query}))
                else:
                    calls += [("empty body", {}), ("wrong types", _wrong_body(operation, schema))]
                for label, data in calls:
                    if method == "get":
                        response = client.get(url, data, **headers)
                    else:
                        response = getattr(client, method)(url, data, content_type="application/json", **headers)
                    _check(response, mask, f"{who} {method.upper()} {url} ({label})", out)
                if "{" in template:
                    missing = api_path(template, world, {p["name"]: "999999" for p in operation.get("parameters", [])
                                                         if p["in"] == "path"})
                    response = getattr(client, method)(missing, **headers) if method in ("get", "delete") else \
                        getattr(client, method)(missing, {}, content_type="application/json", **headers)
                    _check(response, mask, f"{who} {method.upper()} {missing} (no such record)", out)
    _check(Client().get("/api/v1/no/such/path", **headers), mask, "GET /api/v1/no/such/path", out)
    _check(Client().get("/api/v1/organisations", HTTP_AUTHORIZATION="Bearer nope", **headers), mask,
           "GET /api/v1/organisations (bad token)", out)
    _RESULTS["zh"] = out
    return out


def _report(found: dict[str, list[str]]) -> str:
    return f"{len(found)} API error(s) not in Chinese:\n" + "\n".join(
        f"  {k}\n" + "\n".join(f"      {t!r}" for t in v) for k, v in sorted(found.items()))


def test_api_errors_follow_accept_language(module_world):
    found = _crawl(module_world)
    assert not found, _report(found)

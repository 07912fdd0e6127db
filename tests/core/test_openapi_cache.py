"""The OpenAPI document is built once per process for each mount path and language (building it takes about
half a second), and every caller gets an answer of its own that is the same as a fresh build."""

from __future__ import annotations

import pytest
from django.utils import translation
from ninja import NinjaAPI

from biopark.api import api


@pytest.fixture
def builds(monkeypatch):
    calls: list[str] = []
    original = NinjaAPI.get_openapi_schema

    def counting(self, **kwargs):
        calls.append(kwargs.get("path_prefix"))
        return original(self, **kwargs)

    monkeypatch.setattr(NinjaAPI, "get_openapi_schema", counting)
    return calls


def test_the_document_is_built_once_per_prefix_and_language(builds):
    with translation.override("en"):
        first = api.get_openapi_schema(path_prefix="/cache-test-a/")
        second = api.get_openapi_schema(path_prefix="/cache-test-a/")
    with translation.override("zh-hans"):
        third = api.get_openapi_schema(path_prefix="/cache-test-a/")
    with translation.override("en"):
        other = api.get_openapi_schema(path_prefix="/cache-test-b/")
    assert builds == ["/cache-test-a/", "/cache-test-a/", "/cache-test-b/"]
    assert first == second == third
    assert "/cache-test-a/facilities/bookings" in first["paths"]
    assert "/cache-test-b/facilities/bookings" in other["paths"]


def test_the_cached_document_equals_a_fresh_build_and_callers_cannot_change_it():
    with translation.override("en"):
        cached = api.get_openapi_schema(path_prefix="/cache-test-c/")
        fresh = NinjaAPI.get_openapi_schema(api, path_prefix="/cache-test-c/")
        cached["paths"].clear()
        cached["components"]["schemas"]["Error"]["title"] = "changed"
        again = api.get_openapi_schema(path_prefix="/cache-test-c/")
    assert again["components"]["schemas"]["Error"]["title"] == "Error"
    assert len(again["paths"]) == len(fresh["paths"]) > 40
    assert set(again["paths"]) == set(fresh["paths"])
    assert again["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"

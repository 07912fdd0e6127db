"""biopark.api mounts every app's router from one explicit list: a listed module that is missing fails at
import (a plain import, nothing skipped), and an app's api.py that the list forgets fails here."""

import importlib
from pathlib import Path

from biopark.api import api

PACKAGE = Path(__file__).resolve().parents[1] / "biopark"


def test_every_apps_router_is_mounted_and_nothing_else():
    mounted = {id(router) for _prefix, router in api._routers}
    modules = sorted(f"biopark.{path.parent.name}.api" for path in PACKAGE.glob("*/api.py"))
    assert modules == [
        "biopark.deals.api", "biopark.ecosystem.api", "biopark.facilities.api", "biopark.financing.api",
        "biopark.metrics.api", "biopark.news.api", "biopark.pipeline.api", "biopark.promotion.api",
        "biopark.rankings.api",
        "biopark.services.api",
    ]
    assert {name for name in modules if id(importlib.import_module(name).router) not in mounted} == set()
    assert len(api._routers) == len(modules) + 1  # and ninja's own default router


def test_the_list_is_plain_imports_so_a_missing_module_fails_at_start():
    source = (PACKAGE / "api.py").read_text(encoding="utf-8")
    assert "optional_module" not in source and "import_module" not in source
    for name in ("ecosystem", "facilities", "financing", "metrics", "news", "pipeline", "promotion", "rankings",
                 "services"):
        assert f"from biopark.{name} import api as {name}_api" in source

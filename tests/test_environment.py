"""What CI promises about its environment, and the dependency rules of the code base."""

import ast
import os
from pathlib import Path

import pytest
from django.db import connection

PACKAGE = Path(__file__).resolve().parents[1] / "biopark"


@pytest.mark.django_db
def test_postgres_when_ci_requires_it():
    if os.environ.get("BIOPARK_REQUIRE_POSTGRES") != "1":
        pytest.skip("this run is not required to use PostgreSQL (BIOPARK_REQUIRE_POSTGRES unset)")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension ORDER BY extname")
        extensions = {row[0] for row in cursor.fetchall()}
    assert "pg_trgm" in extensions


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_domain_code_never_imports_interfaces():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name in {"api.py", "views.py", "urls.py", "admin.py", "wsgi.py"} or "views_" in path.name:
            continue
        if "migrations" in path.parts or "tests" in path.parts or "management" in path.parts:
            continue
        for module in _imports(path):
            if module.endswith((".api", ".views", ".urls")) or module == "biopark.api":
                offenders.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert offenders == []


def test_engines_import_no_app_and_no_django():
    for engine in ("index", "extract"):
        folder = PACKAGE / engine
        if not folder.is_dir():
            continue
        for path in folder.rglob("*.py"):
            bad = [m for m in _imports(path) if m.startswith("django") or
                   (m.startswith("biopark.") and not m.startswith(f"biopark.{engine}"))]
            assert bad == [], f"{path.name} imports {bad}"

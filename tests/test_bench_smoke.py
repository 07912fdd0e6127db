"""Every benchmark in bench/ runs at its tiny size from a fresh database and prints its one JSON object.

A smoke run, never a timing: it proves that each benchmark still builds its data on today's models (the
booking benchmark once wrote a column a migration had replaced, and nobody could reproduce its figures).
Each benchmark runs as a subprocess, as a person would run it, against the database kind this suite runs
on: a temporary SQLite file, or with BIOPARK_DATABASE_URL set to PostgreSQL a temporary database on that
server. To keep this cheap the schema is migrated once per test session into a template that each benchmark
gets a copy of (the benchmark's own `migrate` then finds nothing to do); the copies hold no rows of any
benchmark. The keys each benchmark must print are the ones its docstring lists after "JSON keys:".
"""

from __future__ import annotations

import ast
import contextlib
import fcntl
import importlib.util
import json
import os
import re
import sqlite3
import subprocess
import sys
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"

pytestmark = pytest.mark.bench

# name -> needs a database
BENCHMARKS = {
    "facilities_booking.py": True,
    "registry_import.py": True,
    "registry_search.py": True,
    "pipeline_portfolio.py": True,
    "lead_board.py": True,
    "matching.py": True,
    "home.py": True,
    "index_uncertainty_asem.py": False,
    "index_uncertainty_large.py": False,
    "extract_quality.py": False,
}


def test_every_benchmark_is_covered():
    assert sorted(BENCHMARKS) == sorted(p.name for p in BENCH.glob("[!_]*.py"))


def documented_keys(script: Path) -> set[str]:
    doc = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
    found = re.search(r"JSON keys: ([^.]*)\.", doc)
    assert found, f"{script.name}: its docstring does not list its JSON keys"
    return {key.strip() for key in found.group(1).split(",")}


# --- fresh databases ---------------------------------------------------------------------------------------

def _postgres_url() -> str | None:
    url = os.environ.get("BIOPARK_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def _admin(url: str, sql: str) -> None:
    """Run one statement on the server's maintenance database, outside any transaction."""
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _subprocess_env(tmp: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCH_")}  # no size overrides
    env.update({"BIOPARK_BENCH_SIZE": "tiny", "BIOPARK_DATABASE_URL": database_url,
                "BIOPARK_DATA_DIR": str(tmp / "data"), "DJANGO_SETTINGS_MODULE": "biopark.settings",
                # The smoke never runs R, even where R and COINr are installed (the tests never need R).
                "BIOPARK_BENCH_COINR": "0",
                # The HTTP benchmarks' gunicorn loads the application once and forks its workers from it,
                # instead of each worker importing Django and every URL module again (seconds of CPU per
                # worker; the smoke times nothing). Other options on the command line are the benchmark's.
                "GUNICORN_CMD_ARGS": "--preload",
                # Better still, the benchmark forks its gunicorn master from its own process, which has
                # imported Django already (bench/_server.py); gunicorn and its workers serve as before.
                "BIOPARK_BENCH_SERVER": "fork"})
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="module")
def database_template(request, tmp_path_factory) -> Iterator[str]:
    """The URL of a migrated, empty database to copy. Migrating takes ~10 s, so pytest-xdist workers share
    one template (made under a file lock; the last worker done with it drops it on PostgreSQL). On SQLite the
    suite's own migrated template (tests/dbtemplate.py) serves, migrated once for every run of these migrations."""
    from tests import dbtemplate

    if not _postgres_url() and dbtemplate.enabled():
        request.getfixturevalue("django_db_setup")  # builds the schema template if this run has not yet
        with request.getfixturevalue("django_db_blocker").unblock():
            path = dbtemplate.template()
        yield f"sqlite:///{path}"
        return
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the session's folder
    state_file, server = shared / "bench-template.json", _postgres_url()
    with _locked(shared / "bench-template.lock"):
        state = json.loads(state_file.read_text()) if state_file.exists() else {"users": 0, "url": None}
        if state["url"] is None:
            if server:
                name = f"bench_smoke_{uuid.uuid4().hex[:10]}"
                _admin(server, f'CREATE DATABASE "{name}"')
                state["url"] = _with_database(server, name)
            else:
                state["url"] = f"sqlite:///{shared / 'bench-template.sqlite3'}"
            done = _run(["-m", "biopark", "migrate", "--noinput", "-v0"], _subprocess_env(shared, state["url"]))
            if done.returncode != 0:
                if server:
                    _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                pytest.fail(f"migrating the template failed: {done.stderr[-4000:]}")
        state["users"] += 1
        state_file.write_text(json.dumps(state))
    try:
        yield state["url"]
    finally:
        with _locked(shared / "bench-template.lock"):
            state = json.loads(state_file.read_text())
            state["users"] -= 1
            if state["users"] == 0 and server:
                _admin(server, f'DROP DATABASE IF EXISTS "{_database_name(state["url"])}" WITH (FORCE)')
                state["url"] = None
            state_file.write_text(json.dumps(state))


def _database_name(url: str) -> str:
    return urllib.parse.urlsplit(url).path.lstrip("/")


@pytest.fixture
def fresh_database_url(database_template, tmp_path) -> Iterator[str]:
    """A copy of the template for one benchmark, dropped after it on PostgreSQL."""
    server = _postgres_url()
    if server:
        name = f"{_database_name(database_template)}_{uuid.uuid4().hex[:6]}"
        _admin(server, f'CREATE DATABASE "{name}" TEMPLATE "{_database_name(database_template)}"')
        try:
            yield _with_database(server, name)
        finally:
            _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        target = tmp_path / "bench.sqlite3"
        source_path = database_template.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(source_path)) as source, \
                contextlib.closing(sqlite3.connect(target)) as copied:
            source.backup(copied)
        yield f"sqlite:///{target}"


# --- the smoke runs ----------------------------------------------------------------------------------------

def _answered(statuses: dict[str, int]) -> None:
    """Every request got an answer a client may get: 200/201, or 409 for a slot taken by chance."""
    assert statuses and set(statuses) <= {"200", "201", "409"}, statuses


def _facilities(out: dict[str, Any]) -> None:
    assert (out["resources"], out["bookings_in_db"]) == (4, 40)
    for measure in ("free_slots_one_resource_week", "free_slots_one_resource_week_single_client", "book",
                    "book_single_client"):
        _answered(out[measure]["statuses"])
    assert out["free_slots_one_resource_week"]["load_generator"] == "python threads"
    assert out["availability_1000_resources_week_ms"]["http"]["statuses"] == {"200": 8}


def _registry_import(out: dict[str, Any]) -> None:
    assert out["rows"] == 60
    assert out["counts"] == out["dry_run_counts"] == {"create": 60, "update": 0, "unchanged": 0, "merge": 0, "skipped": 0,
                                                      "error": 0}


def _registry_search(out: dict[str, Any]) -> None:
    assert (out["organisations"], out["relations"], out["statuses"]) == (60, 120, {"200": 8})
    assert out["load_generator"] == "python threads"


def _home(out: dict[str, Any]) -> None:
    assert out["rows"] == {"organisations": 300, "bookings": 3000, "projects": 60, "stage_events": 600,
                           "service_requests": 300}
    # Every tile of the operator's home, the deals, promotion and metrics apps' included.
    assert sorted(out["cold_build_ms"]) == ["alerts", "deals.recent", "facilities.week", "metrics.targets",
                                            "pipeline.funnel", "pipeline.stale", "promotion.due", "registry.since",
                                            "services.queue"]
    for measure in out["results"].values():
        assert measure["statuses"] == {"200": 8}


CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "home.py": _home,
    "facilities_booking.py": _facilities,
    "registry_import.py": _registry_import,
    "registry_search.py": _registry_search,
    "lead_board.py": lambda out: _equal((out["leads"], out["board"]["statuses"], out["list"]["statuses"]),
                                        (40, {"200": 4}, {"200": 4})),
    "pipeline_portfolio.py": lambda out: _equal((out["projects"], out["stage_events"], out["runs"]), (20, 100, 3)),
    "matching.py": lambda out: _equal((out["investors"], out["projects"], out["needs"]), (30, 60, 60)),
    "index_uncertainty_asem.py": lambda out: _equal((out["units"], out["replications"]), (51, 20)),
    "index_uncertainty_large.py": lambda out: _equal((out["units"], out["indicators"], out["replications"]),
                                                     (60, 60, 20)),
    "extract_quality.py": lambda out: _equal((out["articles"], {t: v["gold"] for t, v in out["heldout"].items()}),
                                             (5, {"organisation": 34, "person": 14, "position": 14, "agreement": 16,
                                                  "figure": 39})),
}


def _equal(got: Any, expected: Any) -> None:
    assert got == expected


@pytest.mark.parametrize("name", sorted(BENCHMARKS))
def test_benchmark_runs_at_tiny_size(name, request, tmp_path):
    script = BENCH / name
    # The index benchmarks use no database; they get a path that would show if one were opened.
    url = request.getfixturevalue("fresh_database_url") if BENCHMARKS[name] else \
        f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    done = _run([str(script)], _subprocess_env(tmp_path, url))
    assert done.returncode == 0, done.stderr[-4000:]
    out = json.loads(done.stdout)  # exactly one JSON document on stdout, nothing else
    assert isinstance(out, dict)
    assert set(out) == documented_keys(script)
    assert out["size"] == "tiny"
    if BENCHMARKS[name]:
        assert out["database"] in ({"postgresql"} if _postgres_url() else {"sqlite", "sqlite3"})
    CHECKS[name](out)
    if not BENCHMARKS[name]:
        assert not (tmp_path / "unused.sqlite3").exists()


# --- the bulk writer the booking benchmark uses ------------------------------------------------------------

def _bench_common() -> Any:
    spec = importlib.util.spec_from_file_location("bench_common", BENCH / "_common.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _booking_row() -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from biopark.accounts.models import Role
    from tests.facilities.factories import ResourceFactory
    from tests.factories import make_user

    resource = ResourceFactory()
    user = make_user(Role.ENTERPRISE_MEMBER, organisation=resource.platform.operator)
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=3)
    return {"resource_id": resource.pk, "user_id": user.pk, "organisation_id": resource.platform.operator_id,
            "start": start, "end": start + dt.timedelta(hours=1), "status": "completed"}


@pytest.mark.django_db
def test_write_rows_refuses_a_column_the_model_no_longer_has():
    from biopark.facilities.models import Booking

    row = {**_booking_row(), "project": ""}  # the column migration facilities 0005 replaced
    with pytest.raises(ValueError, match="Booking has no field project "):
        _bench_common().write_rows(Booking, [row])
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_write_rows_refuses_to_leave_out_a_required_field():
    from biopark.facilities.models import Booking

    row = _booking_row()
    del row["start"]
    with pytest.raises(ValueError, match=r"Booking\.start has no default"):
        _bench_common().write_rows(Booking, [row])
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_write_rows_writes_what_the_orm_reads_back():
    from biopark.facilities.models import Booking

    row = _booking_row()
    common = _bench_common()
    [booking_id] = common.next_ids(Booking, 1)
    assert common.write_rows(Booking, [{**row, "id": booking_id}]) == 1
    booking = Booking.objects.get()
    assert booking.pk == booking_id
    assert {k: getattr(booking, k) for k in row} == row
    # Left-out fields take the model's defaults.
    assert (booking.quantity, booking.project_id, booking.project_label, booking.note) == (1, None, "", "")
    assert booking.created_at is not None and booking.created_at == booking.updated_at

"""The SQLite test database from a migrated template, instead of running every migration in every test process.

Running the migrations (about a hundred, with the search triggers and data migrations) took 10–20 s of CPU in
each pytest-xdist worker, before any test ran. Here the migrations run once into a file named by a hash of
every installed app's migration files and Django's and SQLite's versions (`$BIOPARK_DATA_DIR/schema-<hash>.sqlite3`);
each worker copies that file into its test database (SQLite's backup API for an in-memory one, a file copy for
the file-backed one the race tests' conftests ask for), then runs `migrate` as Django's test runner does, which
finds nothing to apply. A changed or added migration changes the hash, so a stale template is never used; two
workers starting together build it once (a file lock). `BIOPARK_TEST_DB_TEMPLATE=0` turns this off
(pytest-django's own set-up).

The demo the same way (`demo_template`, `swap_in`): `biopark demo` into a copy of the schema template, once per
day and per state of the code and data that build it, instead of once in every test module that needs it; such a
module swaps the demo into its in-memory database and swaps the previous content back after its last test.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections

REPO = Path(__file__).resolve().parents[1]


def enabled() -> bool:
    default = settings.DATABASES["default"]
    return default["ENGINE"] == "django.db.backends.sqlite3" and os.environ.get("BIOPARK_TEST_DB_TEMPLATE") != "0" \
        and len(settings.DATABASES) == 1


def schema_key() -> str:
    digest = hashlib.sha256(f"{django.__version__} {sqlite3.sqlite_version}".encode())
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        digest.update(config.label.encode())
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _point(connection: Any, name: str) -> None:
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _build(connection: Any, target: Path) -> None:
    building = target.with_name(f"{target.name}.{os.getpid()}.building")
    building.unlink(missing_ok=True)
    _point(connection, str(building))
    call_command("migrate", verbosity=0, interactive=False, database=connection.alias, run_syncdb=True)
    connection.close()
    with sqlite3.connect(building) as raw:  # one self-contained file: the write-ahead log folded in
        raw.execute("PRAGMA journal_mode=DELETE")
    raw.close()
    for old in target.parent.glob("schema-*.sqlite3"):
        old.unlink(missing_ok=True)
    os.replace(building, target)


def template() -> Path:
    """The migrated template for the current migrations, built if missing (once, whichever worker comes first)."""
    folder = Path(os.environ.get("BIOPARK_DATA_DIR") or settings.DATA_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"schema-{schema_key()}.sqlite3"
    connection = connections["default"]
    original = connection.settings_dict["NAME"]
    with open(folder / "schema.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not target.exists():
                _build(connection, target)
        finally:
            _point(connection, original)
            fcntl.flock(lock, fcntl.LOCK_UN)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    return target


def setup() -> str:
    """Make the in-memory test database a copy of the template; returns the name to restore afterwards."""
    connection = connections["default"]
    source = template()
    original = connection.settings_dict["NAME"]
    name = connection.creation._get_test_db_name()
    _point(connection, name)
    if connection.is_in_memory_db():
        connection.ensure_connection()
        with sqlite3.connect(source) as raw:
            raw.backup(connection.connection)
        raw.close()
    else:
        # A file test database (the race tests' conftest asks for one): a plain copy, any leftover replaced.
        for leftover in _files(name):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(source, name)
    # As Django's runner does; with the template current it applies nothing (and proves that).
    call_command("migrate", verbosity=0, interactive=False, database=connection.alias, run_syncdb=True)
    return str(original)


def _files(name: str) -> list[Path]:
    return [Path(name + suffix) for suffix in ("", "-wal", "-shm", "-journal")]


def teardown(original: str) -> None:
    connection = connections["default"]
    name = str(connection.settings_dict["NAME"])
    file_backed = not connection.is_in_memory_db()
    connection.creation.destroy_test_db(original, verbosity=0)
    for leftover in _files(name) if file_backed else []:
        leftover.unlink(missing_ok=True)


# --- the demo ---------------------------------------------------------------------------------------------------


def demo_key() -> str:
    """The schema, today's date (the demo places bookings and deadlines around today) and every file of the
    code and data that could change what `biopark demo` writes."""
    import datetime as dt

    digest = hashlib.sha256(f"{schema_key()} {dt.date.today().isoformat()} {settings.PASSWORD_HASHERS[0]}".encode())
    for path in sorted((REPO / "biopark").rglob("*")):
        if path.suffix in (".py", ".yaml", ".yml", ".json", ".csv", ".txt") and "migrations" not in path.parts:
            digest.update(str(path.relative_to(REPO)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _copy_into(source: Path, connection: Any) -> None:
    with sqlite3.connect(source) as raw:
        raw.backup(connection.connection)
    raw.close()


def _build_full_demo() -> None:
    with open(os.devnull, "w") as quiet:
        call_command("demo", stdout=quiet)


def _build_registry_demo() -> None:
    from biopark.demo.loader import ensure_demo_users, load_demo

    load_demo(log=lambda _msg: None)
    ensure_demo_users()


# What each kind of demo holds: `biopark demo` whole, or the registry's part and the demo users.
DEMOS = {"full": _build_full_demo, "registry": _build_registry_demo}


def _demo_into(connection: Any, kind: str) -> None:
    """The demo into the in-memory test database: copied from its file, or built there (from the empty schema)
    and then written to its file for the next module and worker."""
    schema = template()
    target = schema.with_name(f"demo-{kind}-{demo_key()}.sqlite3")
    with open(schema.with_name("schema.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if target.exists():
                _copy_into(target, connection)
                return
            _copy_into(schema, connection)
            _forget_cached_rows()
            DEMOS[kind]()
            building = target.with_name(f"{target.name}.{os.getpid()}.building")
            with sqlite3.connect(building) as raw:
                connection.connection.backup(raw)
            raw.close()
            for old in target.parent.glob(f"demo-{kind}-*.sqlite3"):
                old.unlink(missing_ok=True)
            os.replace(building, target)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _forget_cached_rows() -> None:
    """Content types this process cached (name -> id) belong to the content swapped out."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def swapping_supported() -> bool:
    return enabled() and connections["default"].is_in_memory_db()


def swap_in_demo(kind: str) -> sqlite3.Connection:
    """Replace the in-memory test database's content with a demo (a key of DEMOS); returns the previous content
    (an in-memory copy) for `swap_back`. No transaction may be open on the test database."""
    connection = connections["default"]
    connection.ensure_connection()
    saved = sqlite3.connect(":memory:")
    connection.connection.backup(saved)
    _demo_into(connection, kind)
    _forget_cached_rows()
    return saved


def swap_back(saved: sqlite3.Connection) -> None:
    connection = connections["default"]
    connection.ensure_connection()
    saved.backup(connection.connection)
    saved.close()
    _forget_cached_rows()

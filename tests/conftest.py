"""Shared fixtures. tests/index runs without Django (see tests/index/conftest.py)."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present next to the repository: corpus checks skipped")
    return CORPUS


@pytest.fixture
def roles(db):
    """One user per role, attached to one park tree (park > zone) and one enterprise."""
    from biopark.accounts.models import Role
    from tests.factories import OrganisationFactory, ParkFactory, make_user

    park = ParkFactory(name_zh="高新区", name_en="Hi-tech Zone")
    zone = ParkFactory(name_zh="生物城", name_en="Bio-City", parent=park)
    other_park = ParkFactory(name_zh="别的园区", name_en="Other Park")
    enterprise = OrganisationFactory(park=zone)
    other_enterprise = OrganisationFactory(park=other_park)
    users = {
        "admin": make_user(Role.ADMIN),
        "operator": make_user(Role.OPERATOR, park=park),
        "platform_manager": make_user(Role.PLATFORM_MANAGER, organisation=enterprise),
        "enterprise_member": make_user(Role.ENTERPRISE_MEMBER, organisation=enterprise),
        "investor": make_user(Role.INVESTOR),
        "viewer": make_user(Role.VIEWER),
    }
    return {
        "users": users,
        "park": park,
        "zone": zone,
        "other_park": other_park,
        "enterprise": enterprise,
        "other_enterprise": other_enterprise,
    }


def pytest_configure(config):
    os.environ.setdefault("BIOPARK_DATA_DIR", str(REPO / "var" / "test"))


def pytest_collection_finish(session) -> None:
    """Django, every app and every test module are imported by now: a few hundred thousand objects that live as
    long as the run. Moved out of the collector's sight once, so that its full collections, which every test's
    garbage keeps triggering, no longer walk them all again (about a third of a small test's time went there)."""
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_use_migrations, django_db_keepdb,
                    django_db_createdb, django_db_modify_db_settings) -> Iterator[None]:
    """pytest-django's set-up, except on SQLite, where the test database is copied from a migrated template
    (tests/dbtemplate.py) instead of being migrated again in every worker."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    from tests import dbtemplate

    aliases, serialized = _get_databases_for_setup(request.session.items)
    if dbtemplate.enabled() and django_db_use_migrations and not serialized:
        with django_db_blocker.unblock():
            original = dbtemplate.setup()
        yield
        with django_db_blocker.unblock():
            dbtemplate.teardown(original)
        return
    if not django_db_use_migrations:
        _disable_migrations()
    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        config = setup_databases(verbosity=request.config.option.verbose, interactive=False, aliases=aliases,
                                 serialized_aliases=serialized, keepdb=keepdb)
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            _end_other_sessions()
            teardown_databases(config, verbosity=request.config.option.verbose)


def _end_other_sessions() -> None:
    """Tests that start a real `biopark worker` process may leave a database session of it that the server has
    not closed yet; PostgreSQL refuses to drop a test database in use, so end them first (sessions of the other
    pytest workers are on databases of their own and are not touched)."""
    from django.db import connections

    for connection in connections.all():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker) -> Iterator[None]:
    """A transaction open for a whole test module, rolled back after its last test: data a module builds once
    (the demo, a world of records) is shared by its tests without being rebuilt for each. Each test still runs in
    its own savepoint (pytest-django's `db` nests inside), so one test's writes never reach the next. Only for
    modules whose tests use `db`, not `transactional_db` or a live server (those commit and flush)."""
    with django_db_blocker.unblock():
        outer = _open_module_transaction()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            _roll_back(outer)


def _open_module_transaction() -> Any:
    from django.db import transaction

    outer = transaction.atomic()
    outer.__enter__()
    return outer


def _roll_back(outer: Any) -> None:
    from django.db import transaction

    transaction.set_rollback(True)
    outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def module_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """tests/world.py's world plus an investor, a viewer and the anonymous visitor (None), built once and rolled
    back after the module (the translation crawls, the navigation tests)."""
    from django.db import transaction

    from biopark.accounts.models import Role
    from tests.factories import make_user
    from tests.world import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        world["users"]["investor"] = make_user(Role.INVESTOR)
        world["users"]["viewer"] = make_user(Role.VIEWER)
        world["users"]["anonymous"] = None
        yield world
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The whole demo (registry, facilities, pipeline, services, rankings and its users) for a module's tests,
    in a transaction open for the module as `module_db` does. On SQLite it is built once per day and state of
    the code (tests/dbtemplate.py) and swapped into the test database for the module (the previous content is
    swapped back after it): about 20 s of CPU saved in each module after the first; elsewhere built per module."""
    yield from _demo_for_module("full", django_db_blocker)


@pytest.fixture(scope="module")
def registry_demo_data(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The registry's part of the demo and the demo users (`load_demo`, `ensure_demo_users`), as `demo_data`."""
    yield from _demo_for_module("registry", django_db_blocker)


def _demo_for_module(kind: str, django_db_blocker: Any) -> Iterator[None]:
    from tests import dbtemplate

    saved = None
    with django_db_blocker.unblock():
        if dbtemplate.swapping_supported():
            saved = dbtemplate.swap_in_demo(kind)
        outer = _open_module_transaction()
        if saved is None:
            dbtemplate.DEMOS[kind]()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            _roll_back(outer)
            if saved is not None:
                dbtemplate.swap_back(saved)


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """Every test starts in the site's default language (Chinese) whatever the previous test did: Django's test
    client leaves the last request's language active in the thread, which made messages depend on test order.
    A test that reads English says so (`translation.override("en")`)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing_for_the_session() -> Iterator[None]:
    """MD5 from the first fixture on: module-scoped worlds and the module demo (built before any function
    fixture runs) make their users with it too, instead of paying PBKDF2's deliberate slowness per user. Real
    deployments keep Django's PBKDF2. A test that sets its own hashers (`settings`, `override_settings`) gets
    MD5 back after it from those; no per-test override is needed (it cost every test a settings change)."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


def assert_api_error(response, status, field=None):
    """The one error format: {"error": {"code", "message", "fields"}}, with `field` named if given."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body["error"]) == {"code", "message", "fields"}
    if field:
        assert field in body["error"]["fields"], body
    return body["error"]


@pytest.fixture
def run_queued_tasks():
    """Run every queued background task to its end in this process, as `biopark worker --batch` would.

    Tests keep the production task backend (django-tasks-db: tasks are rows in the database) and drain the
    queue here with the same worker loop, so the enqueue path and the task code are the real ones;
    tests/ecosystem/test_worker_process.py drives real worker processes."""
    from django_tasks_db.management.commands.db_worker import Worker

    from biopark.core import background

    def run() -> None:
        background.sweep()
        Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
               max_tasks=None, worker_id="pytest", excluded_queue_names=[]).run()

    return run


@pytest.fixture(autouse=True)
def _shared_cache_after_committing_tests(request) -> Iterator[None]:
    """The cache is a database table (settings.CACHES) that Django's flush between committing tests does not
    empty: after a test that commits (live server, transactional), its cached home tiles are deleted, so a
    later test whose user gets the same id never reads them."""
    yield
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        from django.core.cache import cache

        cache.clear()


class _StaticFilesSeen:
    """WhiteNoise's middleware lists every static file when it is made, and Django's test client makes the
    middleware afresh for every test (a new client, a new handler): a tenth of a small page test's time. The
    files do not change during a run, so the list made by the first middleware is handed to the next ones made
    with the same settings (a server process makes its middleware once and is not concerned)."""

    def __init__(self) -> None:
        self.files: dict[Any, dict[str, Any]] = {}

    def install(self) -> None:
        from whitenoise.middleware import WhiteNoiseMiddleware

        original = WhiteNoiseMiddleware.add_files_from_finders
        seen = self

        def add_files_from_finders(middleware: Any) -> None:
            key = seen.key(middleware)
            if key not in seen.files:
                before = dict(middleware.files)
                original(middleware)
                seen.files[key] = {url: f for url, f in middleware.files.items() if before.get(url) is not f}
            middleware.files.update(seen.files[key])

        WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders  # type: ignore[method-assign]

    @staticmethod
    def key(middleware: Any) -> Any:
        from django.conf import settings

        return (middleware.static_prefix, middleware.max_age, middleware.allow_all_origins, middleware.charset,
                middleware.add_headers_function, middleware.__dict__.get("immutable_file_test"),
                repr(getattr(settings, "WHITENOISE_MIMETYPES", None)), tuple(map(str, settings.STATICFILES_DIRS)),
                tuple(settings.STATICFILES_FINDERS), str(settings.STATIC_ROOT))


@pytest.fixture(scope="session", autouse=True)
def _static_files_listed_once() -> None:
    _StaticFilesSeen().install()

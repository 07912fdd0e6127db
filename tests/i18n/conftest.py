"""The pseudo-locale (tests/i18n/pseudo.py) and one world per module for the translation crawls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils.translation import trans_real

from tests.i18n.pseudo import PSEUDO, PSEUDO_NAME, build_catalogue


@pytest.fixture(scope="session")
def pseudo_locale_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pseudo_locale")
    build_catalogue(root)
    return root


def _clear_language_caches() -> None:
    trans_real.get_languages.cache_clear()
    trans_real._get_supported_language_variant.cache_clear()
    trans_real.translation_catalog_exists.cache_clear()


@pytest.fixture(scope="module")
def pseudo_locale(pseudo_locale_dir: Path) -> Iterator[str]:
    """The pseudo-locale, for this module's tests only: in LANGUAGES and with its catalogue in LOCALE_PATHS."""
    from django.conf import settings

    with override_settings(
        LANGUAGES=[*settings.LANGUAGES, (PSEUDO, PSEUDO_NAME)],
        LOCALE_PATHS=[*settings.LOCALE_PATHS, pseudo_locale_dir],
    ):
        _clear_language_caches()
        yield PSEUDO
    _clear_language_caches()


@pytest.fixture(scope="module")
def module_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """tests/world.py's world plus an investor and a viewer, built once and rolled back after the module."""
    from biopark.accounts.models import Role
    from tests.factories import make_user
    from tests.world import build_world

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with fast, django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        world["users"]["investor"] = make_user(Role.INVESTOR)
        world["users"]["viewer"] = make_user(Role.VIEWER)
        world["users"]["anonymous"] = None
        yield world
        transaction.set_rollback(True)

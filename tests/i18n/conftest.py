"""The pseudo-locale (tests/i18n/pseudo.py) for the translation crawls (their world is tests/conftest.py::module_world)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
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

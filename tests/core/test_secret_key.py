"""SECRET_KEY: a random key kept in the data folder (mode 600, reused), never the published development key
outside debug mode."""

from __future__ import annotations

import multiprocessing
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from biopark.core import secret_key
from biopark.core.secret_key import PUBLISHED_DEVELOPMENT_KEY, choose, read_or_create

REPO = Path(__file__).resolve().parents[2]


def _settings_key(data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Load the real settings module in a fresh interpreter, as `biopark serve` does, and print its key."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BIOPARK_")}
    clean.update({"BIOPARK_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "biopark.settings", **env})
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, cwd=REPO, capture_output=True, text=True, check=False
    )


def test_first_run_makes_a_private_random_key_and_reuses_it(tmp_path):
    first = _settings_key(tmp_path)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    stored = key_file.read_text().strip()
    assert first.stdout.strip() == stored
    assert len(stored) >= 80 and stored != PUBLISHED_DEVELOPMENT_KEY
    second = _settings_key(tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == stored
    assert key_file.read_text().strip() == stored


def test_two_data_folders_get_different_keys(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert read_or_create(a) != read_or_create(b)


def test_environment_key_wins_and_no_file_is_made(tmp_path):
    result = _settings_key(tmp_path, BIOPARK_SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "k" * 60
    assert not (tmp_path / "secret_key").exists()


def test_published_development_key_is_refused_unless_debugging(tmp_path):
    refused = _settings_key(tmp_path, BIOPARK_SECRET_KEY=PUBLISHED_DEVELOPMENT_KEY)
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and "published development key" in refused.stderr
    allowed = _settings_key(tmp_path, BIOPARK_SECRET_KEY=PUBLISHED_DEVELOPMENT_KEY, BIOPARK_DEBUG="true")
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.strip() == PUBLISHED_DEVELOPMENT_KEY


def test_published_key_in_the_key_file_is_refused(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(PUBLISHED_DEVELOPMENT_KEY + "\n")
    key_file.chmod(0o600)
    with pytest.raises(ImproperlyConfigured):
        choose(from_env="", data_dir=tmp_path, debug=False, require_env=False)


def test_required_environment_key(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="BIOPARK_SECRET_KEY must be set"):
        choose(from_env="", data_dir=tmp_path, debug=False, require_env=True)
    assert not (tmp_path / "secret_key").exists()


def test_a_key_file_others_can_read_is_refused(tmp_path):
    read_or_create(tmp_path)
    (tmp_path / "secret_key").chmod(0o644)
    with pytest.raises(ImproperlyConfigured, match="chmod 600"):
        read_or_create(tmp_path)


def test_an_empty_key_file_is_refused(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("short\n")
    key_file.chmod(0o600)
    with pytest.raises(ImproperlyConfigured, match="no usable key"):
        read_or_create(tmp_path)


def _key_in(folder: str) -> str:
    return read_or_create(Path(folder))


def test_processes_starting_together_share_one_key(tmp_path):
    # gunicorn workers of a fresh install all load the settings at once: they must agree on the key.
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        keys = pool.map(_key_in, [str(tmp_path)] * 8)
    assert len(set(keys)) == 1
    assert keys[0] == (tmp_path / "secret_key").read_text().strip()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]


def test_settings_module_uses_the_data_folder_key():
    from django.conf import settings

    assert settings.SECRET_KEY != PUBLISHED_DEVELOPMENT_KEY
    assert secret_key.KEY_FILE_NAME == "secret_key"

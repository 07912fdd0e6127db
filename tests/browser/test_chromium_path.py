"""Which Chromium the browser tests drive (tests/browser/conftest.py::chromium_path)."""

from __future__ import annotations

import os
import stat

import pytest

from tests.browser.conftest import chromium_path


def _program(folder, name: str) -> str:
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def bin_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("BIOPARK_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    return tmp_path


def test_the_headless_shell_is_preferred_to_the_full_browser(bin_dir):
    _program(bin_dir, "chromium")
    shell = _program(bin_dir, "chromium-headless-shell")
    assert chromium_path() == shell


def test_the_full_browser_when_there_is_no_headless_shell(bin_dir):
    assert chromium_path() is None
    full = _program(bin_dir, "chromium")
    assert chromium_path() == full


def test_biopark_chromium_names_the_browser_when_the_file_exists(bin_dir, monkeypatch):
    _program(bin_dir, "chromium-headless-shell")
    full = _program(bin_dir, "chromium")
    monkeypatch.setenv("BIOPARK_CHROMIUM", full)
    assert chromium_path() == full
    monkeypatch.setenv("BIOPARK_CHROMIUM", os.path.join(str(bin_dir), "missing"))
    assert chromium_path() == os.path.join(str(bin_dir), "chromium-headless-shell")

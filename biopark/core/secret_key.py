"""Where SECRET_KEY comes from when the environment does not give one: a random key kept in the data folder.

Imported by settings.py, so it must not import Django's settings or any app.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The key earlier versions fell back to. It is published in the source, so anyone could sign sessions,
# password-reset links and tokens with it; it is refused outside debug mode.
PUBLISHED_DEVELOPMENT_KEY = "biopark-insecure-development-key-change-me"
KEY_FILE_NAME = "secret_key"
MIN_LENGTH = 50


def read_or_create(folder: Path) -> str:
    """The key in `folder`/secret_key, made (random, mode 0600) on first use and reused afterwards.

    Several processes may start at once on a fresh install (gunicorn workers, a task worker): the key is
    written to a private temporary file and hard-linked into place, which fails if another process was
    first, so all of them end up reading the same complete key.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / KEY_FILE_NAME
    if not path.exists():
        tmp = folder / f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(64) + "\n")
            # Another process was first: its key is complete and everybody uses it.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ImproperlyConfigured(
            f"{path} is readable by other users (mode {mode:o}); run `chmod 600 {path}` or set BIOPARK_SECRET_KEY"
        )
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_LENGTH:
        raise ImproperlyConfigured(f"{path} holds no usable key (fewer than {MIN_LENGTH} characters); delete it")
    return key


def choose(*, from_env: str, data_dir: Path, debug: bool, require_env: bool) -> str:
    """The SECRET_KEY to use: the environment's, else the data folder's; never the published one in production."""
    key = from_env.strip()
    if not key:
        if require_env:
            raise ImproperlyConfigured("BIOPARK_SECRET_KEY must be set (BIOPARK_REQUIRE_SECRET_KEY is on)")
        key = read_or_create(data_dir)
    if key == PUBLISHED_DEVELOPMENT_KEY and not debug:
        raise ImproperlyConfigured(
            "BIOPARK_SECRET_KEY is the published development key: anyone can forge sessions and links with it. "
            "Unset it (a random key is then kept in the data folder) or set a secret one; "
            "it is accepted only with BIOPARK_DEBUG=true."
        )
    return key

"""Ecosystem fixtures.

The import race test runs two imports in two threads, each on its own connection. pytest-django's SQLite
test database is in memory (a shared-cache database whose locking is not SQLite's usual file locking), so
when the configured database is SQLite the test database gets a file (one per pytest process, under the
data folder the root conftest sets), as tests/facilities/conftest.py does for the booking race.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

_db = settings.DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3" and not (_db.get("TEST") or {}).get("NAME"):
    _folder = Path(os.environ.get("BIOPARK_DATA_DIR", "var/test"))
    _folder.mkdir(parents=True, exist_ok=True)
    _db.setdefault("TEST", {})["NAME"] = str(_folder / f"test_ecosystem_{os.getpid()}.sqlite3")

"""The index engine's tests need no Django: they pass with ``-p no:django`` and under pytest-django."""

from __future__ import annotations

import sys
from pathlib import Path

# Make the reference-data helpers importable whatever pytest's import mode is.
sys.path.insert(0, str(Path(__file__).resolve().parent))

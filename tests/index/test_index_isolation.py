"""biopark.index must stay importable without Django (it is a pure library)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_import_does_not_load_django() -> None:
    code = (
        "import sys\n"
        "import biopark.index, biopark.index.cli\n"
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if m.startswith('django'))\n"
        "allowed = {'numpy', 'yaml', 'biopark', '_yaml'}\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=60, env={"PYTHONPATH": str(REPO_ROOT), "PATH": ""})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_package_sources_import_only_stdlib_numpy_yaml() -> None:
    third_party = set()
    for path in (REPO_ROOT / "biopark" / "index").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if len(words) >= 2 and words[0] in ("import", "from"):
                top = words[1].split(".")[0]
                third_party.add(top)
    stdlib = set(sys.stdlib_module_names)
    assert third_party - stdlib <= {"numpy", "yaml", "biopark"}, third_party - stdlib

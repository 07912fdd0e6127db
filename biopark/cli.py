"""The `biopark` command: Django's command line with BioPark's settings.

`biopark index ...` goes straight to the index engine, which needs no database and no Django.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "index":
        from biopark.index.cli import main as index_main

        return index_main(args[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "biopark.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A helper process for large imports: works out name_info() of records' names.

    python -m biopark.core.name_worker

Reads pickled `(chunk number, [(name_zh, name_en, aliases), ...])` pairs on stdin until it closes and
answers each with `(chunk number, [NameInfo, ...])` on stdout. It needs neither Django nor a database:
only biopark.core.text. See biopark.ecosystem.importer._NameHelper.
"""

from __future__ import annotations

import pickle
import sys

from biopark.core.text import name_infos


def main() -> None:
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            number, items = pickle.load(source)
        except EOFError:
            return
        pickle.dump((number, name_infos(items)), sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()


if __name__ == "__main__":
    main()

"""The names of imported rows: matching them to existing records, and working out their search forms
in a helper process while the importer checks the rows (see importer.plan_and_apply)."""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import subprocess
import sys
import threading
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.utils.translation import gettext
from rapidfuzz import fuzz, process

from biopark.core.text import NameInfo, fold, match_key
from biopark.ecosystem import services

FUZZY_CUTOFF = 92.0


_DIGITS = re.compile(r"\d+")


def _block(key: str) -> tuple[str, str]:
    """Fuzzy matching compares a name only with names that start alike and carry the same numbers:
    "…第1分公司" and "…第2分公司", or "No. 3 Hospital" and "No. 4 Hospital", are different
    organisations however similar the rest of the name, and the blocks stay small."""
    return key[:3], " ".join(_DIGITS.findall(key))


class Matcher:
    """Finds the existing record a row stands for, by id, key, exact name, alias or fuzzy key."""

    def __init__(self, model: Any):
        self.model = model
        self.by_name: dict[str, int] = {}
        self.by_alias: dict[str, int] = {}
        self.by_key: dict[str, int] = {}
        self.blocks: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
        self.labels: dict[int, str] = {}
        for pk, name_zh, name_en, aliases in model._default_manager.values_list("pk", "name_zh", "name_en", "aliases"):
            self.add(pk, name_zh, name_en, aliases or [])

    def add(self, pk: int, name_zh: str, name_en: str, aliases: list[str]) -> None:
        self.labels[pk] = name_zh or name_en
        for name in (name_zh, name_en):
            if name:
                self.by_name.setdefault(fold(name), pk)
        for alias in aliases:
            self.by_alias.setdefault(fold(alias), pk)
        for name in (name_zh, name_en, *aliases):
            if name:
                key = match_key(name)
                if key:
                    self.by_key.setdefault(key, pk)
                    self.blocks[_block(key)][key] = pk

    def exact(self, info: NameInfo) -> int | None:
        """The record whose Chinese or English name is this row's Chinese or English name."""
        for folded in info.folds[:2]:
            if folded and folded in self.by_name:
                return self.by_name[folded]
        return None

    def proposal(self, names: Sequence[str], info: NameInfo) -> tuple[int, str] | None:
        """A record this row may stand for: an alias, a name, a name key or a close name key matches."""
        for name, folded, key in zip(names, info.folds, info.keys, strict=True):
            if not name:
                continue
            if folded in self.by_alias:
                return self.by_alias[folded], gettext("%(name)s is an alias of it") % {"name": repr(name)}
            if folded in self.by_name:
                return self.by_name[folded], gettext("%(name)s is its name") % {"name": repr(name)}
            if not key:
                continue
            if key in self.by_key:
                return self.by_key[key], gettext("%(name)s has the same name key") % {"name": repr(name)}
            block = self.blocks.get(_block(key)) if self.blocks and len(key) >= 6 else None
            if block:
                hit = process.extractOne(key, block.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
                if hit is not None:
                    return block[hit[0]], gettext("%(name)s is close to %(other)s (%(score)s%%)") % {
                        "name": repr(name), "other": repr(hit[0]), "score": f"{hit[1]:.0f}"}
        return None


def names_of(data: dict[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    """A row's Chinese name, English name and aliases, converted as services.converted_fields does."""
    text = services.text_value
    return text(data.get("name_zh")), text(data.get("name_en")), tuple(services._clean_aliases(data.get("aliases")))


class NameHelper:
    """Works out name_info() of the rows ahead of the row being checked, in a helper process.

    Pinyin, folding and search text are half of a new row's cost and depend on nothing but the names,
    so a second process (biopark.core.name_worker) works them out, from the end of the file backwards,
    while this one checks rows from the start and PostgreSQL indexes them. A row whose chunk has not
    come back is worked out here: nothing ever waits for the helper, and if it fails the import goes
    on without it.
    """

    CHUNK = 2000
    AHEAD = 4  # chunks sent but not yet answered

    def __init__(self, items: list[tuple[str, str, tuple[str, ...]] | None]):
        self.items = items
        self.results: dict[int, list[NameInfo]] = {}
        self.position = 0  # the row this process is checking
        self.used = 0
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "biopark.core.name_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self.answered = threading.Semaphore(self.AHEAD)
        self.sender = threading.Thread(target=self._send, daemon=True, name="import-name-sender")
        self.receiver = threading.Thread(target=self._receive, daemon=True, name="import-name-receiver")
        self.sender.start()
        self.receiver.start()

    def _send(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        try:
            # From the last chunk backwards: this process works forwards from the first, and the two
            # meet somewhere in the middle without ever doing the same chunk.
            for start in reversed(range(0, len(self.items), self.CHUNK)):
                self.answered.acquire()
                if start <= self.position:
                    return  # this process has reached the chunks still to do
                chunk = [item or ("", "", ()) for item in self.items[start : start + self.CHUNK]]
                pickle.dump((start // self.CHUNK, chunk), stdin, protocol=pickle.HIGHEST_PROTOCOL)
                stdin.flush()
        except (OSError, ValueError):  # the helper is gone (or closed): rows are worked out here
            pass
        finally:
            with contextlib.suppress(OSError, ValueError):
                stdin.close()

    def _receive(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            while True:
                number, infos = pickle.load(stdout)
                self.results[number] = infos
                self.answered.release()
        except (EOFError, OSError, ValueError, pickle.UnpicklingError):
            pass

    def get(self, index: int, names: tuple[str, str, tuple[str, ...]]) -> NameInfo | None:
        self.position = index
        chunk = self.results.get(index // self.CHUNK)
        if chunk is None or self.items[index] != names:
            return None
        self.used += 1
        return chunk[index % self.CHUNK]

    def close(self) -> None:
        self.position = len(self.items)
        self.answered.release(self.AHEAD)  # let the sender see that nothing more is needed
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError, ValueError):
                    stream.close()

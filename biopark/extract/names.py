"""Known names: every registry name, alias, traditional and pinyin form, found with one Aho-Corasick pass.

Latin names match case-insensitively on word boundaries; short all-capital acronyms (CMC, GE) only in
capitals, so "ge" inside a sentence is not General Electric. Garbled romanisations are caught afterwards
by `fuzzy_person`, which compares a candidate name with the pinyin of every registry person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick
import opencc
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz

from .text import fold, has_cjk, is_word_char

ENTRY_TYPES = ("organisation", "park", "person", "platform", "project")
_S2T = opencc.OpenCC("s2t")


@dataclass(frozen=True)
class Entry:
    id: str
    type: str
    names: tuple[str, ...]

    @property
    def name_zh(self) -> str | None:
        return next((n for n in self.names if has_cjk(n)), None)

    @property
    def name_en(self) -> str | None:
        return next((n for n in self.names if not has_cjk(n)), None)


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    entry: Entry
    form: str  # 'name', 'traditional', 'pinyin'


def person_pinyin(name: str) -> list[str]:
    """'Kong Lei' and 'Lei Kong' for 孔磊 (surname first, then Western order); two-character surnames kept whole."""
    syllables = [s.capitalize() for s in lazy_pinyin(name)]
    if len(syllables) < 2:
        return []
    surname, given = syllables[0], "".join(syllables[1:]).capitalize()
    return [f"{surname} {given}", f"{given} {surname}"]


def _is_acronym(name: str) -> bool:
    return len(name) <= 5 and name.isupper() and name.isascii()


class NameIndex:
    """Registry names to match, built from (record id, type, names) tuples."""

    def __init__(self, entries: Iterable[tuple[str, str, Iterable[str]]] = ()):
        self.entries: dict[str, Entry] = {}
        self._forms: dict[str, list[tuple[Entry, str, str]]] = {}  # folded form -> (entry, form kind, original)
        for item in entries:
            self._add(*item)
        self._automaton = ahocorasick.Automaton()
        for key, payload in self._forms.items():
            self._automaton.add_word(key, (key, payload))
        if self._forms:
            self._automaton.make_automaton()

    def _add(self, id_: str, type_: str, names: Iterable[str]) -> None:
        if not isinstance(id_, str) or not id_:
            raise ValueError("id: a registry id must be a non-empty string")
        if type_ not in ENTRY_TYPES:
            raise ValueError(f"type: {type_!r} is not one of {', '.join(ENTRY_TYPES)}")
        clean = tuple(dict.fromkeys(n.strip() for n in names if isinstance(n, str) and n.strip()))
        entry = Entry(id_, type_, clean)
        self.entries[id_] = entry
        for name in clean:
            forms = [(name, "name")]
            if has_cjk(name):
                forms.append((_S2T.convert(name), "traditional"))
                if type_ == "person":
                    forms += [(p, "pinyin") for p in person_pinyin(name)]
            for form, kind in forms:
                if len(form) < 2 or (not has_cjk(form) and len(form) < 2):
                    continue
                bucket = self._forms.setdefault(fold(form), [])
                if all(e.id != id_ for e, _, _ in bucket):
                    bucket.append((entry, kind, form))

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str) -> list[Hit]:
        """Longest non-overlapping known names, left to right."""
        if not self._forms:
            return []
        folded = fold(text)
        candidates: list[tuple[int, int, Entry, str]] = []
        for end_index, (key, payload) in self._automaton.iter(folded):
            start, end = end_index - len(key) + 1, end_index + 1
            if not has_cjk(key) and (
                (start > 0 and is_word_char(folded[start - 1])) or (end < len(folded) and is_word_char(folded[end]))
            ):
                continue
            for entry, kind, original in payload:
                if _is_acronym(original) and text[start:end] != original:
                    continue
                candidates.append((start, end, entry, kind))
                break  # an ambiguous form goes to its first entry; the reviewer sees the match
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        hits: list[Hit] = []
        last_end = -1
        container: tuple[int, int, Entry] | None = None
        for start, end, entry, kind in candidates:
            if start >= last_end:
                hits.append(Hit(start, end, entry, kind))
                last_end = end
                container = (start, end, entry)
            elif (container and container[2].type in ("platform", "project") and entry.type in ("organisation", "park")
                  and end <= container[1] and not any(h.start < end and start < h.end and h.entry.type != "platform"
                                                      for h in hits)):
                # an organisation named inside a project's name ("… Plan of Tianfu Jincheng Laboratory") counts too
                hits.append(Hit(start, end, entry, kind))
        return hits

    def fuzzy_person(self, name: str, threshold: float = 82.0) -> tuple[Entry, float] | None:
        """The registry person whose name or pinyin is closest to `name`, when close enough."""
        best: tuple[Entry, float] | None = None
        target = fold(name)
        for entry in self.entries.values():
            if entry.type != "person":
                continue
            forms = [n for n in entry.names if not has_cjk(n)]
            for n in entry.names:
                if has_cjk(n):
                    forms += person_pinyin(n)
            for form in forms:
                score = fuzz.ratio(target, fold(form))
                if score >= threshold and (best is None or score > best[1]):
                    best = (entry, score)
        return best

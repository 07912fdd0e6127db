"""Text normalisation for bilingual search and duplicate detection.

A record's search text holds every form a user may type: simplified and traditional characters,
pinyin without tones (spaced and run together), English and aliases, all lower-cased. Queries are
normalised the same way, so "天府國際", "tianfu", "Tianfu International" and an alias all match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

_t2s = OpenCC("t2s")
_HAN = re.compile(r"[\u3400-\u9fff]")
_NON_WORD = re.compile(r"[^\w\u3400-\u9fff]+", re.UNICODE)
_SPACES = re.compile(r"\s+")

# Words that say what kind of legal entity a name is; they do not tell two organisations apart.
_LEGAL_SUFFIXES_EN = (
    "co ltd",
    "co., ltd.",
    "company limited",
    "limited",
    "ltd",
    "inc",
    "corp",
    "corporation",
    "llc",
    "gmbh",
    "plc",
    "co",
)
_LEGAL_SUFFIXES_ZH = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司")


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    return _t2s.convert(text) if has_han(text) else text


@lru_cache(maxsize=65536)
def pinyin_forms(text: str) -> tuple[str, str]:
    """Return (spaced, joined) toneless pinyin of the Han characters in ``text``."""
    simplified = to_simplified(text)
    syllables = [s for s in lazy_pinyin(simplified, style=Style.NORMAL, errors="ignore") if s.strip()]
    spaced = " ".join(syllables).lower()
    return spaced, spaced.replace(" ", "")


def fold(text: str) -> str:
    """Lower-case, NFKC-fold, simplify and collapse white space."""
    text = unicodedata.normalize("NFKC", text or "")
    text = to_simplified(text).lower()
    return _SPACES.sub(" ", text).strip()


def search_blob(*names: str | None, aliases: Iterable[str] = ()) -> str:
    """The denormalised text a record is searched by (stored, indexed)."""
    parts: list[str] = []
    for raw in [*names, *aliases]:
        if not raw:
            continue
        folded = fold(raw)
        parts.append(folded)
        if has_han(folded):
            spaced, joined = pinyin_forms(folded)
            parts.extend([spaced, joined])
        else:
            compact = _NON_WORD.sub("", folded)
            if compact != folded:
                parts.append(compact)
    seen: dict[str, None] = {}
    for part in parts:
        seen.setdefault(part, None)
    return " | ".join(seen)


def query_terms(query: str) -> list[str]:
    """Split a user's query into normalised terms that must all occur in the search text."""
    folded = fold(query)
    terms = [t for t in _SPACES.split(folded) if t]
    return terms[:8]


def match_key(name: str) -> str:
    """A language-neutral key for duplicate detection: Latin letters and digits only.

    Chinese names become toneless pinyin, legal-form suffixes are dropped, punctuation removed.
    """
    folded = fold(name)
    for suffix in _LEGAL_SUFFIXES_ZH:
        if folded.endswith(suffix) and len(folded) > len(suffix) + 1:
            folded = folded[: -len(suffix)]
            break
    folded = _NON_WORD.sub(" ", folded).strip()
    words = folded.split()
    while words and " ".join(words[-2:]) in _LEGAL_SUFFIXES_EN:
        words = words[:-2]
    while words and words[-1] in _LEGAL_SUFFIXES_EN:
        words = words[:-1]
    folded = " ".join(words)
    if has_han(folded):
        folded = pinyin_forms(folded)[1] + _NON_WORD.sub("", re.sub(_HAN, "", folded))
    return _NON_WORD.sub("", folded)


_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")


def han_bigrams(blob: str) -> str:
    """ " 亦庄 庄生 " for "亦庄生": every adjacent pair of Chinese characters, padded with spaces."""
    grams: dict[str, None] = {}
    for run in _HAN_RUN.findall(blob):
        for i in range(len(run) - 1):
            grams.setdefault(run[i : i + 2], None)
    return f" {' '.join(grams)} " if grams else ""


def is_han_pair(term: str) -> bool:
    return len(term) == 2 and all("\u3400" <= ch <= "\u9fff" for ch in term)

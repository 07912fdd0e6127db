"""Text normalisation for bilingual search and duplicate detection.

A record's search text holds every form a user may type: simplified characters, pinyin without
tones (run together), English and aliases, all lower-cased. Queries are
normalised the same way, so "天府國際", "tianfu", "Tianfu International" and an alias all match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from typing import NamedTuple

from opencc import OpenCC
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT
from pypinyin.seg.mmseg import seg as _mmseg

_t2s = OpenCC("t2s")
_HAN = re.compile(r"[\u3400-\u9fff]")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_NON_WORD = re.compile(r"[^\w\u3400-\u9fff]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s\u3400-\u9fff]+", re.UNICODE)

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


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Characters OpenCC's t2s dictionary changes; text without any of them is already simplified."""
    import os

    import opencc

    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary", "TSCharacters.txt")
    found = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            source, _, targets = line.rstrip("\n").partition("\t")
            if source and targets.split(" ")[0] != source:
                found.add(source)
    return frozenset(found)


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    # OpenCC (phrase-aware) is slow; most names contain no traditional character at all.
    if not has_han(text) or _traditional_chars().isdisjoint(text):
        return text
    return _t2s.convert(text)


@cache
def _toneless(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable.replace("ü", "v"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _syllables(text: str) -> list[str]:
    """Toneless pinyin of the Han characters, phrase-aware (重庆 is chong qing, not zhong qing).

    The same segmentation and dictionaries as pypinyin's lazy_pinyin, without its per-character style
    machinery, which made imports of 100,000 names spend most of their time here.
    """
    out: list[str] = []
    for run in _HAN_RUN.findall(text):
        for word in _words(run):
            out.extend(_word_syllables(word))
    return out


def _words(run: str) -> list[str]:
    """The words of a run of Han characters as pypinyin's default segmenter cuts them
    (`pypinyin.seg.mmseg.seg.cut`: forward maximum matching, phrases only): from each position, the
    longest known phrase among the strings whose every prefix begins some phrase, else one character.
    A plain loop over pypinyin's own prefix set and phrase table, twice as fast as its generator;
    tests/core/test_text.py checks that both cut the same way."""
    prefixes = _mmseg._prefix_set._set
    words: list[str] = []
    start, end = 0, len(run)
    while start < end:
        stop, best = start + 1, 0
        while stop <= end and run[start:stop] in prefixes:
            if run[start:stop] in PHRASES_DICT:
                best = stop
            stop += 1
        if best:
            words.append(run[start:best])
            start = best
        elif stop > end:  # the rest begins a phrase but holds none: pypinyin gives it char by char
            words.extend(run[start:])
            break
        else:
            words.append(run[start])
            start += 1
    return words


@lru_cache(maxsize=65536)
def _word_syllables(word: str) -> tuple[str, ...]:
    # Names are made of few distinct words (城市, 生物, 医药, 科技, 有限公司): read each once.
    phrase = PHRASES_DICT.get(word) if len(word) > 1 else None
    if phrase is not None and len(phrase) == len(word):
        return tuple(_toneless(readings[0]) for readings in phrase)
    out = []
    for ch in word:
        readings = PINYIN_DICT.get(ord(ch))
        if readings:
            out.append(_toneless(readings.split(",", 1)[0]))
    return tuple(out)


@lru_cache(maxsize=65536)
def pinyin_forms(text: str) -> tuple[str, str]:
    """Return (spaced, joined) toneless pinyin of the Han characters in ``text``."""
    spaced = " ".join(_syllables(to_simplified(text)))
    return spaced, spaced.replace(" ", "")


@lru_cache(maxsize=262144)
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
            # Pinyin of the name without its legal form, then of the form: match_key() reuses the first.
            # Only the run-together pinyin is stored: a spaced query ("tian fu") is split into terms
            # that each match it, and fewer trigrams keep PostgreSQL's index small and cheap to update.
            stem, suffix = split_legal_suffix(folded)
            joined = pinyin_forms(stem)[1] + (pinyin_forms(suffix)[1] if suffix else "")
            parts.append(joined)
        else:
            # "bio-city" is also found as "biocity", "co.,ltd" as "coltd". Words the name separates by
            # spaces stay apart: gluing them ("shenzhenbiotechbranch") added a fifth of a record's
            # trigrams to index for queries nobody types.
            compact = _SPACES.sub(" ", _PUNCTUATION.sub("", folded)).strip()
            if compact != folded:
                parts.append(compact)
    seen: dict[str, None] = {}
    for part in parts:
        seen.setdefault(part, None)
    return " | ".join(seen)


def split_legal_suffix(folded: str) -> tuple[str, str]:
    """("康诺亚生物医药科技", "有限公司") for "康诺亚生物医药科技有限公司"; (text, "") without a legal form."""
    for suffix in _LEGAL_SUFFIXES_ZH:
        if folded.endswith(suffix) and len(folded) > len(suffix) + 1:
            return folded[: -len(suffix)], suffix
    return folded, ""


def query_terms(query: str) -> list[str]:
    """Split a user's query into normalised terms that must all occur in the search text."""
    folded = fold(query)
    terms = [t for t in _SPACES.split(folded) if t]
    return terms[:8]


@lru_cache(maxsize=65536)
def match_key(name: str) -> str:
    """A language-neutral key for duplicate detection: Latin letters and digits only.

    Chinese names become toneless pinyin, legal-form suffixes are dropped, punctuation removed.
    """
    folded, _suffix = split_legal_suffix(fold(name))
    if has_han(folded):
        return pinyin_forms(folded)[1] + _NON_WORD.sub("", _HAN.sub("", folded))
    folded = _NON_WORD.sub(" ", folded).strip()
    words = folded.split()
    while words and " ".join(words[-2:]) in _LEGAL_SUFFIXES_EN:
        words = words[:-2]
    while words and words[-1] in _LEGAL_SUFFIXES_EN:
        words = words[:-1]
    return _NON_WORD.sub("", " ".join(words))



def han_bigrams(blob: str) -> str:
    """ " 亦庄 庄生 " for "亦庄生": every adjacent pair of Chinese characters, padded with spaces."""
    grams: dict[str, None] = {}
    for run in _HAN_RUN.findall(blob):
        for i in range(len(run) - 1):
            grams.setdefault(run[i : i + 2], None)
    return f" {' '.join(grams)} " if grams else ""


def is_han_pair(term: str) -> bool:
    return len(term) == 2 and all("\u3400" <= ch <= "\u9fff" for ch in term)


def clear_caches() -> None:
    """Forget every memoised conversion (benchmarks use this to measure a cold start)."""
    for cached in (to_simplified, pinyin_forms, fold, match_key, _word_syllables):
        cached.cache_clear()


class NameInfo(NamedTuple):
    """Everything search and duplicate detection derive from a record's names, computed once.

    `folds` and `keys` hold fold() and match_key() of each name in the order name_zh, name_en,
    aliases ("" for an empty name)."""

    folds: tuple[str, ...]
    keys: tuple[str, ...]
    search_text: str
    search_grams: str
    main_key: str  # match_key() of the main name: the Chinese one, else the English one


def name_info(name_zh: str, name_en: str, aliases: Sequence[str]) -> NameInfo:
    names = (name_zh, name_en, *aliases)
    search_text = search_blob(name_zh, name_en, aliases=aliases)
    return NameInfo(
        folds=tuple(fold(n) if n else "" for n in names),
        keys=tuple(match_key(n) if n else "" for n in names),
        search_text=search_text,
        search_grams=han_bigrams(search_text),
        main_key=match_key(name_zh or name_en),
    )


def name_infos(items: Sequence[tuple[str, str, Sequence[str]]]) -> list[NameInfo]:
    """name_info() of many records (run in a helper process by large imports)."""
    return [name_info(*item) for item in items]

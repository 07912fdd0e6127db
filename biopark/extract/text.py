"""Small text helpers shared by the rules: script detection, length-preserving lower-casing, sentences."""

from __future__ import annotations

import re
from collections.abc import Iterator

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# A full stop ends a sentence unless it ends an abbreviation (Co., Ltd., Dr.) that names continue after.
_ABBREVIATIONS = "".join(rf"(?<!\b{a})" for a in ("Co", "Ltd", "LTD", "Inc", "Corp", "Dr", "Mr", "Ms", "Mrs", "St", "No",
                                                  "Prof", "Jr", "vs"))
# "Zone.As the only …": machine-translated text often drops the space after a full stop.
_SENTENCE_END = re.compile(rf"[。！？；;!?\n]+|(?<=[a-z0-9\)]){_ABBREVIATIONS}\.(?=\s+[A-Z\"“(])|(?<=[a-z]{{2}})\.(?=[A-Z][a-z])|"
                           r"\.\s*$")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def language_of(text: str) -> str:
    """'zh', 'en' or 'mixed' from the share of Chinese characters among letters."""
    cjk = len(_CJK.findall(text))
    latin_words = len(re.findall(r"[A-Za-z]{2,}", text))
    if cjk + latin_words == 0:
        return "en"
    share = cjk / (cjk + latin_words * 2)  # a word weighs about two characters of Chinese
    if share > 0.85:
        return "zh"
    if share < 0.15:
        return "en"
    return "mixed"


def fold(text: str) -> str:
    """Lower-case without changing the length, so offsets into the folded text are offsets into `text`."""
    lowered = text.lower()
    if len(lowered) == len(text):  # nearly always; only a few letters (İ) grow when lower-cased
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """[start, end) of each sentence; Chinese and English sentence ends and line breaks all split."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            yield start, m.end()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def is_word_char(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c == "_")

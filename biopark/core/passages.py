"""Where a cited passage is read from. A citation names a source and a character span; the source's text
lives wherever the app that made the source keeps it (the corpus folder, a news document, ...). Each such
app registers a provider here in its AppConfig.ready, so a record page shows every passage without the
registry importing the apps above it.

A provider takes the reader and a list of citations and returns, keyed by citation id, the passages it can
read and the reader may see, in a fixed number of queries whatever the number of citations."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from biopark.core.models import Citation

# Characters shown on each side of the cited span, so a reader sees the sentence around it.
CONTEXT = 60


@dataclass(frozen=True)
class Passage:
    before: str  # context before the span ("…" prefixed when cut)
    text: str  # the cited span itself, shown highlighted
    after: str
    link: str = ""  # the page of the source document, when it has one on this site


Provider = Callable[[Any, list[Citation]], dict[int, Passage]]

_providers: dict[str, Provider] = {}


def register_passage_provider(key: str, provider: Provider) -> None:
    """Registers (or replaces, when `ready` runs twice) the provider known as `key`."""
    _providers[key] = provider


def has_span(citation: Citation) -> bool:
    return citation.span_start is not None and citation.span_end is not None and citation.span_start < citation.span_end


def cut(text: str, start: int, end: int, context: int = CONTEXT) -> Passage | None:
    """The span of `text` with some context either side; None when the span lies outside the text."""
    if not 0 <= start < end <= len(text):
        return None
    left, right = max(0, start - context), min(len(text), end + context)
    before = ("…" if left > 0 else "") + text[left:start]
    after = text[end:right] + ("…" if right < len(text) else "")
    return Passage(before, text[start:end], after)


def passages_for(user: Any, citations: Iterable[Citation]) -> dict[int, Passage]:
    """The passages of `citations` that some provider can read for `user`, by citation id."""
    pending = [c for c in citations if has_span(c)]
    found: dict[int, Passage] = {}
    for provider in _providers.values():
        if not pending:
            break
        found.update(provider(user, pending))
        pending = [c for c in pending if c.pk not in found]
    return found


def with_passages(user: Any, citations: list[Citation]) -> list[tuple[Citation, Passage | None]]:
    """Each citation beside its passage (None when no provider could read it), in the given order."""
    found = passages_for(user, citations)
    return [(c, found.get(c.pk)) for c in citations]

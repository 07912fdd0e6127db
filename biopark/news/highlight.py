"""A document's text cut into segments for the review page: each segment knows which proposals' passages
cover it, so the page marks them (overlapping passages included) without any script."""

from __future__ import annotations

from dataclasses import dataclass, field

from biopark.news.models import Proposal


@dataclass
class Segment:
    text: str
    proposals: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # proposals whose passage begins here (anchors)


def segments(text: str, proposals: list[Proposal]) -> list[Segment]:
    spans = [(p.pk, p.span_start, p.span_end) for p in proposals
             if p.span_start is not None and p.span_end is not None and 0 <= p.span_start < p.span_end <= len(text)]
    cuts = sorted({0, len(text), *(s for _pk, s, _e in spans), *(e for _pk, _s, e in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [pk for pk, s, e in spans if s <= a and b <= e]
        starts = [pk for pk, s, _e in spans if s == a]
        out.append(Segment(text[a:b], covering, starts))
    return out

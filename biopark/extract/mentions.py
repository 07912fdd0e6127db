"""A name found in the text: known (its registry id in `match`) or new (found by a rule)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Mention:  # a name found in the text, known (match set) or new
    start: int
    end: int
    kind: str  # organisation | person | project
    surface: str
    match: str | None
    confidence: float
    canonical: tuple[str | None, str | None] = (None, None)  # (zh, en)
    alias_of: str | None = None
    key: str | None = None  # for a short form (和瑞生物, "Greenleaf"): the entity key of the full name it stands for

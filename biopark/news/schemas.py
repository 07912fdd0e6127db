"""API schemas of the news app."""

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from biopark.core.schema_types import text as limited


class DocumentIn(Schema):
    """Pasted text, or a file as base64 with its name (its type comes from the name)."""

    text: str = Field("", max_length=2_000_000)
    file_name: limited(255) = ""  # type: ignore[valid-type]
    content_base64: str = ""
    title: limited(500) = ""  # type: ignore[valid-type]
    publisher: limited(300) = ""  # type: ignore[valid-type]
    url: limited(1000) = ""  # type: ignore[valid-type]
    published: limited(10) = ""  # type: ignore[valid-type]
    language: limited(5) = ""  # type: ignore[valid-type]


class DocumentOut(Schema):
    id: int
    title: str
    publisher: str
    url: str
    published: str
    language: str
    kind: str
    park_id: int | None
    ingested_by: str
    ingested_at: dt.datetime
    open_count: int
    accepted_count: int


class DocumentDetailOut(DocumentOut):
    text: str


class ProposalOut(Schema):
    id: int
    document_id: int
    type: str
    fields: dict[str, Any]
    span: list[int] | None
    confidence: float
    match: str | None
    status: str
    reviewer: str
    reviewed_at: dt.datetime | None
    record: str | None


class AcceptIn(Schema):
    """Empty to accept as proposed; `fields` (the review form's names) to accept an edited version."""

    fields: dict[str, str] | None = None


class AcceptAboveIn(Schema):
    threshold: float = Field(..., ge=0, le=1)

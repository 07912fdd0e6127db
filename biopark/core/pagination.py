"""Page pagination shared by every list endpoint: ?page=1&page_size=50 (at most 200)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from ninja import Schema

from biopark.core.errors import ValidationFailed

T = TypeVar("T")


class Page(Schema, Generic[T]):
    count: int
    page: int
    page_size: int
    results: list[T]


def paginate(qs: QuerySet, page: int, page_size: int) -> dict[str, Any]:
    if page < 1:
        raise ValidationFailed("page must be 1 or more", field="page")
    limit = settings.BIOPARK_PAGE_SIZE_MAX
    if not 1 <= page_size <= limit:
        raise ValidationFailed(f"page_size must be between 1 and {limit}", field="page_size")
    start = (page - 1) * page_size
    return {"count": qs.count(), "page": page, "page_size": page_size, "results": list(qs[start : start + page_size])}

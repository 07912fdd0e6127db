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
    count_exact: bool
    page: int
    page_size: int
    results: list[T]


# Counting every match of a common search term costs more than the page itself; past this many the
# answer says "at least" (count_exact false), as search engines do.
COUNT_CAP = 1_000


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    found = qs.order_by().values("pk")[: cap + 1].count()
    return (cap, False) if found > cap else (found, True)


def paginate(qs: QuerySet, page: int, page_size: int) -> dict[str, Any]:
    if page < 1:
        raise ValidationFailed("page must be 1 or more", field="page")
    limit = settings.BIOPARK_PAGE_SIZE_MAX
    if not 1 <= page_size <= limit:
        raise ValidationFailed(f"page_size must be between 1 and {limit}", field="page_size")
    start = (page - 1) * page_size
    results = list(qs[start : start + page_size])
    if page == 1 and len(results) < page_size:
        # The whole answer is on this page: no second query to count it.
        count, exact = len(results), True
    else:
        count, exact = capped_count(qs)
    return {
        "count": count,
        "count_exact": exact,
        "page": page,
        "page_size": page_size,
        "results": results,
    }

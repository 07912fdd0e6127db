"""Page pagination shared by every list endpoint: ?page=1&page_size=50 (at most 200)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
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
COUNT_CAP = 200
MAX_OFFSET = 10_000_000


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    found = qs.order_by().values("pk")[: cap + 1].count()
    return (cap, False) if found > cap else (found, True)


def _related_paths(tree: dict[str, Any], prefix: str = "") -> list[str]:
    paths = []
    for name, sub in tree.items():
        path = f"{prefix}{name}"
        paths.extend(_related_paths(sub, f"{path}__") if sub else [path])
    return paths


def _rows_by_pk(qs: QuerySet, ids: list[Any]) -> QuerySet:
    """The rows with these ids, loaded like `qs` (same joins and prefetches) but without its filters,
    which have already been applied and may be costly to evaluate again."""
    if qs.query.annotations or qs.query.extra_select:
        return qs.filter(pk__in=ids)  # annotations must be computed the same way
    rows = qs.model._default_manager.filter(pk__in=ids)
    related = qs.query.select_related
    if related is True:
        rows = rows.select_related()
    elif isinstance(related, dict) and related:
        rows = rows.select_related(*_related_paths(related))
    return rows.prefetch_related(*getattr(qs, "_prefetch_related_lookups", ()))


def paginate(
    qs: QuerySet,
    page: int,
    page_size: int,
    rows: Callable[[list[Any]], list[Any]] | None = None,
    count_cap: int | None = COUNT_CAP,
) -> dict[str, Any]:
    """A page of `qs`. `rows`, when given, turns the page's ids into its results (plain dicts, say),
    for lists hot enough that building model instances matters. With `count_cap`, counting stops
    there (count_exact is then false); without, the count is exact."""
    if page < 1:
        raise ValidationFailed(_("page must be 1 or more"), field="page")
    limit = settings.BIOPARK_PAGE_SIZE_MAX
    if not 1 <= page_size <= limit:
        raise ValidationFailed(_("page_size must be between 1 and %(limit)d") % {"limit": limit}, field="page_size")
    start = (page - 1) * page_size
    if start > MAX_OFFSET:
        raise ValidationFailed(_("page is too far: at most %(n)s records can be skipped") % {"n": f"{MAX_OFFSET:,}"},
                               field="page")
    if count_cap is not None and start + page_size <= count_cap:
        # One search over the matches gives both the count (up to the cap) and this page's ids; the
        # page's rows are then read by primary key. A search term is evaluated once, not twice.
        ids = list(qs.values_list("pk", flat=True)[: count_cap + 1])
        count, exact = min(len(ids), count_cap), len(ids) <= count_cap
        page_ids = ids[start : start + page_size]
    else:
        page_ids = list(qs.values_list("pk", flat=True)[start : start + page_size])
        if count_cap is None:
            count, exact = qs.count(), True
        else:
            count, exact = capped_count(qs, count_cap)
    if not page_ids:
        results: list[Any] = []
    elif rows is not None:
        results = rows(page_ids)
    else:
        position = {pk: i for i, pk in enumerate(page_ids)}
        results = sorted(_rows_by_pk(qs, page_ids), key=lambda obj: position[obj.pk])
    return {
        "count": count,
        "count_exact": exact,
        "page": page,
        "page_size": page_size,
        "results": results,
    }

"""Reads about a user's own credentials (the account page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from biopark.accounts.models import ApiToken, FeedToken, Profile

# With no visit recorded yet, "since last visit" means the last week.
FIRST_VISIT_LOOKBACK = dt.timedelta(days=7)


def api_tokens_of(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def feed_tokens_of(*, user: Any) -> QuerySet[FeedToken]:
    return FeedToken.objects.filter(user=user).order_by("-created_at", "-id")


def since_last_visit(*, user: Any, now: dt.datetime | None = None) -> dt.datetime:
    """Where "new since your last visit" starts for this user: the start of the visit before the current one,
    or a week ago for a first visit."""
    now = now or timezone.now()
    fallback = now - FIRST_VISIT_LOOKBACK
    if not getattr(user, "is_authenticated", False):
        return fallback
    row = Profile.objects.filter(user_id=user.pk).values_list("home_visit_at", "home_previous_visit_at").first()
    if row is None:
        return fallback
    return row[1] or fallback

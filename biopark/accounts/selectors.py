"""Reads about a user's own credentials (the account page)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from biopark.accounts.models import ApiToken, FeedToken


def api_tokens_of(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def feed_tokens_of(*, user: Any) -> QuerySet[FeedToken]:
    return FeedToken.objects.filter(user=user).order_by("-created_at", "-id")

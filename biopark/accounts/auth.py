"""API authentication: a bearer token, or the browser's session (with its CSRF check on writes).
Requests with neither go through as anonymous; the policy then decides what they may see."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.utils import check_csrf

from biopark.accounts.models import ApiToken, hash_token
from biopark.accounts.services import api_token_create
from biopark.core.fastread import JoinedSelect

# Every API call with a token runs this lookup: its SQL is built once (see biopark.core.fastread).
_TOKEN = JoinedSelect(ApiToken, ["user", "user__profile"], by="token_hash")


class OptionalAuth:
    """Returns the user (or AnonymousUser); returns None only for a bad token, which means 401."""

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, raw = header.partition(" ")
            if scheme.lower() != "bearer" or not raw.strip():
                return None
            token = _TOKEN.first(hash_token(raw.strip()))
            if token is None or not token.user.is_active:
                return None
            now = timezone.now()
            # Recording every use would make each read a write; once a minute is enough to audit.
            if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            request.user = token.user
            return token.user
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                error = check_csrf(request)
                if error:
                    return None
            return user
        return AnonymousUser()


def token_create(*, user: Any, name: str = "default") -> str:
    """Make a token for `user` and return its raw value (shown once, stored hashed); see
    biopark.accounts.services.api_token_create."""
    return api_token_create(actor=user, name=name)[1]

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from biopark.accounts.auth import token_create


@login_required
def token_page(request: HttpRequest) -> HttpResponse:
    """Make an API token for the signed-in user; its value is shown once."""
    raw = token_create(user=request.user, name="web") if request.method == "POST" else None
    tokens = request.user.api_tokens.all()  # type: ignore[union-attr]
    return render(request, "accounts/token.html", {"raw": raw, "tokens": tokens})

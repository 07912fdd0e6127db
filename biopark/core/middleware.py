"""Pages answer a DomainError that a view let through (a bad query parameter, a refused action) with an
error page carrying its status and message, never with a server error. The API has its own handlers
(biopark.core.api_errors) and is left alone here."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from biopark.core.errors import DomainError


class DomainErrorPages:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, DomainError) or request.path.startswith("/api/"):
            return None
        return render(request, "error.html", {"message": exc.message, "fields": exc.fields}, status=exc.status)

"""Pages answer a DomainError that a view let through (a bad query parameter, a refused action) with an
error page carrying its status and message, never with a server error. The API has its own handlers
(biopark.core.api_errors); only its plain-text 405 is turned into the API's error format here."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from biopark.core import policy
from biopark.core.api_errors import error_body
from biopark.core.errors import DomainError


class RequestMemo:
    """What the permission core may remember for the length of one request (the park tree)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with policy.request_memo():
            return self.get_response(request)


class DomainErrorPages:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            # ninja answers a method a path does not offer in plain text; the API speaks one error format.
            allowed = response.get("Allow", "")
            answer = JsonResponse(
                error_body("method_not_allowed", _("This path does not accept %(method)s.") % {"method": request.method}),
                status=405,
            )
            if allowed:
                answer["Allow"] = allowed
            return answer
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, DomainError) or request.path.startswith("/api/"):
            return None
        return render(request, "error.html", {"message": exc.message, "fields": exc.fields}, status=exc.status)

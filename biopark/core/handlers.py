"""Django's error handlers (handler400/403/404/500 in biopark.urls): pages get a translated page with the
site's navigation; anything under /api/ gets the API's one error format, so an unknown API path or a
request Django refuses before the API sees it still answers JSON."""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from biopark.core import policy
from biopark.core.api_errors import error_body

log = logging.getLogger(__name__)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _api(code: str, message: str, status: int) -> HttpResponse:
    return JsonResponse(error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("The request could not be read.")
    if _is_api(request):
        return _api("bad_request", message, 400)
    return render(request, "error.html", {"message": message}, status=400)


def forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    """A page's refusal: visitors are sent to sign in first; a signed-in user reads the policy's reason."""
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    return render(request, "ecosystem/forbidden.html", {"reason": reason}, status=403)


def visible_or_404(request: HttpRequest, model: Any, pk: Any) -> Any:
    """The record, or 404 both when it does not exist and when the user may not see it (never tell which)."""
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None or not policy.decide(request.user, policy.VIEW, obj):
        raise Http404(_("No such record"))
    return obj


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("You may not do this.")
    if _is_api(request):
        return _api("forbidden", message, 403)
    return render(request, "ecosystem/forbidden.html", {"reason": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api("not_found", _("There is no such API path."), 404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _api("server_error", _("Something went wrong on our side; the error was logged."), 500)
    try:
        return render(request, "500.html", status=500)
    except Exception:  # the page itself failed (a broken database, say): answer plainly, never raise again
        log.exception("the 500 page could not be rendered")
        return HttpResponse(_("Server error"), status=500, content_type="text/plain; charset=utf-8")

"""One error format for the whole API:

    {"error": {"code": "validation_error", "message": "...", "fields": {"name_zh": "..."}}}
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from biopark.core.errors import DomainError, PreconditionFailed
from biopark.core.openapi import BodyNotAnObject
from biopark.core.validation_messages import translated_message

log = logging.getLogger(__name__)


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        response = api.create_response(request, error_body(exc.code, exc.message, exc.fields), status=exc.status)
        if isinstance(exc, PreconditionFailed) and exc.etag:
            response["ETag"] = exc.etag  # the version to merge against before sending again
        return response

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, str] = {}
        for err in exc.errors:
            loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload", "data")]
            message = translated_message(err)
            fields[".".join(loc) or "body"] = message
            if len(loc) > 1:
                # The field itself is named too ("stages" beside "stages.0"), so a form can show it there.
                fields.setdefault(loc[0], message)
        first = next(iter(fields.items()), ("body", _("This value is not valid.")))
        # The field keeps its API name (a key of the request, like a URL's parameter); the message is translated.
        message = _("%(field)s: %(message)s") % {"field": first[0], "message": first[1]}
        return api.create_response(request, error_body("validation_error", message, fields), status=422)

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, error_body("unauthorized", _("A valid API token or session is required.")), status=401
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, BodyNotAnObject):  # valid JSON, but a list or a number: invalid input
            message = _("The body must be a JSON object.")
            return api.create_response(
                request, error_body("validation_error", message, {"body": message}), status=422
            )
        return api.create_response(request, error_body("http_error", _("The request could not be handled (HTTP %(status)s).") % {"status": exc.status_code}), status=exc.status_code)

    @api.exception_handler(OverflowError)
    @api.exception_handler(DataError)
    def out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A number or text the database cannot hold (an id of 30 digits, say) is the caller's mistake.
        return api.create_response(
            request, error_body("validation_error", _("A value is out of the range the database can store.")), status=422
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Whatever a handler did not foresee still answers in the one format (and is logged with its trace).
        log.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return api.create_response(
            request, error_body("server_error", _("Something went wrong on our side; the error was logged.")), status=500
        )

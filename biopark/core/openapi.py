"""What the API promises in its OpenAPI document, and the JSON body rule.

- `ObjectBodyParser`: a query parameter given twice where one value is expected is refused (422), and
  every JSON request body of this API is an object. ninja hands a list (or a number) to an
  all-optional schema as if it were an object with no attributes, so `PATCH [...]` used to succeed as an
  empty change; the parser refuses it and the error handler answers 422 naming "body".
- `BioParkAPI`: the document declares the bearer token scheme (Swagger's "Authorize" button), that each
  operation may also be called without it (anonymous callers see what is public), and the error responses
  every operation may give, in the one error format.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import get_language
from ninja import NinjaAPI
from ninja.parser import Parser


class BodyNotAnObject(ValueError):
    """A JSON body that is valid JSON but not an object."""


_JSON_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true or false",
               type(None): "null"}


class ObjectBodyParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise BodyNotAnObject(f"the body must be a JSON object, not {_JSON_KINDS.get(type(data), 'this')}")
        return data

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> dict[str, Any]:
        """A parameter given twice where one value is expected (`?park=1&park=2`) is passed on as the list it
        is, so validation refuses it (422 naming it) instead of silently keeping the last value."""
        result: dict[str, Any] = {}
        for key in data:
            values = data.getlist(key)
            result[key] = values if key in list_fields or len(values) > 1 else values[0]
        return result


ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "description": "machine-readable: validation_error, not_found, ..."},
                "message": {"type": "string", "description": "what went wrong, for a person"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "the fields (or query parameters) at fault, each with its message",
                },
            },
        }
    },
}

# Which errors an operation may answer, by HTTP method. Reads: a bad parameter (400/422), a bad token (401),
# a refusal (403), a missing or hidden record (404). Writes add conflicts (409) and stale versions (412).
ERRORS = {
    400: "The request could not be read (a body that is not JSON).",
    401: "The bearer token is unknown, revoked or its user is inactive.",
    403: "The caller may not do this.",
    404: "No such record, or one the caller may not see (the two answers are the same).",
    409: "The change conflicts with the record's state (a taken slot, a transition not allowed now).",
    412: "If-Match names a version that is no longer current: read the record again.",
    422: "A field or parameter is invalid; `fields` names each one.",
}
READ_ERRORS = (400, 401, 403, 404, 422)
WRITE_ERRORS = (400, 401, 403, 404, 409, 412, 422)
SCHEME = "bearerAuth"


def _copy(value: Any) -> Any:
    """A copy of the document's dicts and lists (the leaves are immutable), so a caller that edits its
    answer cannot change the next caller's; copy.deepcopy would also copy the API the document refers to."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


class BioParkAPI(NinjaAPI):
    """The document is built once per process for each mount path and language: building it walks every
    operation's pydantic models (~0.5 s), and what it describes changes only with the code, never with the
    data, so another process's writes cannot make a cached copy stale. Each caller gets its own copy."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[tuple[str, str], Any] = {}
        self._schemas_lock = threading.Lock()

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (get_language() or "", path_prefix)
        with self._schemas_lock:
            schema = self._schemas.get(key)
            if schema is None:
                schema = self._schemas[key] = self._build_openapi_schema(path_prefix)
        return _copy(schema)

    def _build_openapi_schema(self, path_prefix: str) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        # ninja names the scheme after the auth class; one well-known name reads better in Swagger.
        components["securitySchemes"] = {
            SCHEME: {
                "type": "http",
                "scheme": "bearer",
                "description": "An API token: `Authorization: Bearer <token>` (make one on /accounts/token/ "
                "or with `biopark token USER`). A signed-in browser session works too.",
            }
        }
        error_ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path_item in schema.get("paths", {}).values():
            for method, operation in path_item.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                # The token is optional: without it the caller is anonymous and sees what is public.
                operation["security"] = [{SCHEME: []}, {}]
                codes = READ_ERRORS if method in ("get", "head") else WRITE_ERRORS
                responses = operation["responses"]
                for code in codes:
                    responses.setdefault(code, {"description": ERRORS[code], "content": error_ref})
        return schema

"""Field types for API schemas that document and check what a field accepts.

- `choice(values)`: a string that must be one of `values`; the OpenAPI schema lists them as an enum.
- `documented(values)`: the same enum in the schema, without a check (for responses: what the database
  holds was checked when it was written, and a response must never fail on the way out).
- `SafeText` / `text(n)`: free text a query may carry: no control characters (PostgreSQL cannot store NUL),
  at most n characters (a search of 10,000 characters is not a search).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field, WithJsonSchema


def _values(values: Iterable[Any]) -> list[str]:
    return [str(v[0] if isinstance(v, list | tuple) else v) for v in values]


def choice(values: Iterable[Any]) -> Any:
    allowed = _values(values)

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(_("Choose one of: %(expected)s.") % {"expected": ", ".join(allowed)})
        return value

    return Annotated[str, AfterValidator(check), WithJsonSchema({"type": "string", "enum": allowed})]


def documented(values: Iterable[Any]) -> Any:
    return Annotated[str, WithJsonSchema({"type": "string", "enum": _values(values)})]


def _no_control(value: str) -> str:
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise ValueError(_("This text contains a control character that is not allowed."))
    return value


# The same rule in the OpenAPI schema, so that generated clients and tests know it.
NO_CONTROL = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]*$"


def text(max_length: int = 200) -> Any:
    return Annotated[
        str, Field(max_length=max_length, json_schema_extra={"pattern": NO_CONTROL}), AfterValidator(_no_control)
    ]


SafeText = text(200)

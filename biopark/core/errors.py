"""Domain errors that every interface turns into the same clear answer."""

from __future__ import annotations


class DomainError(Exception):
    """Base of errors a user caused and can fix."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields: dict[str, str] = dict(fields or {})
        if field:
            self.fields.setdefault(field, message)


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422


class PermissionRefused(DomainError):
    code = "forbidden"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


class PreconditionFailed(DomainError):
    """The record changed since the caller read it (its version is not the one the caller saw)."""

    code = "precondition_failed"
    status = 412

    def __init__(
        self, message: str, *, current_version: int, current: dict[str, object] | None = None, etag: str = ""
    ):
        super().__init__(message)
        self.current_version = current_version
        self.etag = etag
        self.current = dict(current or {})

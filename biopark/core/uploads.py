"""The limit on uploaded files (BIOPARK_MAX_UPLOAD_BYTES), applied while a file streams in.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE bounds a request's form fields, not its files. `LimitedUploadHandler`
(first in FILE_UPLOAD_HANDLERS) counts each file's bytes as they arrive; past the limit it passes nothing
more to the handlers that store files, and the request gets, in place of the file, an empty
`RefusedUpload` whose `size` is the file's real size. No code can read more than the limit of it, and
every view that takes a file refuses it with `check_size`, whose message names the limit in MB (reading
the stand-in raises the same refusal).
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext

from biopark.core.errors import ValidationFailed

MB = 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "BIOPARK_MAX_UPLOAD_BYTES", 50 * MB))


def megabytes(size: int) -> str:
    """A size in MB as a person reads it: "50", "2.5", "0.25"."""
    value = size / MB
    if value >= 10:
        return f"{value:.0f}"
    digits = 1 if value >= 1 else 6
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def too_large(size: int | None, limit: int, field: str = "file") -> ValidationFailed:
    if size:
        message = gettext("the file is %(size)s MB; the limit for uploads is %(limit)s MB") % {
            "size": megabytes(size),
            "limit": megabytes(limit),
        }
    else:
        message = gettext("the file is larger than the limit for uploads, %(limit)s MB") % {"limit": megabytes(limit)}
    return ValidationFailed(message, field=field)


class RefusedUpload(InMemoryUploadedFile):
    """Stands in for a file larger than the limit: it holds nothing; `size` tells how large it was.
    Reading it raises the refusal, so code that forgot `check_size` fails with the message instead of
    taking the file for an empty one."""

    refused = True

    def __init__(self, *, field_name: str, name: str, content_type: str | None, size: int):
        super().__init__(io.BytesIO(), field_name, name, content_type, size, None)
        self.limit = max_upload_bytes()

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        raise too_large(self.size, self.limit)

    def chunks(self, chunk_size: int | None = None) -> Any:
        raise too_large(self.size, self.limit)


class LimitedUploadHandler(FileUploadHandler):
    """Counts each uploaded file's bytes; past the limit it keeps counting but stores nothing more."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.limit = max_upload_bytes()
        self.received = 0
        self.over = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received = start + len(raw_data)
        if self.received > self.limit:
            self.over = True
        return None if self.over else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.over:
            return None  # the next handler (memory or temporary file) holds it
        return RefusedUpload(
            field_name=str(self.field_name), name=str(self.file_name or ""), content_type=self.content_type,
            size=self.received,
        )


def check_size(upload: UploadedFile, *, limit: int | None = None, field: str = "file") -> None:
    """Refuse a file larger than `limit` (by default the upload limit) before anything reads it."""
    limit = max_upload_bytes() if limit is None else min(limit, max_upload_bytes())
    if getattr(upload, "refused", False) or (upload.size or 0) > limit:
        raise too_large(upload.size, limit, field)

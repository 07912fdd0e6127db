"""Fetching a document from a link, only when settings.BIOPARK_FETCH_URLS is on (it is off by default: a
server that reaches out to any address a user types is a risk a park turns on knowingly)."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlparse

from django.conf import settings
from django.utils.translation import gettext as _

from biopark.core import uploads
from biopark.core.errors import ValidationFailed

TIMEOUT = 15


def enabled() -> bool:
    return bool(getattr(settings, "BIOPARK_FETCH_URLS", False))


def fetch(url: str) -> tuple[str, bytes]:
    """(file name with a type, bytes) of the page or file at `url`; a refusal naming the field `url`."""
    if not enabled():
        raise ValidationFailed(_("fetching links is turned off on this server; save the page and upload it, "
                                 "or paste its text"), field="url")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValidationFailed(_("give a link starting with http:// or https://"), field="url")
    limit = uploads.max_upload_bytes()
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 - scheme checked above
            data = response.read(limit + 1)
            kind = (response.headers.get_content_type() or "").lower()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ValidationFailed(_("the link could not be fetched (%(reason)s)") % {"reason": exc}, field="url") from exc
    if len(data) > limit:
        raise uploads.too_large(None, limit, "url")
    path = parsed.path.rsplit("/", 1)[-1] or "page"
    if kind == "application/pdf":
        return (path if path.lower().endswith(".pdf") else path + ".pdf"), data
    if "wordprocessingml" in kind:
        return (path if path.lower().endswith(".docx") else path + ".docx"), data
    if kind == "text/plain":
        return path + ".txt", data
    return path + ".html", data

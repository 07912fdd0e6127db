"""Checks on uploaded attachments: size, extension, and the file's first bytes agreeing with the extension."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from biopark.core import uploads
from biopark.core.errors import ValidationFailed

ALLOWED = ("pdf", "docx", "xlsx", "png", "jpg", "jpeg", "txt", "csv")


def max_bytes() -> int:
    """The largest attachment: its own limit, never more than the limit on every upload."""
    return min(int(getattr(settings, "BIOPARK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)), uploads.max_upload_bytes())


def _zip_has(content: bytes, prefix: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names)


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        try:
            content.decode("gb18030")
        except UnicodeDecodeError:
            return False
    return True


def check(name: str, content: bytes) -> str:
    """Return the file kind (its extension) or raise ValidationFailed naming the `file` field."""
    if not name or "." not in name:
        raise ValidationFailed(_("the file needs an extension: one of %(known)s") % {"known": ", ".join(ALLOWED)}, field="file")
    ext = name.rsplit(".", 1)[1].lower()
    if ext not in ALLOWED:
        raise ValidationFailed(
            _(".%(ext)s files are not accepted; use one of %(known)s") % {"ext": ext, "known": ", ".join(ALLOWED)}, field="file"
        )
    limit = max_bytes()
    if len(content) > limit:
        raise uploads.too_large(len(content), limit)
    if not content:
        raise ValidationFailed(_("the file is empty"), field="file")
    ok = {
        "pdf": lambda c: c.startswith(b"%PDF-"),
        "png": lambda c: c.startswith(b"\x89PNG\r\n\x1a\n"),
        "jpg": lambda c: c.startswith(b"\xff\xd8\xff"),
        "jpeg": lambda c: c.startswith(b"\xff\xd8\xff"),
        "docx": lambda c: c.startswith(b"PK\x03\x04") and _zip_has(c, "word/"),
        "xlsx": lambda c: c.startswith(b"PK\x03\x04") and _zip_has(c, "xl/"),
        "txt": _is_text,
        "csv": _is_text,
    }[ext](content)
    if not ok:
        raise ValidationFailed(_("the file's content is not a .%(ext)s file") % {"ext": ext}, field="file")
    return "jpg" if ext == "jpeg" else ext

"""A file a dry run checked, kept until the user imports it (after deciding on each proposed merge), so the
file need not be chosen again. The page carries a signed token naming the file and its owner."""

from __future__ import annotations

import secrets
from typing import Any

from django.core import signing
from django.utils.translation import gettext as _

from biopark.core.errors import ValidationFailed
from biopark.ecosystem.jobs import upload_dir

SALT = "biopark.import.staged"
MAX_AGE = 24 * 3600  # seconds a checked file may wait for its import


def _folder() -> Any:
    folder = upload_dir() / "staged"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save(user: Any, file_name: str, data: bytes) -> str:
    stored_as = secrets.token_hex(16)
    (_folder() / stored_as).write_bytes(data)
    return signing.dumps({"u": user.pk, "f": stored_as, "n": file_name}, salt=SALT)


def _unsign(user: Any, token: str) -> dict[str, Any]:
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature as exc:
        raise ValidationFailed(_("The checked file is no longer kept; choose the file again."), field="file") from exc
    if payload.get("u") != user.pk:
        raise ValidationFailed(_("The checked file is no longer kept; choose the file again."), field="file")
    return payload


def load(user: Any, token: str) -> tuple[str, bytes]:
    payload = _unsign(user, token)
    path = _folder() / str(payload["f"])
    if not path.is_file():
        raise ValidationFailed(_("The checked file is no longer kept; choose the file again."), field="file")
    return str(payload["n"]), path.read_bytes()


def discard(user: Any, token: str) -> None:
    payload = _unsign(user, token)
    (_folder() / str(payload["f"])).unlink(missing_ok=True)

"""E-mail in the recipient's language: each message is written (subject and body through translation) with
the recipient's language active, one message per recipient.

The recipient's language is the one they last chose on the site (Profile.language, kept by the language
switch); someone who never chose reads the site's default language (or, for mail sent to the person making
the request, such as a password reset, the language of that request)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation

logger = logging.getLogger(__name__)


def supported_language(code: str | None) -> str | None:
    """`code` as one of settings.LANGUAGES ("zh-hans", "en"), or None when the site does not offer it."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def recipient_language(user: Any, default: str | None = None) -> str:
    """The language `user` reads their mail in: their chosen one, else `default`, else the site's."""
    profile = getattr(user, "profile", None) if user is not None else None
    chosen = supported_language(getattr(profile, "language", "") or "")
    return chosen or supported_language(default) or settings.LANGUAGE_CODE


def send_to_users(users: Iterable[Any], build: Callable[[Any], tuple[str, str]], *,
                  from_email: str | None = None, default_language: str | None = None) -> int:
    """Send `build(user)` -> (subject, body) to each user with an address, built in the user's language.
    One bad address does not keep the others from being told. Returns how many messages were sent."""
    sent = 0
    seen: set[str] = set()
    for user in users:
        address = (getattr(user, "email", "") or "").strip()
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        with translation.override(recipient_language(user, default_language)):
            subject, body = build(user)
        try:
            sent += send_mail(" ".join(str(subject).split())[:200], str(body), from_email, [address])
        except Exception:  # one failing address must not stop the rest; the failure is logged
            logger.exception("e-mail to user %s failed", getattr(user, "pk", None))
    return sent

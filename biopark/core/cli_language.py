"""The language of the `biopark` commands' messages: the one the terminal asks for.

BIOPARK_LANGUAGE wins ("zh-hans", "en"); otherwise the POSIX locale (LC_ALL, LC_MESSAGES, LANG) decides: a
Chinese locale (zh_CN.UTF-8) gives Simplified Chinese, any other English, as command-line tools do."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar

from django.utils import translation

F = TypeVar("F", bound=Callable[..., Any])


def cli_language(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    chosen = env.get("BIOPARK_LANGUAGE", "").strip().lower().replace("_", "-")
    if chosen:
        return "zh-hans" if chosen.startswith("zh") else "en"
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").strip()
        if value:
            return "zh-hans" if value.lower().startswith("zh") else "en"
    return "en"


def speaks_terminal_language(handle: F) -> F:
    """A command's handle() with its messages (output and errors) in the terminal's language."""

    @functools.wraps(handle)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with translation.override(cli_language()):
            return handle(*args, **kwargs)

    return wrapper  # type: ignore[return-value]

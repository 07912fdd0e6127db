"""Texts the demo or the platform itself writes into single-language fields, shown in the reader's language.

A demo row's free-text field (a mandate's name, a lead's next action, a request's title) has one column, so the
demo stores the park's working language (Chinese) there. Each app registers, in its AppConfig.ready, what its
demo stores mapped to a translated message (English msgid, Chinese translation equal to the stored text);
pages show fields through the `stored` filter (biopark.core.templatetags.bilingual). A text a person typed
matches nothing and is shown exactly as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.functional import Promise

_TEXTS: dict[str, Promise | str] = {}
# Texts with a part that varies ("copied from asem v2"): the pattern's named groups fill the message.
_PATTERNS: list[tuple[re.Pattern[str], Promise | str]] = []


def register_demo_texts(texts: Mapping[str, Promise | str],
                        patterns: Iterable[tuple[re.Pattern[str], Promise | str]] = ()) -> None:
    _TEXTS.update(texts)
    _PATTERNS.extend(patterns)


def shown(value: Any) -> str:
    text = "" if value is None else str(value)
    if text in _TEXTS:
        return str(_TEXTS[text])
    for pattern, message in _PATTERNS:
        found = pattern.match(text)
        if found:
            return str(message) % found.groupdict()
    return text

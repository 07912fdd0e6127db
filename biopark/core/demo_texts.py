"""Texts the demo writes into single-language fields, shown in the reader's language.

A demo row's free-text field (a mandate's name, a lead's next action, a request's title) has one column, so the
demo stores the park's working language (Chinese) there. Each app registers, in its AppConfig.ready, what its
demo stores mapped to a translated message (English msgid, Chinese translation equal to the stored text);
pages show fields through the `stored` filter (biopark.core.templatetags.bilingual). A text a person typed
matches nothing and is shown exactly as typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise

_TEXTS: dict[str, Promise | str] = {}


def register_demo_texts(texts: Mapping[str, Promise | str]) -> None:
    _TEXTS.update(texts)


def shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return str(_TEXTS.get(text, text))

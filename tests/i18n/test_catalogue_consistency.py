"""One message, one meaning: Django merges every app's catalogue into one, so a message translated one way in
one app and another way in a second shows only one of them on both apps' pages ("Targets" as a park's goals
read 靶点, the pipeline's molecular targets). A message whose meaning differs between apps carries a context
(`pgettext`); one with the same meaning is translated the same everywhere."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import polib

BIOPARK = Path(__file__).resolve().parents[2] / "biopark"


def test_a_message_without_context_has_one_translation_in_every_catalogue():
    seen: dict[tuple[str | None, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for po_path in sorted(BIOPARK.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")):
        where = str(po_path.relative_to(BIOPARK).parts[0])
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete or not entry.msgstr:
                continue
            seen[(entry.msgctxt, entry.msgid)][entry.msgstr].add(where)
    clashes = [
        f"{msgid!r}{' (' + ctx + ')' if ctx else ''}: "
        + "; ".join(f"{text} in {', '.join(sorted(apps))}" for text, apps in sorted(translations.items()))
        for (ctx, msgid), translations in sorted(seen.items(), key=lambda item: (item[0][0] or "", item[0][1]))
        if len(translations) > 1
    ]
    assert not clashes, "\n".join(clashes)

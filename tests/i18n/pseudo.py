"""A pseudo-locale for tests: every catalogue message, wrapped in ⟦…⟧ with its letters accented.

On a page rendered in it, text that went through translation is unmistakable (no plain ASCII letter is left
in it) and text that did not stands out as plain Latin words. Placeholders (%(name)s, %s, {name}), HTML tags
and entities are kept as they are, so formatting and markup still work.

The catalogue is made at test time from the msgids of every catalogue the project loads: the biopark apps'
and project's zh_Hans catalogues and the zh_Hans catalogues of Django and the installed third-party apps (a
Django form's "This field is required." is translated there). Its language code starts with "en" so that
Django adds no fallback to the default language (zh-hans): a message missing from the catalogue shows in
English and is caught, instead of quietly showing in Chinese.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib

PSEUDO = "en-xa"
PSEUDO_NAME = "Pseudo"
OPEN, CLOSE = "⟦", "⟧"

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCENTED = "áƀçðéƒĝĥíĵķĺɱñóþʠŕšţúṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ"
_TABLE = str.maketrans(_PLAIN, _ACCENTED)
# Kept verbatim: printf placeholders, str.format fields, HTML tags and entities.
_KEEP = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]|\{[^{}]*\}|<[^>]*>|&[#\w]+;")


def accent(text: str) -> str:
    """The pseudo translation of one message."""
    if not text:
        return text
    out: list[str] = []
    pos = 0
    for m in _KEEP.finditer(text):
        out.append(text[pos:m.start()].translate(_TABLE))
        out.append(m.group(0))
        pos = m.end()
    out.append(text[pos:].translate(_TABLE))
    return OPEN + "".join(out) + CLOSE


def source_catalogues() -> list[Path]:
    """Every zh_Hans django.po that Django would load for this project."""
    import django
    from django.apps import apps
    from django.conf import settings

    roots = [Path(django.__file__).parent / "conf" / "locale"]
    roots += [Path(p) for p in settings.LOCALE_PATHS]
    roots += [Path(app.path) / "locale" for app in apps.get_app_configs()]
    found = []
    for root in dict.fromkeys(roots):
        po = root / "zh_Hans" / "LC_MESSAGES" / "django.po"
        if po.is_file():
            found.append(po)
    return found


def build_catalogue(locale_root: Path) -> Path:
    """Write <locale_root>/en_XA/LC_MESSAGES/django.mo and return the .mo path."""
    out = polib.POFile()
    out.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": "en_XA",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    seen: set[tuple[str | None, str]] = set()
    for po_path in source_catalogues():
        for entry in polib.pofile(str(po_path)):
            key = (entry.msgctxt, entry.msgid)
            if not entry.msgid or key in seen or entry.obsolete:
                continue
            seen.add(key)
            if entry.msgid_plural:
                new = polib.POEntry(msgid=entry.msgid, msgid_plural=entry.msgid_plural, msgctxt=entry.msgctxt,
                                    msgstr_plural={0: accent(entry.msgid), 1: accent(entry.msgid_plural)})
            else:
                new = polib.POEntry(msgid=entry.msgid, msgstr=accent(entry.msgid), msgctxt=entry.msgctxt)
            out.append(new)
    target = locale_root / "en_XA" / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    mo = target / "django.mo"
    out.save_as_mofile(str(mo))
    return mo

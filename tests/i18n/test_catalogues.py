"""The message catalogues are complete: every message the sources mark for translation has a Simplified
Chinese translation that is neither empty nor fuzzy (`make messages-check` runs this module)."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.i18n.pseudo import source_catalogues

BIOPARK = Path(__file__).resolve().parents[2] / "biopark"


def _own_catalogues() -> list[Path]:
    return sorted(BIOPARK.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def _label(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid!r}"


def test_no_catalogue_entry_is_empty_or_fuzzy():
    problems = []
    for po_path in _own_catalogues():
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete:
                continue
            where = po_path.relative_to(BIOPARK.parent)
            if entry.fuzzy:
                problems.append(f"{where}: fuzzy {_label(entry)}")
            elif not entry.translated():
                problems.append(f"{where}: untranslated {_label(entry)}")
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext (xgettext) is not installed")
def test_every_marked_message_is_in_a_catalogue(tmp_path):
    # makemessages into a copy of the sources: the real catalogues are only read.
    source = tmp_path / "src"
    shutil.copytree(BIOPARK, source, ignore=shutil.ignore_patterns("locale", "static", "__pycache__", "*.mo"))
    (source / "locale").mkdir()
    import os

    here = os.getcwd()
    os.chdir(source)
    try:
        with override_settings(LOCALE_PATHS=[]):
            call_command("makemessages", locale=["zh_Hans"], extensions=["html", "txt", "py"], verbosity=0,
                         no_obsolete=True)
    finally:
        os.chdir(here)
    extracted = polib.pofile(str(source / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    known = {(e.msgctxt, e.msgid) for po in source_catalogues() for e in polib.pofile(str(po)) if e.translated()}
    missing = []
    for entry in extracted:
        if (entry.msgctxt, entry.msgid) not in known:
            places = ", ".join(f"{f}:{n}" for f, n in entry.occurrences[:2])
            missing.append(f"{_label(entry)}  ({places})")
    assert len(extracted) > 500  # the extraction found the sources
    assert not missing, f"{len(missing)} message(s) without a Chinese translation:\n" + "\n".join(sorted(missing))


_GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}


def _marked_inside_fstrings(tree: ast.AST) -> list[int]:
    """Lines where a translated message is marked inside an f-string's braces: xgettext does not look there, so
    the catalogue check above cannot see it (the crawl found one such chart title)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for part in ast.walk(node):
                if (isinstance(part, ast.Call) and isinstance(part.func, ast.Name)
                        and part.func.id in _GETTEXT_NAMES):
                    lines.append(part.lineno)
    return lines


def test_no_message_is_marked_inside_an_f_string():
    root = Path(__file__).resolve().parents[2] / "biopark"
    found = [f"{path.relative_to(root)}:{line}" for path in sorted(root.rglob("*.py"))
             for line in _marked_inside_fstrings(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == [], "mark the whole message with its placeholders instead: " + ", ".join(found)


def test_the_f_string_check_finds_a_marked_message():
    assert _marked_inside_fstrings(ast.parse('title = f"{name}: {_(\'hours\')}"')) == [1]
    assert _marked_inside_fstrings(ast.parse('title = _("%(name)s: hours") % {"name": name}')) == []

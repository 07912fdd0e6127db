"""What a person reads on a page, and which of it came from code without passing through translation."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser

# Attributes a person reads (a tooltip, a placeholder, what a screen reader says, an image's text).
READ_ATTRS = {"title", "placeholder", "aria-label", "alt"}
BUTTON_INPUTS = {"submit", "button", "reset"}
# <code> holds identifiers a person types as they are (a file's column names, a recipe's keys), like a URL.
SKIP_CONTENT = {"script", "style", "template", "code"}
# Elements with no end tag; and the HTML attribute translate="no", which marks quoted data (a document's text
# and passages cut from it) that no translation touches: its content is skipped like <code>'s.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

# Codes that are themselves labels in both languages, language names on the language switch, and the
# file-format names people know them by. Keep it short: anything else must be translated.
ALLOWED_WORDS = {
    "ADC", "IND", "NDA", "BLA", "GLP", "GMP", "CRO", "CDMO", "CNY", "USD", "EUR", "API", "CSV", "XLSX", "JSON",
    "ICS", "iCal", "PDF", "SVG", "ID", "English", "BioPark",
    # how a date or time is to be typed
    "YYYY", "MM", "DD", "HH",
    # text encodings offered for an import
    "UTF", "GB", "GBK",
    # phase numerals (II 期临床), file sizes, and the word Django's own Chinese catalogue uses for e-mail
    "II", "III", "IV", "KB", "MB", "Email",
    # how a date and time is typed in ISO form (YYYY-MM-DDTHH:MM)
    "DDTHH",
    # a calendar format's proper name; the file types an upload accepts, as their extensions
    "iCalendar", "pdf", "docx", "xlsx", "png", "jpg", "jpeg", "txt", "csv", "html", "json",
    # methods named after people (Borda count, Copeland's method, Sobol indices), COINr's name of a normaliser and
    # the recipe parameters an analyst types (shown in the help as examples)
    "Borda", "Copeland", "Sobol", "goalposts", "winmax", "skew",
}

# The English names of weekdays and months that locale data (CLDR, through Babel) gives a date in a language
# without its own: the pseudo-locale's dates are formatted like English ones. Not text from code.
CLDR_ENGLISH_NAMES = {
    "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
}

# What the crawl typed into a text field, possibly cut to the field's length when a page shows it again.
_TYPED_RUN = re.compile(r"x{20,}")

# Addresses, e-mail addresses, paths, and API tokens (a secret shown once to its owner is data, not text).
_URL = re.compile(r"\bbp_[\w-]+…?|(?:https?://|www\.)\S+|\S+@\S+\.\w+|(?<![\w.])/[\w\-./?=&%#]*")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


class VisibleText(HTMLParser):
    """Collects text nodes and read attributes, outside script/style/template."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0
        self._quoted: list[bool] = []  # per open element: inside translate="no"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_CONTENT:
            self._skip += 1
        values = dict(attrs)
        if tag not in VOID:
            self._quoted.append(bool(self._quoted and self._quoted[-1]) or values.get("translate") == "no")
        for name in READ_ATTRS:
            if values.get(name):
                self.texts.append(str(values[name]))
        if tag == "input" and (values.get("type") or "").lower() in BUTTON_INPUTS and values.get("value"):
            self.texts.append(str(values["value"]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        saved, depth = self._skip, len(self._quoted)
        self.handle_starttag(tag, attrs)
        self._skip = saved
        del self._quoted[depth:]

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_CONTENT and self._skip:
            self._skip -= 1
        if tag not in VOID and self._quoted:
            self._quoted.pop()

    def handle_data(self, data: str) -> None:
        if self._quoted and self._quoted[-1]:
            return
        if not self._skip and data.strip():
            self.texts.append(data.strip())


def visible_texts(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.texts


class DataMask:
    """Removes strings that came from data (record names, user input) from a text before it is judged."""

    def __init__(self, values: Iterable[str]):
        self.values = {v.strip() for v in values if v and len(v.strip()) >= 2}
        self._pattern = self._compile(self.values)
        self._extended: dict[frozenset[str], DataMask] = {}

    @staticmethod
    def _compile(values: set[str]) -> re.Pattern[str] | None:
        if not values:
            return None
        ordered = sorted(values, key=len, reverse=True)
        # Whole words only: a short code ("ip") must not eat into a word ("ship") that should be judged.
        return re.compile(r"(?<![A-Za-z])(?:" + "|".join(re.escape(v) for v in ordered) + r")(?![A-Za-z])")

    def with_extra(self, extra: Iterable[str]) -> DataMask:
        # Kept per set of extra values: the crawl asks for the same few sets (what its forms type) hundreds of
        # times, and compiling the pattern of every stored name costs ~20 ms each time.
        added = frozenset(e.strip() for e in extra if e and len(e.strip()) >= 2) - self.values
        if not added:
            return self
        if added not in self._extended:
            self._extended[added] = DataMask(self.values | added)
        return self._extended[added]

    def strip(self, text: str) -> str:
        return self._pattern.sub(" ", text) if self._pattern else text


def untranslated(text: str, mask: DataMask) -> list[str]:
    """The plain Latin words of a text that are neither data, nor a URL, nor an allowed code.

    In the pseudo-locale every translated letter is accented, and in Chinese a translated text has no
    English, so any such word left came from code without passing through translation."""
    rest = _TYPED_RUN.sub(" ", _URL.sub(" ", mask.strip(text)))
    return [w for w in _LATIN_WORD.findall(rest) if w not in ALLOWED_WORDS]


# Chinese an English page may show: the language switch names Chinese in Chinese, as every site does.
ALLOWED_CHINESE = {"中文", "简体中文"}
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def chinese_in_english(text: str, mask: DataMask) -> list[str]:
    """The Chinese of a text on an English page that is not data (a record with no English name shows its
    Chinese one) and not the language switch: text from code that was shown untranslated."""
    rest = mask.strip(text)
    for allowed in ALLOWED_CHINESE:
        rest = rest.replace(allowed, " ")
    return _HAN_RUN.findall(rest)


def offending(texts: Iterable[str], mask: DataMask, check: Callable[[str, DataMask], list[str]] | None = None) -> list[str]:
    """Each text with an untranslated word, once, in page order."""
    found: dict[str, None] = {}
    for text in texts:
        if (check or untranslated)(text, mask):
            found[" ".join(text.split())[:160]] = None
    return list(found)


# A number of five or more digits with no grouping ("1200000000 USD", "12910.00"): numbers are formatted by
# locale (biopark.core.formatting). Not judged: digits inside a word or code (CN2024100001, a credit code), after a
# decimal point, in an address (URLs are removed first), and what comes from data (the mask).
_UNGROUPED = re.compile(r"(?<![\w.,\d\-/:#])\d{5,}(?![\w\d])")


def ungrouped_numbers(text: str, mask: DataMask) -> list[str]:
    """The numbers of five digits or more shown without the locale's grouping."""
    rest = _URL.sub(" ", mask.strip(text))
    return _UNGROUPED.findall(rest)

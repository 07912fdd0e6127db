"""The translation crawl: a signed-in client walks every page it can reach (the URL resolver's routes filled
with the world's records, then every link found), submits each form empty and with bad values, and notes every
visible text with words that did not pass through translation."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client

from tests.i18n.visible import DataMask, VisibleText, offending, ungrouped_numbers, visible_texts

# Files (exports, calendar feeds, charts) are not pages; their headers are checked by the apps' own tests.
FILES = re.compile(r"\.(csv|xlsx|ics|json|svg|png|pdf|zip)$")
SKIP = ("/admin/", "/api/", "/static/", "/media/", "/i18n/", "/accounts/logout/")
MAX_PAGES = 1000
BAD_BY_TYPE = {
    "date": "2016-13-45", "datetime-local": "2016-13-45T25:61", "time": "25:61", "number": "abc",
    "email": "not-an-email", "url": "not a url", "month": "2016-13", "week": "2016-W99",
}
BAD_TEXT = "x" * 600
BAD_CHOICE = "no-such-choice"
# Small bad files sent to every upload form (imports, attachments, documents): the wrong type, a table with
# the wrong columns, rows with a bad date, an unknown park and unknown codes (one per kind of import, since an
# import refuses columns it does not know), an empty file, and a file whose content is not what its name says.
BAD_FILES: list[tuple[str, bytes]] = [
    ("crawl-wrong-type.exe", b"MZ\x90\x00\x03\x00\x00\x00binary"),
    ("crawl-wrong-columns.csv", b"colour,shape\nred,round\n"),
    ("crawl-registry-rows.csv", b"name_en,park,founded,kind\nCrawl Org,No Such Park,2016-13-45,no-such-kind\n"),
    ("crawl-observation-rows.csv", b"park,indicator,year,value\nNo Such Park,no-such-indicator,20x6,abc\n"),
    ("crawl-empty.csv", b""),
    ("crawl-not-a-workbook.xlsx", b"this is not a spreadsheet"),
]
# What those files hold, echoed by a report as the user's own data.
BAD_FILE_VALUES = {name for name, _ in BAD_FILES} | {
    "colour", "shape", "red", "round", "Crawl Org", "No Such Park", "no-such-kind", "no-such-indicator", "20x6",
    "abc", "crawl-upload", "exe", "xlsx",
} | {
    # The column codes a file's header holds, which an import's refusal quotes as the user typed them or lists
    # as the codes to type (like a <code> on a page).
    "name_en", "park", "founded", "kind", "indicator", "year", "value", "unit", "source",
}
UPLOAD_TEXT = "crawl-upload"  # what an upload form's text fields get (a title is needed before the file counts)


def data_values() -> set[str]:
    """Every free-text value stored in the project's tables (names, titles, notes) and user names: text a page
    may show as it was entered. Coded fields (with choices) and JSON are left out: codes must show as labels."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    values: set[str] = set()
    wanted = [m for m in apps.get_models() if m.__module__.startswith("biopark.")] + [get_user_model()]
    for model in wanted:
        names = [f.name for f in model._meta.concrete_fields
                 if isinstance(f, (models.CharField, models.TextField)) and not f.choices and f.name != "password"]
        for row in model._default_manager.values_list(*names) if names else []:
            values.update(str(v) for v in row if v)
        json_fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
        for row in model._default_manager.values_list(*json_fields) if json_fields else []:
            for value in row:
                _json_names(value, "", values)
    # Texts the platform itself wrote into a record (a rankings version note "default framework") are not data:
    # pages show them translated, so the crawl must judge them.
    from django.utils import translation

    from biopark.core.demo_texts import shown

    with translation.override("zh-hans"):
        return {value for value in values if shown(value) == value}


def _json_names(value: Any, key: str, out: set[str]) -> None:
    """Names kept in JSON (an index's indicator names, aliases): under a key that says it is a name."""
    if isinstance(value, dict):
        for k, v in value.items():
            _json_names(v, str(k), out)
    elif isinstance(value, list):
        for v in value:
            _json_names(v, key, out)
    elif isinstance(value, str) and re.search(r"name|label|title|alias|code", key, re.I):
        out.add(value)


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, type, value)
    choices: dict[str, list[str]] = field(default_factory=dict)


class FormsAndLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(Form(a.get("method", "get").lower(), a.get("action", "")))
        elif tag == "option" and self.forms and self._select is not None:
            self.forms[-1].choices[self._select].append(a.get("value", ""))
        elif not self.forms or not a.get("name"):
            return
        elif tag == "input":
            self.forms[-1].fields.append((a["name"], a.get("type", "text").lower(), a.get("value", "")))
        elif tag == "select":
            self._select = a["name"]
            self.forms[-1].fields.append((a["name"], "select", ""))
            self.forms[-1].choices[a["name"]] = []
        elif tag == "textarea":
            self.forms[-1].fields.append((a["name"], "textarea", ""))
        elif tag == "button" and a.get("value"):
            self.forms[-1].fields.append((a["name"], "button", a["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


class Page(HTMLParser):
    """A page read once for both: the text a person reads (VisibleText) and the forms and links to follow
    (FormsAndLinks). Reading HTML is most of the crawl's own cost."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.visible = VisibleText()
        self.found = FormsAndLinks()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.visible.handle_starttag(tag, attrs)
        self.found.handle_starttag(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.visible.handle_startendtag(tag, attrs)
        self.found.handle_startendtag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.visible.handle_endtag(tag)
        self.found.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        self.visible.handle_data(data)


def _signature(url: str) -> tuple[str, tuple[str, ...]]:
    """A page once per shape: /rankings/runs/1/units/P2/ stands for every unit of every run."""
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path), tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))


@dataclass
class Crawl:
    client: Client
    mask: DataMask
    who: str
    findings: dict[str, list[str]] = field(default_factory=dict)
    seen: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)
    forms_done: set[tuple[str, str, tuple[str, ...]]] = field(default_factory=set)
    pages: int = 0
    complete: bool = False  # every page found was visited (MAX_PAGES not reached)
    uploads: int = 0  # bad files sent to upload forms
    check: Callable[[str, DataMask], list[str]] | None = None  # what counts as untranslated (Latin words by default)

    def note(self, label: str, response: Any, mask: DataMask | None = None, texts: list[str] | None = None) -> None:
        if "text/html" not in response.get("Content-Type", ""):
            return
        if texts is None:
            texts = visible_texts(response.content.decode())
        bad = offending(texts, mask or self.mask, self.check)
        if bad:
            self.findings[f"{self.who} {label} [{response.status_code}]"] = bad
        numbers = offending(texts, mask or self.mask, ungrouped_numbers)
        if numbers:
            self.findings[f"{self.who} {label} [{response.status_code}] ungrouped numbers"] = numbers

    def walk(self, seeds: list[str]) -> None:
        """Links first, from the first seed (the home page) on, as a person clicking through would go; then
        the other seeds (every route filled with the world's records) and the links found on their pages.
        A page reached by links from the home page that answers 403 or 500, files included, is a link the
        role should never have been shown (issue 11)."""
        linked: deque[tuple[str, str]] = deque([(seeds[0], "")])
        rest: deque[tuple[str, str]] = deque((url, "") for url in seeds[1:])
        while (linked or rest) and self.pages < MAX_PAGES:
            from_home = bool(linked)
            url, source = (linked or rest).popleft()
            if not self._to_visit(url, from_home=from_home):
                continue
            is_file = bool(FILES.search(urlsplit(url).path))
            self.seen.add(_signature(url))
            response = self.client.get(url)
            self.pages += 1
            if response.status_code >= 500:
                self.findings[f"{self.who} GET {url} [{response.status_code}]"] = ["(a server error)"]
            if from_home and response.status_code in (403, 500):
                self.findings[f"{self.who} link to {url} (from {source or 'the start'}) [{response.status_code}]"] = [
                    "(a link this role is shown answers with a refusal or an error)"]
            if is_file or "text/html" not in response.get("Content-Type", ""):
                continue
            page = Page()
            page.feed(response.content.decode())
            page.close()
            self.note(f"GET {url}", response, texts=page.visible.texts)
            for href in page.found.links:
                target = urljoin(url, href).split("#")[0]
                if target.startswith("/"):
                    (linked if from_home else rest).append((target, url))
            for form in page.found.forms:
                self.submit(url, form)
        self.complete = not any(self._to_visit(url, from_home=True) for url, _ in linked) and \
            not any(self._to_visit(url, from_home=False) for url, _ in rest)

    def _to_visit(self, url: str, *, from_home: bool) -> bool:
        """A page not seen in its shape, of the site, not a file unless a link from home leads to it."""
        if _signature(url) in self.seen or url.startswith(SKIP) or not url.startswith("/"):
            return False
        return from_home or not FILES.search(urlsplit(url).path)

    def submit(self, page: str, form: Form) -> None:
        action = urljoin(page, form.action or page)
        if action.startswith(SKIP) or not action.startswith("/"):
            return
        key = (form.method, urlsplit(action).path, tuple(sorted(n for n, _, _ in form.fields)))
        if key in self.forms_done:
            return
        self.forms_done.add(key)
        for variant in ("empty", "bad"):
            data = self._values(form, bad=variant == "bad")
            # Each submission is undone, so the world stays the same for the next page and role.
            with transaction.atomic():
                if form.method == "post":
                    response = self.client.post(action, data)
                else:
                    response = self.client.get(urlsplit(action).path + "?" + urlencode(data, doseq=True))
                transaction.set_rollback(True)
            self.pages += 1
            if response.status_code >= 500:
                self.findings[f"{self.who} {form.method.upper()} {action} ({variant}) [500]"] = ["(a server error)"]
            typed = [str(v) for vs in data.values() for v in (vs if isinstance(vs, list) else [vs])]
            self.note(f"{form.method.upper()} {action} ({variant}, from {page})", response, self.mask.with_extra(typed))
        if form.method == "post" and any(kind == "file" for _, kind, _ in form.fields):
            self.upload(page, action, form)

    def upload(self, page: str, action: str, form: Form) -> None:
        """The upload form with each bad file, its other fields filled as a person would (first choice of
        each list, a short text): the refusal or the import's report is judged like any page."""
        for file_name, content in BAD_FILES:
            data = self._upload_values(form)
            for name, kind, _ in form.fields:
                if kind == "file":
                    data[name] = SimpleUploadedFile(file_name, content)
            with transaction.atomic():
                response = self.client.post(action, data)
                transaction.set_rollback(True)
            self.pages += 1
            self.uploads += 1
            label = f"POST {action} (file {file_name}, from {page})"
            if response.status_code >= 500:
                self.findings[f"{self.who} {label} [500]"] = ["(a server error)"]
            self.note(label, response, self.mask.with_extra(BAD_FILE_VALUES))

    @staticmethod
    def _upload_values(form: Form) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, kind, value in form.fields:
            if kind in ("hidden", "submit", "button"):
                if value:
                    data[name] = value
            elif kind == "select":
                data[name] = next((c for c in form.choices.get(name, []) if c), "")
            elif kind in ("text", "textarea", "search"):
                data[name] = UPLOAD_TEXT
        return data

    @staticmethod
    def _values(form: Form, *, bad: bool) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, kind, value in form.fields:
            if kind in ("hidden", "submit", "button"):
                if value:
                    data[name] = value
            elif kind in ("checkbox", "radio", "file", "image", "reset"):
                continue
            elif not bad:
                data[name] = ""
            elif kind == "select":
                data[name] = BAD_CHOICE
            else:
                data[name] = BAD_BY_TYPE.get(kind, BAD_TEXT)
        return data

"""Reading a document file into text: .txt and .html now (.docx and .pdf come with the review queue)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.utils.translation import gettext as _

SUPPORTED = (".txt", ".html", ".htm")
MAX_BYTES = 20 * 1024 * 1024


class DocumentError(Exception):
    """A file that cannot be read as a document; the message names the file and says why."""


@dataclass
class Document:
    path: str
    title: str
    text: str
    kind: str


class _TextParser(HTMLParser):
    _SKIP = {"script", "style", "noscript", "template"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        self._in_title = tag == "title"
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        if tag == "title":
            self._in_title = False
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title.append(data)
        else:
            self.parts.append(data)


def _decode(raw: bytes, path: Path) -> str:
    encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DocumentError(_("%(path)s: the text is not UTF-8 (byte %(pos)d); save it as UTF-8 and try again")
                            % {"path": path, "pos": exc.start}) from exc


def read_document(path: Path) -> Document:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise DocumentError(_("%(path)s: unsupported file type %(type)s (supported: .txt, .html; .docx and .pdf "
                              "are not supported yet)") % {"path": path, "type": suffix or _("(none)")})
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DocumentError(_("%(path)s: the file is larger than %(mb)d MB") % {"path": path, "mb": MAX_BYTES >> 20})
        raw = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise DocumentError(_("%(path)s: cannot read the file (%(reason)s)") % {"path": path,
                                                                                "reason": exc.strerror}) from exc
    text = _decode(raw, path)
    title = ""
    if suffix in (".html", ".htm"):
        parser = _TextParser()
        parser.feed(text)
        parser.close()
        title = " ".join("".join(parser.title).split())
        text = re.sub(r"\n\s*\n+", "\n\n", "".join(parser.parts)).strip()
    if not text.strip():
        raise DocumentError(_("%(path)s: the document has no text") % {"path": path})
    if not title:
        title = text.strip().splitlines()[0][:200]
    return Document(str(path), title, text, suffix.lstrip("."))

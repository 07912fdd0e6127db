"""Reading a document file into text: .txt (UTF-8 or UTF-16 with its mark), .html, .docx (python-docx) and .pdf
(pypdf, its text layer: a scanned PDF without one is refused as having no text)."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import docx
import pypdf
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

SUPPORTED = (".txt", ".html", ".htm", ".docx", ".pdf")
log = logging.getLogger(__name__)
MAX_BYTES = 20 * 1024 * 1024


# Why a file cannot be read, by a stable code. The sentences are translated when they are shown (a batch keeps
# the code and its parameters, so each reader sees them in their own language).
PROBLEMS = {
    "not_utf8": gettext_noop("%(path)s: the text is not UTF-8 (byte %(pos)d); save it as UTF-8 and try again"),
    "bad_docx": gettext_noop("%(path)s: this is not a readable Word (.docx) document"),
    "pdf_password": gettext_noop("%(path)s: the PDF is protected by a password"),
    "bad_pdf": gettext_noop("%(path)s: this is not a readable PDF"),
    "unsupported": gettext_noop("%(path)s: unsupported file type %(type)s (supported: .txt, .html, .docx, .pdf)"),
    "empty": gettext_noop("%(path)s: the file is empty"),
    "binary": gettext_noop("%(path)s: the file holds binary data, not text"),
    "no_text": gettext_noop("%(path)s: the document has no text"),
    "too_large": gettext_noop("%(path)s: the file is larger than %(mb)d MB"),
    "unreadable": gettext_noop("%(path)s: cannot read the file (%(reason)s)"),
}


def problem_text(code: str, params: dict[str, object]) -> str:
    """The sentence for a problem code in the active language."""
    values = dict(params)
    if code == "unsupported" and not values.get("type"):
        values["type"] = _("(none)")
    return _(PROBLEMS[code]) % values


class DocumentError(Exception):
    """A file that cannot be read as a document: a code from PROBLEMS and its parameters; the message (in
    the language active when it was raised) names the file and says why."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = {k: str(v) if isinstance(v, Path) else v for k, v in params.items()}
        super().__init__(problem_text(code, self.params))


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
        raise DocumentError("not_utf8", path=path, pos=exc.start) from exc


def _docx(raw: bytes, name: str) -> tuple[str, str]:
    try:
        doc = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for a damaged file
        raise DocumentError("bad_docx", path=name) from exc
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts), (doc.core_properties.title or "").strip()


def _pdf(raw: bytes, name: str) -> tuple[str, str]:
    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise DocumentError("pdf_password", path=name)
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str((reader.metadata.title if reader.metadata else "") or "").strip()
    except DocumentError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds for a damaged file
        raise DocumentError("bad_pdf", path=name) from exc
    return "\n\n".join(pages), title


def read_bytes(name: str, raw: bytes) -> Document:
    """The document in a file's bytes, by the file name's type. Raises DocumentError saying why not."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise DocumentError("unsupported", path=name, type=suffix)
    if not raw:
        raise DocumentError("empty", path=name)
    title = ""
    if suffix == ".docx":
        text, title = _docx(raw, name)
    elif suffix == ".pdf":
        text, title = _pdf(raw, name)
    else:
        text = _decode(raw, Path(name))
        if "\x00" in text:
            raise DocumentError("binary", path=name)
    if suffix in (".html", ".htm"):
        parser = _TextParser()
        parser.feed(text)
        parser.close()
        title = " ".join("".join(parser.title).split())
        text = re.sub(r"\n\s*\n+", "\n\n", "".join(parser.parts)).strip()
    text = text.strip()
    if not text:
        raise DocumentError("no_text", path=name)
    if not title:
        title = text.splitlines()[0].strip()[:200]
    kind = "html" if suffix == ".htm" else suffix.lstrip(".")
    return Document(name, title[:500], text, kind)


def read_document(path: Path) -> Document:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise DocumentError("unsupported", path=path, type=suffix)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DocumentError("too_large", path=path, mb=MAX_BYTES >> 20)
        raw = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise DocumentError("unreadable", path=path, reason=exc.strerror) from exc
    doc = read_bytes(str(path), raw)
    return doc

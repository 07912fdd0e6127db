"""`biopark extract FILE… --json`: propose records from documents, matched against the registry; writes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from biopark.extract.engine import extract
from biopark.extract.names import NameIndex
from biopark.news.documents import DocumentError, read_document
from biopark.news.selectors import registry_names


class Command(BaseCommand):
    help = ("Propose organisations, people, positions, agreements, events, stages, figures and targets from "
            "news documents (.txt, .html, .docx, .pdf), matched against the registry. Writes nothing.")
    requires_system_checks: list[str] = []  # reads only; the checks would cost more than the extraction

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--json", action="store_true", help="print UTF-8 JSON (the only output format so far)")
        parser.add_argument("--date", help="the documents' date (YYYY-MM-DD), to resolve '3月23日' or 'this year'")
        parser.add_argument("--language", choices=["zh", "en", "mixed"], help="override language detection")

    def handle(self, *args: Any, **options: Any) -> None:
        documents = []
        for name in options["files"]:
            try:
                documents.append(read_document(Path(name)))
            except DocumentError as exc:
                raise CommandError(str(exc), returncode=2) from exc
        try:
            index = NameIndex(registry_names())
        except DatabaseError as exc:
            raise CommandError(_("cannot read the registry's names (%(reason)s); is the database migrated?")
                               % {"reason": exc}, returncode=2) from exc
        results = []
        for doc in documents:
            try:
                found = extract(doc.text, names=index, document_date=options.get("date"),
                                language=options.get("language"))
            except ValueError as exc:
                raise CommandError(_("%(path)s: %(reason)s") % {"path": doc.path, "reason": exc},
                                   returncode=2) from exc
            out = found.as_dict()
            out["document"] = {"path": doc.path, "title": doc.title, "type": doc.kind, **out["document"]}
            results.append(out)
        payload: Any = results[0] if len(results) == 1 else results
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))

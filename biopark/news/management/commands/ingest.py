"""`biopark ingest FILE…`: put documents into the review queue (nothing enters the registry until a person
accepts it on /news/<id>/). More than a few files go to the background worker as one batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _
from tqdm import tqdm

from biopark.accounts import policy
from biopark.core import uploads
from biopark.core.errors import DomainError
from biopark.news import jobs, services


class Command(BaseCommand):
    help = ("Put news documents (.txt, .html, .docx, .pdf) into the review queue with the records proposed "
            f"from them. More than {jobs.BACKGROUND_FILES} files are read by the background worker.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--user", help="the account ingesting (an operator or administrator); default: system")
        parser.add_argument("--source", default="", help="the publisher or source of the documents")
        parser.add_argument("--date", default="", help="the documents' date (YYYY, YYYY-MM or YYYY-MM-DD)")
        parser.add_argument("--now", action="store_true", help="read every file here, even a large batch")

    def _actor(self, username: str | None) -> Any:
        if not username:
            return policy.SYSTEM
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("there is no user %(name)s") % {"name": username}, returncode=2)
        return user

    def _read(self, name: str) -> bytes:
        path = Path(name)
        try:
            if path.stat().st_size > uploads.max_upload_bytes():
                raise CommandError(str(uploads.too_large(path.stat().st_size, uploads.max_upload_bytes())
                                       .message) + f" ({path})", returncode=2)
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(_("%(path)s: cannot read the file (%(reason)s)")
                               % {"path": path, "reason": exc.strerror}, returncode=2) from exc

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actor = self._actor(options.get("user"))
            files = [(Path(n).name, self._read(n)) for n in options["files"]]
            if len(files) > jobs.BACKGROUND_FILES and not options["now"]:
                batch = jobs.create_batch(actor=actor, files=files, publisher=options["source"])
                self.stdout.write(_("%(n)d files queued as batch %(id)d; the worker reads them (see /news/).")
                                  % {"n": len(files), "id": batch.pk})
                return
            for name, data in tqdm(files, disable=len(files) < 2, unit="file"):
                document = services.document_ingest(actor=actor, incoming=services.Incoming(
                    file_name=name, content=data, publisher=options["source"], published=options["date"]))
                self.stdout.write(_("%(name)s: document %(id)d, %(n)d proposals to review at /news/%(id)d/")
                                  % {"name": name, "id": document.pk, "n": document.proposals.count()})
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        except DatabaseError as exc:
            raise CommandError(_("the database cannot be written (%(reason)s); is it migrated?")
                               % {"reason": exc}, returncode=2) from exc

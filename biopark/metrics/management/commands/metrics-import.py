"""biopark metrics-import FILE [--dry-run] [--encoding ENC] [--user NAME]: import observations (all or nothing)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.cli_language import speaks_terminal_language
from biopark.core.errors import DomainError
from biopark.ecosystem import tabular
from biopark.metrics.services import observations_import


class Command(BaseCommand):
    help = ("Import indicator observations from CSV or XLSX (columns park|park_key|park_id, indicator, year, value, "
            "unit, source). Every row is checked first; one bad row and nothing is written.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument("--encoding", default="utf-8")
        parser.add_argument("--user", help="act as this user (default: the system)")

    @speaks_terminal_language
    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file") % {"path": path})
        actor: object = policy.SYSTEM
        if options.get("user"):
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(_("no user %(name)s") % {"name": repr(options["user"])})
        try:
            table = tabular.read_table(path.read_bytes(), tabular.detect_format(path.name),
                                       encoding=str(options["encoding"]))
            report = observations_import(actor=actor, table=table, dry_run=bool(options["dry_run"]))
        except DomainError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        text = (_("%(path)s: would import %(n)s row(s): created %(created)s, updated %(updated)s, unchanged "
                  "%(unchanged)s") if options["dry_run"] else
                _("%(path)s: imported %(n)s row(s): created %(created)s, updated %(updated)s, unchanged "
                  "%(unchanged)s"))
        self.stdout.write(text % {"path": path, "n": len(table.rows), "created": report.created,
                                  "updated": report.updated, "unchanged": report.unchanged})

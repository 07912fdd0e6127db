"""biopark metrics-import FILE [--dry-run] [--encoding ENC] [--user NAME]: import observations (all or nothing)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from biopark.accounts import policy
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

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        actor: object = policy.SYSTEM
        if options.get("user"):
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"no user {options['user']!r}")
        try:
            table = tabular.read_table(path.read_bytes(), tabular.detect_format(path.name),
                                       encoding=str(options["encoding"]))
            report = observations_import(actor=actor, table=table, dry_run=bool(options["dry_run"]))
        except DomainError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        verb = "would import" if options["dry_run"] else "imported"
        self.stdout.write(f"{path}: {verb} {len(table.rows)} row(s): created {report.created}, "
                          f"updated {report.updated}, unchanged {report.unchanged}")

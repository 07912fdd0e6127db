"""biopark import TYPE FILE [--dry-run] [--accept-merges] [--encoding ENC] [--user NAME]"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from biopark.accounts import policy
from biopark.core.errors import DomainError
from biopark.ecosystem import importer, tabular

TYPES = {"parks": "park", "organisations": "organisation", "people": "person", "platforms": "platform"}


class Command(BaseCommand):
    help = "Import parks, organisations, people or platforms from CSV, XLSX or JSON (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("type", choices=sorted(TYPES) + sorted(TYPES.values()))
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check and show what would change; write nothing")
        parser.add_argument("--accept-merges", action="store_true", help="apply the proposed merges too")
        parser.add_argument("--encoding", default="utf-8", help="CSV/JSON text encoding (default utf-8)")
        parser.add_argument("--user", help="act as this user (default: the system)")
        parser.add_argument("--quiet-rows", action="store_true", help="print only the summary")

    def handle(self, *args: object, **options: object) -> None:
        type_name = TYPES.get(str(options["type"]), str(options["type"]))
        path = Path(str(options["file"]))
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        actor: object = policy.SYSTEM
        if options.get("user"):
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"no user {options['user']!r}")
        try:
            table = tabular.read_table(
                path.read_bytes(), tabular.detect_format(path.name), encoding=str(options["encoding"])
            )
            with tqdm(total=len(table.rows), unit="rows", disable=len(table.rows) < 2000, file=self.stderr) as bar:
                report = importer.plan_and_apply(
                    actor=actor,
                    type_name=type_name,
                    table=table,
                    dry_run=bool(options["dry_run"]),
                    accept_merges=bool(options["accept_merges"]),
                    progress=bar.update,
                )
        except DomainError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        if report.file_error:
            raise CommandError(f"{path}: {report.file_error}")
        if not options["quiet_rows"]:
            for row in report.rows:
                if row.status in ("error", "merge", "update", "create"):
                    detail = row.message or ", ".join(f"{k}: {v[0]!r} -> {v[1]!r}" for k, v in row.changes.items())
                    self.stdout.write(f"line {row.line}: {row.status} {row.name} {detail}".rstrip())
        summary = ", ".join(f"{k} {v}" for k, v in report.counts.items())
        if report.errors:
            raise CommandError(f"{path}: nothing imported: {len(report.errors)} bad row(s) ({summary})")
        verb = "would change (dry run)" if options["dry_run"] else "imported"
        self.stdout.write(f"{path}: {verb}: {summary}")
        if report.counts["merge"] and not options["accept_merges"]:
            self.stdout.write("proposed merges were not applied; re-run with --accept-merges to apply them")

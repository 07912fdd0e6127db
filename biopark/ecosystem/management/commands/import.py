"""biopark import TYPE FILE [--dry-run] [--accept-merges] [--encoding ENC] [--user NAME]"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from biopark.accounts import policy
from biopark.core.cli_language import speaks_terminal_language
from biopark.core.errors import DomainError
from biopark.ecosystem import importer, tabular

# Row outcomes by their labels, as the import page shows them.
ROW_STATUS = importer.STATUS_LABELS
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

    @speaks_terminal_language
    def handle(self, *args: object, **options: object) -> None:
        type_name = TYPES.get(str(options["type"]), str(options["type"]))
        path = Path(str(options["file"]))
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file") % {"path": path})
        actor: object = policy.SYSTEM
        if options.get("user"):
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(_("no user %(name)s") % {"name": repr(options["user"])})
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
                    self.stdout.write(_("line %(line)s: %(status)s %(name)s %(detail)s") % {
                        "line": row.line, "status": ROW_STATUS.get(row.status, row.status), "name": row.name,
                        "detail": detail})
        summary = ", ".join(f"{ROW_STATUS.get(k, k)} {v}" for k, v in report.counts.items())
        if report.errors:
            raise CommandError(_("%(path)s: nothing imported: %(n)s bad row(s) (%(summary)s)")
                               % {"path": path, "n": len(report.errors), "summary": summary})
        verb = _("would change (dry run)") if options["dry_run"] else _("imported")
        self.stdout.write(_("%(path)s: %(verb)s: %(summary)s") % {"path": path, "verb": verb, "summary": summary})
        if report.counts["merge"] and not options["accept_merges"]:
            self.stdout.write(_("proposed merges were not applied; re-run with --accept-merges to apply them"))

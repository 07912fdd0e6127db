"""biopark export TYPE FILE (format from the file's extension: .csv, .xlsx or .json)"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from biopark.accounts import policy
from biopark.core.cli_language import speaks_terminal_language
from biopark.core.errors import DomainError
from biopark.ecosystem import importer, tabular
from biopark.ecosystem.fields import TYPE_LABELS

TYPES = {"parks": "park", "organisations": "organisation", "people": "person", "platforms": "platform"}


class Command(BaseCommand):
    help = "Export parks, organisations, people or platforms to CSV, XLSX or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("type", choices=sorted(TYPES) + sorted(TYPES.values()))
        parser.add_argument("file")

    @speaks_terminal_language
    def handle(self, *args: object, **options: object) -> None:
        type_name = TYPES.get(str(options["type"]), str(options["type"]))
        path = Path(str(options["file"]))
        try:
            fmt = tabular.detect_format(path.name)
            columns, rows = importer.export_records(user=policy.SYSTEM, type_name=type_name)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        path.write_bytes(tabular.write_table(columns, rows, fmt))
        self.stdout.write(_("%(path)s: %(n)s record(s) of type %(type)s") % {
            "path": path, "n": len(rows), "type": TYPE_LABELS.get(type_name, type_name)})

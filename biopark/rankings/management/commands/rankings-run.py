"""biopark rankings-run FRAMEWORK_KEY --year YYYY [--draft] [--idata FILE] [--user NAME]"""

from __future__ import annotations

import csv
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from biopark.accounts import policy
from biopark.core.cli_language import speaks_terminal_language
from biopark.core.errors import DomainError
from biopark.rankings.models import Framework
from biopark.rankings.services import run_create


class Command(BaseCommand):
    help = "Build a framework's current version on the year's observations (or an iData CSV) and store the run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("framework", help="framework key, e.g. park-competitiveness")
        parser.add_argument("--year", type=int, help="year of the observations (park frameworks)")
        parser.add_argument("--idata", help="iData CSV (external frameworks)")
        parser.add_argument("--label", default="")
        parser.add_argument("--draft", action="store_true", help="store as a draft (not published)")
        parser.add_argument("--user", help="act as this user (default: the system)")

    @speaks_terminal_language
    def handle(self, *args: object, **options: object) -> None:
        framework = Framework.objects.filter(key=str(options["framework"])).first()
        if framework is None:
            known = ", ".join(Framework.objects.values_list("key", flat=True)) or "none"
            raise CommandError(_("no framework %(name)s (known: %(known)s)") % {
                "name": repr(options["framework"]), "known": known})
        actor: object = policy.SYSTEM
        if options.get("user"):
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(_("no user %(name)s") % {"name": repr(options["user"])})
        idata = None
        if options.get("idata"):
            path = Path(str(options["idata"]))
            if not path.is_file():
                raise CommandError(_("%(path)s: no such file") % {"path": path})
            with path.open(newline="", encoding="utf-8-sig") as handle:
                idata = list(csv.DictReader(handle))
        with tqdm(total=1, desc="build", file=self.stderr, disable=None) as bar:
            try:
                run = run_create(actor=actor, framework=framework, year=options.get("year"),  # type: ignore[arg-type]
                                 idata=idata, label=str(options["label"]), publish=not options["draft"])
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            bar.update(1)
        top = run.scores.filter(code=run.codes[0], rank=1).first() if run.codes else None
        values = {"run": run.pk, "framework": framework.key, "version": run.version.number, "n": run.n_units,
                  "status": run.get_status_display() if hasattr(run, "get_status_display") else run.status}
        line = _("run %(run)s: %(framework)s v%(version)s, %(n)s units, %(status)s") % values
        if top and top.score is not None:
            line += _("; first: %(name)s (%(score)s)") % {"name": top.unit_name, "score": f"{top.score:.2f}"}
        self.stdout.write(line)

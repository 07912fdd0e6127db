"""biopark rankings-run FRAMEWORK_KEY --year YYYY [--draft] [--idata FILE] [--user NAME]"""

from __future__ import annotations

import csv
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from biopark.accounts import policy
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

    def handle(self, *args: object, **options: object) -> None:
        framework = Framework.objects.filter(key=str(options["framework"])).first()
        if framework is None:
            known = ", ".join(Framework.objects.values_list("key", flat=True)) or "none"
            raise CommandError(f"no framework {options['framework']!r} (known: {known})")
        actor: object = policy.SYSTEM
        if options.get("user"):
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"no user {options['user']!r}")
        idata = None
        if options.get("idata"):
            path = Path(str(options["idata"]))
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
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
        self.stdout.write(f"run {run.pk}: {framework.key} v{run.version.number}, {run.n_units} units, "
                          f"{run.status}" + (f"; first: {top.unit_name} ({top.score:.2f})" if top and top.score is not None
                                              else ""))

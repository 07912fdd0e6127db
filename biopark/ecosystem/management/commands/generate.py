"""biopark generate --seed N --orgs 100000 --relations 300000: a large synthetic ecosystem."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from biopark.core.cli_language import speaks_terminal_language
from biopark.demo.generate import generate
from biopark.ecosystem.models import Park


class Command(BaseCommand):
    help = "Generate a large synthetic ecosystem (for benchmarks and load tests)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--orgs", type=int, default=100_000)
        parser.add_argument("--relations", type=int, default=300_000)
        parser.add_argument("--parks", type=int, default=40)
        parser.add_argument("--people", type=int, default=None)
        parser.add_argument("--platforms", type=int, default=None)

    @speaks_terminal_language
    def handle(self, *args: object, **options: object) -> None:
        seed = int(options["seed"])  # type: ignore[call-overload]
        if Park.objects.filter(key__startswith=f"gen{seed}:").exists():
            raise CommandError(_("an ecosystem with seed %(seed)s exists already; choose another --seed") % {"seed": seed})
        total = int(options["orgs"]) + int(options["relations"])  # type: ignore[call-overload]
        with tqdm(total=total, unit="rec", file=self.stderr) as bar:

            def progress(what: str, n: int) -> None:
                if what in ("organisations", "relations"):
                    bar.update(n)
                bar.set_postfix_str(what)

            counts = generate(
                seed=seed,
                orgs=int(options["orgs"]),  # type: ignore[call-overload]
                relations=int(options["relations"]),  # type: ignore[call-overload]
                parks=int(options["parks"]),  # type: ignore[call-overload]
                people=options["people"],  # type: ignore[arg-type]
                platforms=options["platforms"],  # type: ignore[arg-type]
                progress=progress,
            )
        self.stdout.write(_("generated: %(counts)s") % {"counts": ", ".join(f"{k} {v}" for k, v in counts.items())})

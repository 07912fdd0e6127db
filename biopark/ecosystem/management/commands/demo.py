"""biopark demo: build the demo data set (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from biopark.accounts.demo_users import DEMO_PASSWORD
from biopark.core.modules import optional_module
from biopark.demo.loader import ensure_demo_users, load_demo

# Apps that add to the demo, each with a `demo.build_demo()`; run in this order, skipped if absent.
_APP_DEMOS = ["biopark.facilities.demo", "biopark.pipeline.demo", "biopark.services.demo", "biopark.rankings.demo",
              "biopark.demo.promotion", "biopark.demo.financing"]


class Command(BaseCommand):
    help = "Build the demo data set from the articles' facts, with demo sign-ins for every role."
    # `make run` has run the system checks with `migrate` just before; the demo skips them (they import
    # every URL and API module, a second or more of a demo meant to take seconds).
    requires_system_checks: list[str] = []

    def handle(self, *args: object, **options: object) -> None:
        counts = load_demo(log=self.stdout.write)
        users = ensure_demo_users()
        self.stdout.write("registry: " + (", ".join(f"{k} +{v}" for k, v in counts.items()) or "up to date"))
        for module_name in _APP_DEMOS:
            module = optional_module(module_name)
            if module is None:
                continue
            result = module.build_demo()
            self.stdout.write(f"{module_name.split('.')[1]}: {result if result is not None else 'done'}")
        self.stdout.write(f"demo sign-ins (password {DEMO_PASSWORD}): " + ", ".join(f"{u} ({r})" for u, r in users))

"""biopark worker: run background tasks queued in the database, and sweep the jobs whose worker died.

django-tasks-db's worker does the queue (it claims one task at a time with a row lock, so any number of
workers, on any machine that reaches the same database, share the queue without running a task twice);
this command adds the sweep (biopark.core.background) and takes every queue by default.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands import db_worker

from biopark.core import background


class Command(db_worker.Command):
    help = (
        "Run a BioPark background worker: it takes queued tasks (large imports, ...) from the database one at "
        "a time and marks failed the jobs whose worker died. Run as many as you like, on any machine that "
        "reaches the database."
    )

    # The web server runs Django's system checks; a worker skips them and starts a few seconds sooner (they
    # load every URL and API module, which a worker never serves).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # Every queue unless told otherwise: a task added later on a queue of its own is not left waiting.
        parser.set_defaults(queue_name="*")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("batch"):
            background.sweep()  # one pass: the batch ends when the queue is empty
            super().handle(*args, **options)
            return
        sweeper = background.SweepThread().start()
        try:
            super().handle(*args, **options)
        finally:
            sweeper.stop()

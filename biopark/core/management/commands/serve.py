"""Serve the platform with gunicorn (a production WSGI server), static files through WhiteNoise."""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve BioPark with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        # gunicorn's advice: sync workers, two per core plus one. Each serves one request at a time, so under
        # load requests queue in order instead of sharing a worker's interpreter lock (threads gave a long
        # tail: p99 three times p50). Put a buffering proxy (nginx) in front for slow clients on the internet.
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
        parser.add_argument("--threads", type=int, default=1)

    def handle(self, *args: object, **options: object) -> None:
        address = f"{options['host']}:{options['port']}"
        self.stdout.write(f"BioPark is serving at http://{address}/  (API docs: http://{address}/api/v1/docs)")
        self.stdout.write("Demo sign-ins (password for all: biopark-demo):")
        from biopark.accounts.demo_users import DEMO_USERS

        for username, role, _label in DEMO_USERS:
            self.stdout.write(f"  {role:<18} {username}")
        sys.stdout.flush()
        argv = [
            "gunicorn",
            "biopark.wsgi:application",
            "--bind", address,
            "--workers", str(options["workers"]),
            "--threads", str(options["threads"]),
            "--access-logfile", "-",
        ]
        os.execvp(sys.executable, [sys.executable, "-m", *argv])

"""Serve the platform with gunicorn (a production WSGI server), static files through WhiteNoise; with
--with-worker, also one background worker (`biopark worker`), both in the foreground as one command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from types import FrameType

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from biopark.core.cli_language import speaks_terminal_language
from biopark.core.demo_users import DEMO_PASSWORD, DEMO_USERS
from biopark.core.roles import Role

# The longest path a Unix socket address holds on Linux (sun_path is 108 bytes with its final NUL).
SOCKET_PATH_MAX = 107


def display_width(text: str) -> int:
    """Columns the text takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def control_socket_args(data_dir: Path, *, enabled: bool = True) -> list[str]:
    """gunicorn's control socket (for `gunicornc`) in this installation's data folder, owner-only.

    gunicorn's default is one fixed path per user ($XDG_RUNTIME_DIR or ~/.gunicorn/gunicorn.ctl), which every
    server that user runs shares: a second server takes over the first one's socket. The data folder is this
    installation's own. Turned off when asked, or when the folder's path is too long for a socket address.
    """
    path = data_dir / "gunicorn.ctl"
    if not enabled or len(os.fsencode(path)) > SOCKET_PATH_MAX:
        return ["--no-control-socket"]
    return ["--control-socket", str(path), "--control-socket-mode", "0600"]


def gunicorn_argv(*, host: str, port: int, workers: int, threads: int, data_dir: Path,
                  control_socket: bool = True) -> list[str]:
    """The gunicorn command line (after `python -m`)."""
    return [
        "gunicorn",
        "biopark.wsgi:application",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--access-logfile", "-",
        *control_socket_args(data_dir, enabled=control_socket),
    ]


def supervise(commands: list[list[str]], *, grace: float = 30.0) -> int:
    """Run the commands side by side until one ends, or a signal asks all to stop; return the first exit code.

    The children get sessions of their own, so the terminal's Ctrl-C reaches this process alone, which passes
    each SIGINT or SIGTERM on to every child once: at the first one gunicorn stops and the worker finishes
    the task in hand (nothing is half-written anyway); a second Ctrl-C makes the worker give it up. When one
    child ends by itself, the others are stopped too: a web server without its worker (or the reverse) is
    not what `make run` promises. A child that outlives `grace` seconds after that is killed.
    """
    children = [subprocess.Popen(command, start_new_session=True) for command in commands]

    def pass_on(signum: int, frame: FrameType | None) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    previous = {sig: signal.signal(sig, pass_on) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        first_code: int | None = None
        while first_code is None:
            for child in children:
                code = child.poll()
                if code is not None:
                    first_code = code
                    break
            else:
                time.sleep(0.2)
        pass_on(signal.SIGTERM, None)
        deadline = time.monotonic() + grace
        for child in children:
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        return first_code
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


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
        parser.add_argument(
            "--with-worker", action="store_true",
            help="Also run one background worker (biopark worker); Ctrl-C stops both. More workers: run "
            "`biopark worker` elsewhere against the same database.",
        )
        parser.add_argument(
            "--no-control-socket", action="store_true",
            help="Do not open gunicorn's control socket (by default it is DATA_DIR/gunicorn.ctl, mode 0600).",
        )

    @speaks_terminal_language
    def handle(self, *args: object, **options: object) -> None:
        address = f"{options['host']}:{options['port']}"
        self.stdout.write(_("BioPark is serving at %(site)s  (API docs: %(docs)s)")
                          % {"site": f"http://{address}/", "docs": f"http://{address}/api/v1/docs"})
        self.stdout.write(_("Demo sign-ins (password for all: %(password)s):") % {"password": DEMO_PASSWORD})
        # The role's label in the terminal's language; the column is as wide as the longest label.
        labels = [(str(Role(role).label), username) for username, role, _attached in DEMO_USERS]
        width = max(display_width(label) for label, _username in labels)
        for label, username in labels:
            self.stdout.write(f"  {label}{' ' * (width - display_width(label))}  {username}")
        sys.stdout.flush()
        argv = gunicorn_argv(
            host=str(options["host"]), port=int(str(options["port"])), workers=int(str(options["workers"])),
            threads=int(str(options["threads"])), data_dir=Path(settings.DATA_DIR),
            control_socket=not options["no_control_socket"],
        )
        if options["with_worker"]:
            self.stdout.write(_("With one background worker (biopark worker). Ctrl-C stops both."))
            sys.stdout.flush()
            worker = [sys.executable, "-m", "biopark.cli", "worker", "--no-reload"]
            raise SystemExit(supervise([[sys.executable, "-m", *argv], worker]))
        os.execvp(sys.executable, [sys.executable, "-m", *argv])

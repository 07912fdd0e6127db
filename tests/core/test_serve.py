"""`biopark serve`: gunicorn's control socket lives in the data folder (owner-only) or is off, never at the
per-user default path that every server on the machine shares."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from gunicorn.app.wsgiapp import WSGIApplication

from biopark.core.management.commands import serve


def _gunicorn_config(argv: list[str], monkeypatch, cwd: Path) -> object:
    """The configuration gunicorn itself builds from this command line (argv[0] is "gunicorn"), run from an
    empty folder so that no gunicorn.conf.py is picked up."""
    monkeypatch.setattr("sys.argv", argv)
    monkeypatch.chdir(cwd)
    return WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").cfg


def test_control_socket_in_the_data_folder(tmp_path, monkeypatch):
    argv = serve.gunicorn_argv(host="127.0.0.1", port=8123, workers=3, threads=1, data_dir=tmp_path)
    cfg = _gunicorn_config(argv, monkeypatch, tmp_path)
    assert cfg.control_socket == str(tmp_path / "gunicorn.ctl")
    assert cfg.control_socket_mode == 0o600
    assert cfg.control_socket_disable is False
    assert cfg.bind == ["127.0.0.1:8123"]
    assert cfg.workers == 3
    home_default = os.path.join(os.path.expanduser("~"), ".gunicorn", "gunicorn.ctl")
    assert cfg.control_socket != home_default


def test_control_socket_can_be_turned_off(tmp_path, monkeypatch):
    argv = serve.gunicorn_argv(host="127.0.0.1", port=8123, workers=1, threads=1, data_dir=tmp_path,
                               control_socket=False)
    cfg = _gunicorn_config(argv, monkeypatch, tmp_path)
    assert cfg.control_socket_disable is True


def test_a_data_folder_too_long_for_a_socket_address_turns_it_off(tmp_path, monkeypatch):
    deep = tmp_path / ("d" * 120)
    argv = serve.gunicorn_argv(host="127.0.0.1", port=8123, workers=1, threads=1, data_dir=deep)
    assert argv[-1] == "--no-control-socket"
    assert _gunicorn_config(argv, monkeypatch, tmp_path).control_socket_disable is True


@pytest.mark.parametrize("extra, expected", [([], ["--control-socket"]), (["--no-control-socket"], [])])
def test_the_command_passes_the_data_folder(extra, expected, settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    seen: list[list[str]] = []
    monkeypatch.setattr(serve.os, "execvp", lambda _exe, args: seen.append(args))
    call_command("serve", "--port", "8124", "--workers", "2", *extra, stdout=io.StringIO())
    (args,) = seen
    assert args[1:3] == ["-m", "gunicorn"]
    if expected:
        i = args.index("--control-socket")
        assert args[i + 1] == str(tmp_path / "gunicorn.ctl")
        assert args[i + 2: i + 4] == ["--control-socket-mode", "0600"]
    else:
        assert "--no-control-socket" in args and "--control-socket" not in args


CHILD = """
import pathlib, signal, sys, time
out = pathlib.Path(sys.argv[1])
def stop(signum, frame):
    out.write_text(signal.Signals(signum).name)
    sys.exit(0)
signal.signal(signal.SIGINT, stop)
signal.signal(signal.SIGTERM, stop)
out.with_suffix(".ready").write_text("ready")
if len(sys.argv) > 2:
    # Exit only once the other child can take its signal (on a busy machine it may not have started yet).
    deadline = time.monotonic() + 60
    while len(list(out.parent.glob("*.ready"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    sys.exit(int(sys.argv[2]))
while True:
    time.sleep(0.05)
"""


def _children(tmp_path: Path, *extra: list[str]) -> tuple[list[list[str]], list[Path]]:
    outs = [tmp_path / "web.out", tmp_path / "worker.out"]
    return [[sys.executable, "-c", CHILD, str(out), *more] for out, more in zip(outs, extra, strict=True)], outs


def test_ctrl_c_stops_the_web_server_and_the_worker(tmp_path):
    """`biopark serve --with-worker` (make run): one Ctrl-C reaches both processes and the command ends."""
    commands, outs = _children(tmp_path, [], [])

    def press_ctrl_c_when_both_run() -> None:
        deadline = time.monotonic() + 60  # a guard against hanging, not a timing assertion
        while not all(out.with_suffix(".ready").exists() for out in outs) and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(os.getpid(), signal.SIGINT)  # the terminal's Ctrl-C reaches the supervising process

    presser = threading.Thread(target=press_ctrl_c_when_both_run)
    presser.start()
    code = serve.supervise(commands)
    presser.join()
    assert code == 0
    assert [out.read_text() for out in outs] == ["SIGINT", "SIGINT"]


def test_when_one_process_ends_the_other_is_stopped(tmp_path):
    commands, outs = _children(tmp_path, [], ["3"])
    assert serve.supervise(commands) == 3
    assert outs[0].read_text() == "SIGTERM" and not outs[1].exists()


def test_serve_with_worker_supervises_gunicorn_and_a_worker(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    seen: list[list[list[str]]] = []
    monkeypatch.setattr(serve, "supervise", lambda commands: seen.append(commands) or 0)
    with pytest.raises(SystemExit) as stopped:
        call_command("serve", "--port", "8125", "--workers", "1", "--with-worker", stdout=io.StringIO())
    assert stopped.value.code == 0
    ((web, worker),) = seen
    assert web[1:4] == ["-m", "gunicorn", "biopark.wsgi:application"] and "127.0.0.1:8125" in web
    assert worker[1:] == ["-m", "biopark.cli", "worker", "--no-reload"]

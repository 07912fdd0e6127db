"""Helpers shared by the HTTP benchmarks: a gunicorn server on loopback and a bounded load client.

The server is `python -m gunicorn biopark.wsgi:application` in a new process, as in production. With
BIOPARK_BENCH_SERVER=fork (set by the smoke run, tests/test_bench_smoke.py, never by a measurement) the
gunicorn master is instead forked from the benchmark's own process, which has already imported Django: the
same application, workers and options, without a second import of Django and every URL module (about 2 s of
CPU per benchmark, which the smoke pays seven times and which it does not test).
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ForkedServer:
    """The gunicorn master forked from this process, with the part of Popen's interface the benchmarks use."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"gunicorn (pid {self.pid})", timeout or 0)
            time.sleep(0.02)
        assert self.returncode is not None
        return self.returncode

    def _signal(self, number: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, number)

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)


def _fork_server(port: int, workers: int, threads: int) -> ForkedServer:
    """Fork this process into a gunicorn master serving biopark.wsgi (loaded before forking its workers, as
    with --preload). Only for a process that has set Django up with the settings the server needs."""
    from django.db import connections

    connections.close_all()  # a database connection must not be shared with the forked processes
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return ForkedServer(pid)
    code = 1
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)  # stdout is the benchmark's JSON: the server writes nothing there
        from gunicorn.app.base import BaseApplication

        import biopark.wsgi

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for name, value in {"bind": f"127.0.0.1:{port}", "workers": workers, "threads": threads,
                                    "loglevel": "warning", "preload_app": True}.items():
                    self.cfg.set(name, value)

            def load(self) -> object:
                return biopark.wsgi.application

        Server().run()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)  # never return into the benchmark's code, nor run its exit handlers


def _forked_serves(env: dict[str, str]) -> bool:
    """Whether the smoke asked for a forked server and this process's settings are the server's: every
    variable the benchmark gives its server already has that value here."""
    return os.environ.get("BIOPARK_BENCH_SERVER") == "fork" and all(os.environ.get(k) == v for k, v in env.items())


def start_server(env: dict[str, str], workers: int = 4, threads: int = 2) -> tuple[subprocess.Popen | ForkedServer, int]:
    port = free_port()
    proc: subprocess.Popen | ForkedServer
    if _forked_serves(env):
        proc = _fork_server(port, workers, threads)
    else:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "biopark.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--threads", str(threads), "--log-level", "warning"],
            cwd=REPO, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, port
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start")


def load(
    port: int,
    paths: Sequence[str],
    *,
    clients: int,
    headers: dict[str, str],
    method: str = "GET",
    body: Callable[[int], bytes] | None = None,
) -> dict[str, float | int]:
    """Send each path once, `clients` at a time (each client keeps its connection); return latency stats."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(offset, len(paths), clients):
            payload = body(i) if body else None
            started = time.perf_counter()
            conn.request(method, paths[i], body=payload, headers=headers)
            response = conn.getresponse()
            response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, range(clients)))
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "clients": clients,
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))], 1),
        "max_ms": round(latencies[-1], 1),
        "throughput_rps": round(len(latencies) / wall, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def wrk_available() -> bool:
    import shutil

    return shutil.which("wrk") is not None


def wrk_load(
    port: int,
    paths: Sequence[str],
    *,
    clients: int,
    headers: dict[str, str],
    seconds: int = 20,
    method: str = "GET",
    bodies: Sequence[str] = (),
    tokens: Sequence[str] = (),
) -> dict[str, float | int]:
    """Drive the server with wrk (a C load generator, so the client costs the 2 cores little):
    `clients` connections cycling through `paths` (and `bodies`, and bearer `tokens` when given) for `seconds`;
    latency percentiles from wrk. Each request takes the next path/body/token, so no two requests repeat
    while the lists last."""
    import json
    import tempfile

    def lua_list(values: Sequence[str]) -> str:
        return "{" + ",".join(json.dumps(v) for v in values) + "}"

    threads = min(2, clients)
    header_lines = "".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in headers.items())
    script = f"""
local paths = {lua_list(paths)}
local bodies = {lua_list(bodies)}
local tokens = {lua_list(tokens)}
local i = 0
local threads = {threads}
local made = 0
id = 0
{header_lines}
local all_threads = {{}}
statuses = {{}}
setup = function(thread)
  thread:set("id", made)
  made = made + 1
  table.insert(all_threads, thread)
end
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
request = function()
  -- wrk threads run separate Lua states: interleave them so that they never send the same item
  local k = i * threads + id
  i = i + 1
  local body = nil
  if #bodies > 0 then body = bodies[(k % #bodies) + 1] end
  if #tokens > 0 then wrk.headers["Authorization"] = "Bearer " .. tokens[(k % #tokens) + 1] end
  return wrk.format({json.dumps(method)}, paths[(k % #paths) + 1], nil, body)
end
done = function(summary, latency, requests)
  for _, thread in ipairs(all_threads) do
    for status, n in pairs(thread:get("statuses")) do
      io.write(string.format("WRKSTATUS %d %d\\n", status, n))
    end
  end
  io.write(string.format('WRKJSON {{"requests": %d, "errors": %d, "non_2xx": %d, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, "duration_s": %.2f}}\\n',
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.duration / 1e6))
end
"""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
        lua = handle.name
    try:
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "-s", lua, f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True, timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(lua)
    line = next(ln for ln in out.splitlines() if ln.startswith("WRKJSON "))
    stats = json.loads(line[len("WRKJSON "):])
    statuses: dict[str, int] = {}
    for ln in out.splitlines():
        if ln.startswith("WRKSTATUS "):
            _, status, count = ln.split()
            statuses[status] = statuses.get(status, 0) + int(count)
    stats["statuses"] = dict(sorted(statuses.items()))
    stats["clients"] = clients
    stats["throughput_rps"] = round(stats["requests"] / stats.pop("duration_s"), 1)
    return stats

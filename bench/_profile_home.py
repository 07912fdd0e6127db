"""Per-request cost of the operator's home page and its API, in process, on the data bench/home.py left in the
database (its latest bench operator). Not a benchmark (no JSON, not in the smoke test): a profiling aid.

    BIOPARK_DATABASE_URL=postgresql://... .venv/bin/python bench/_profile_home.py [-v] [-p] [-n N] [--server]

For `/` (session cookie) and `/api/v1/home` (bearer token), with every tile in the cache (the common case) and
with the tile cache emptied before each request (what the first request after a write or after 60 s pays):
the median wall time and CPU time of this process (Python: middleware, ORM, templates), the queries and the
time the database took for them. -v prints each query of a warm request; -p adds a cProfile of N warm
requests per path (sorted by cumulative time); -n sets the repetitions (default 20). --server measures
instead the CPU time per warm request of one gunicorn worker and its database backend, from /proc.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "biopark.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from biopark.accounts.auth import token_create  # noqa: E402


def _forget_tiles() -> None:
    """Empty the shared cache (tiles, versions, the page's grid): every tile is built anew, as after a write."""
    cache.clear()


def _measure(client: Client, path: str, headers: dict[str, str], n: int, cold: bool) -> dict[str, object]:
    walls, cpus, counts, sqls = [], [], [], []
    for _ in range(n):
        if cold:
            _forget_tiles()
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(path, headers=headers)
            cpus.append((time.process_time() - cpu) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        counts.append(len(queries.captured_queries))
        sqls.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
    return {"wall_ms": round(statistics.median(walls), 1), "cpu_ms": round(statistics.median(cpus), 1),
            "queries": max(counts), "sql_ms": round(statistics.median(sqls), 1), "last": queries}


def _ticks(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used so far."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _server_cost(operator: object, n: int) -> None:
    """CPU per request of a real server: one gunicorn worker (one thread) answering n requests one after the
    other, with its PostgreSQL backend, measured from /proc (the cost 8 clients share on 2 cores)."""
    import http.client
    import subprocess

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _server import start_server

    proc, port = start_server({"BIOPARK_DEBUG": "0"}, workers=1, threads=1)
    signed_in = Client()
    signed_in.force_login(operator)
    cookie = f"{settings.SESSION_COOKIE_NAME}={signed_in.cookies[settings.SESSION_COOKIE_NAME].value}"
    headers_page = {"Cookie": cookie, "Accept-Language": "zh-hans"}
    headers_api = {"Authorization": f"Bearer {token_create(user=operator, name='profile')}",
                   "Accept-Language": "zh-hans"}
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        for path, headers in (("/", headers_page), ("/api/v1/home", headers_api)):
            for _ in range(10):
                conn.request("GET", path, headers=headers)
                conn.getresponse().read()
            worker = [int(p) for p in subprocess.check_output(["pgrep", "-P", str(proc.pid)]).split()]
            with connection.cursor() as cur:
                cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
                backends = [row[0] for row in cur.fetchall()]
            before_w, before_db, started = _ticks(worker), _ticks(backends), time.perf_counter()
            for _ in range(n):
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                assert response.status == 200, (path, response.status)
            wall = (time.perf_counter() - started) / n * 1000
            print(f"server {path:14} worker CPU {(_ticks(worker) - before_w) / n * 1000:.1f} ms, database CPU "
                  f"{(_ticks(backends) - before_db) / n * 1000:.1f} ms, wall {wall:.1f} ms per request "
                  f"(load average {os.getloadavg()[0]:.1f})")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    n = int(sys.argv[sys.argv.index("-n") + 1]) if "-n" in sys.argv else 20
    operator = User.objects.filter(username__startswith="operator-bench-").order_by("-id").first()
    if operator is None:
        raise SystemExit("run bench/home.py on this database first")
    if "--server" in sys.argv:
        _server_cost(operator, max(n, 100))
        return
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page.force_login(operator)
    api = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    bearer = {"Authorization": f"Bearer {token_create(user=operator, name='profile')}"}
    for name, client, path, headers in (("page", page, "/", {}), ("api", api, "/api/v1/home", bearer)):
        client.get(path, headers=headers)
        for cold in (False, True):
            found = _measure(client, path, headers, n, cold)
            queries = found.pop("last")
            print(f"{name:4} {'cold' if cold else 'warm'}", found, f"load average {os.getloadavg()[0]:.1f}")
            if "-v" in sys.argv and not cold:
                for q in queries.captured_queries:
                    print(f"    {q['time']} {q['sql'][:200]}")
    if "-p" in sys.argv:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(lambda: [page.get("/") for _ in range(n)])
        pstats.Stats(profile).sort_stats("cumtime").print_stats(45)
        profile = cProfile.Profile()
        profile.runcall(lambda: [api.get("/api/v1/home", headers=bearer) for _ in range(n)])
        pstats.Stats(profile).sort_stats("cumtime").print_stats(30)


if __name__ == "__main__":
    main()

"""CPU time, queries and SQL time of one request, in process, on the data bench/lead_board.py and
bench/matching.py left in the database: the lead board, a lead list page, ranked investors for a project and
ranked projects for an investor. Not a benchmark (no JSON, not in the smoke test): a profiling aid that stays
meaningful on a loaded machine, since it reports the CPU time the serving process itself spent (wall-clock
latency there mostly measures the queue for the cores).

    BIOPARK_DATABASE_URL=postgresql://... .venv/bin/python bench/_profile_board.py [-v] [-p] [board|list|investors|projects]

Each request is sent 40 times after two warm-up requests; printed: median and best CPU ms per request (the
process's user + system time, which includes the test client's own small share), the mean CPU time the
PostgreSQL server process spent per request (when the server runs on this machine), the number of queries and
the SQL time of the last one. -v prints each query with its time; -p adds a cProfile of five requests of each
kind (sorted by own time). Without a kind name, all four are measured.
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

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from biopark.promotion.models import Pipeline  # noqa: E402

ROUNDS = 40


def _board_client() -> tuple[Client, dict[str, str]] | None:
    operator = User.objects.filter(username__startswith="op-bench-").order_by("-id").first()
    if operator is None:
        return None
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(operator)
    pipeline = Pipeline.objects.get(key="investment-promotion").pk
    return client, {"board": f"/promotion/?pipeline={pipeline}", "list": f"/promotion/leads/?pipeline={pipeline}&page=3"}


def _matching_clients() -> dict[str, tuple[Client, str]]:
    from biopark.accounts.auth import token_create
    from biopark.financing.models import FinancingNeed, Mandate

    operator = User.objects.filter(username__startswith="bench-matching-", username__endswith="-operator").first()
    investor = User.objects.filter(username__startswith="bench-matching-", profile__role="investor").order_by("id").first()
    if operator is None or investor is None:
        return {}
    project = FinancingNeed.objects.filter(project__park__key__startswith="park:bench-matching-").order_by("id") \
        .values_list("project_id", flat=True)[100]
    org = investor.profile.organisation_id
    assert Mandate.objects.filter(organisation_id=org).exists()
    op = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_AUTHORIZATION=f"Bearer {token_create(user=operator, name='profile')}")
    inv = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_AUTHORIZATION=f"Bearer {token_create(user=investor, name='profile')}")
    return {"investors": (op, f"/api/v1/financing/projects/{project}/investors"),
            "projects": (inv, f"/api/v1/financing/investors/{org}/projects")}


def _server_cpu_ms() -> float | None:
    """CPU time so far of the PostgreSQL backend serving this connection, when it runs on this machine
    (/proc/<pid>/stat, user + system ticks): what the database spent on our queries, which a loaded machine's
    wall-clock SQL times blur."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def measure(client: Client, path: str, verbose: bool) -> None:
    for _ in range(2):
        assert client.get(path).status_code == 200, path
    cpu = []
    server_before = _server_cpu_ms()
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as queries:
            started = time.process_time()
            response = client.get(path)
            cpu.append((time.process_time() - started) * 1000)
    server_after = _server_cpu_ms()
    server = "" if server_before is None or server_after is None else \
        f"; database server CPU {(server_after - server_before) / ROUNDS:.1f} ms per request (mean)"
    sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    print(f"{path} {response.status_code}: CPU median {statistics.median(cpu):.1f} ms, best {min(cpu):.1f} ms"
          f"{server}; {len(queries.captured_queries)} queries, {sql_ms:.1f} ms SQL (wall); "
          f"load average {os.getloadavg()[0]:.1f}")
    if verbose:
        for q in queries.captured_queries:
            print(f"  {q['time']} {q['sql'][:160]}")


def main() -> None:
    kinds = [a for a in sys.argv[1:] if not a.startswith("-")] or ["board", "list", "investors", "projects"]
    targets: dict[str, tuple[Client, str]] = {}
    board = _board_client()
    if board is not None:
        targets.update({k: (board[0], p) for k, p in board[1].items()})
    targets.update(_matching_clients())
    missing = [k for k in kinds if k not in targets]
    if missing:
        raise SystemExit(f"no data for {missing}: run bench/lead_board.py and bench/matching.py on this database first")
    for kind in kinds:
        measure(*targets[kind], verbose="-v" in sys.argv)
    if "-p" in sys.argv:
        import cProfile
        import pstats

        for kind in kinds:
            client, path = targets[kind]
            profile = cProfile.Profile()
            profile.runcall(lambda c=client, p=path: [c.get(p) for _ in range(5)])
            print(f"--- {kind}: {path}")
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()

"""Queries and time of one lead board and one list page, in process, on the data bench/lead_board.py left in the
database (its latest bench park and operator). Not a benchmark (no JSON, not in the smoke test): a profiling aid.

    BIOPARK_DATABASE_URL=postgresql://... .venv/bin/python bench/_profile_board.py [-v] [-p]

-v prints each query with its time; -p adds a cProfile of five boards (sorted by cumulative time).
"""

from __future__ import annotations

import os
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


def main() -> None:
    operator = User.objects.filter(username__startswith="op-bench-").order_by("-id").first()
    if operator is None:
        raise SystemExit("run bench/lead_board.py on this database first")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(operator)
    pipeline = Pipeline.objects.get(key="investment-promotion").pk
    for path in (f"/promotion/?pipeline={pipeline}", f"/promotion/leads/?pipeline={pipeline}&page=3"):
        client.get(path)
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                times.append(round((time.perf_counter() - started) * 1000))
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        print(path, response.status_code, f"{len(queries.captured_queries)} queries, {sql_ms:.0f} ms SQL, ms:", times,
              f"load average {os.getloadavg()[0]:.1f}")
        if "-v" in sys.argv:
            for q in queries.captured_queries:
                print(f"  {q['time']} {q['sql'][:160]}")
    if "-p" in sys.argv:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(lambda: [client.get(f"/promotion/?pipeline={pipeline}") for _ in range(5)])
        pstats.Stats(profile).sort_stats("cumtime").print_stats(40)


if __name__ == "__main__":
    main()

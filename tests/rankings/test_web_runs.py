"""Runs started from the web (and the API with "background") are queued and built by the background worker:
queued -> running -> succeeded | failed with a heartbeat; the run's page polls, then shows the ranking with
rank intervals and Sobol indices (with bootstrap intervals). The worker loop runs in this process
(`run_queued_tasks`, the production database backend)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from biopark.accounts.policy import SYSTEM
from biopark.index import build as index_build
from biopark.index import input_from_rows, load_recipe
from biopark.rankings import jobs
from biopark.rankings.models import Framework, Run
from biopark.rankings.services import framework_create, run_create
from tests.rankings.helpers import IDATA, IMETA, RECIPE, make_external

pytestmark = pytest.mark.django_db(transaction=True)
TASK_PATH = "biopark.rankings.jobs.build_run_task"

# Five units so the uncertainty analysis has ranks to move; weights vary, Sobol with bootstrap intervals.
IDATA5 = [*IDATA, {"uCode": "P4", "uName": "Park four", "a1": 25, "a2": 0, "b1": 1},
          {"uCode": "P5", "uName": "Park five", "a1": 5, "a2": 4, "b1": 3}]
RECIPE_UA = {**RECIPE, "uncertainty": {"replications": 50, "seed": 3,
                                       "vary": {"weights": {"noise": 0.5, "levels": [1, 2]}}},
             "sensitivity": {"replications": 20, "seed": 4, "bootstrap": 50}}


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def run_row(run: Run) -> tuple:
    run.refresh_from_db()
    return (run.job_status, run.job_stage, run.status, run.n_units, run.codes, run.scores.count())


def test_run_started_on_the_web_is_queued_then_built_by_the_worker(roles, run_queued_tasks):
    framework = make_external(SYSTEM, owner_park=roles["park"])
    first = run_create(actor=SYSTEM, framework=framework, idata=IDATA, label="first")
    client = signed_in(roles["users"]["operator"])
    page = client.get(f"/rankings/frameworks/{framework.key}/").content.decode()
    assert 'id="run-start"' in page and "Built on the data table of the latest run (first)." in page

    response = client.post(f"/rankings/frameworks/{framework.key}/runs/new/", {"label": "again", "publish": "1"})
    run = Run.objects.exclude(pk=first.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/rankings/runs/{run.pk}/"
    assert [(r.task_path, r.args_kwargs["args"], r.status) for r in DBTaskResult.objects.all()] == [
        (TASK_PATH, [run.pk], "READY")]
    assert run.task_id == str(DBTaskResult.objects.get().id)
    assert run_row(run) == ("queued", "", "draft", 0, [], 0)
    assert (run.idata, run.label, run.publish_on_success) == (IDATA, "again", True)
    waiting = client.get(f"/rankings/runs/{run.pk}/").content.decode()
    assert 'data-status="queued"' in waiting and 'hx-trigger="every 1s"' in waiting
    assert "waiting for a background worker" in waiting
    # The other results pages of an unbuilt run lead to its progress page.
    assert client.get(f"/rankings/runs/{run.pk}/uncertainty/")["Location"] == f"/rankings/runs/{run.pk}/"
    framework_page = client.get(f"/rankings/frameworks/{framework.key}/").content.decode()
    assert f'<a href="/rankings/runs/{run.pk}/">#{run.pk} again</a> · Queued' in framework_page
    # Not listed as the framework's latest run while it is not built.
    assert f'href="/rankings/runs/{first.pk}/"' in client.get("/rankings/").content.decode()

    run_queued_tasks()
    assert run_row(run) == ("succeeded", "store", "published", 3, ["Index", "A", "B"], 9)
    assert run.attempts == 1 and run.finished_at is not None and run.heartbeat_at is not None
    assert {s.unit_code: (s.score, s.rank) for s in run.scores.filter(code="Index")} == {
        "P1": (0.0, 3), "P2": (62.5, 2), "P3": (87.5, 1)}
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    page = client.get(f"/rankings/runs/{run.pk}/").content.decode()
    assert 'id="ranking"' in page and "run-job" not in page


def test_results_page_shows_rank_intervals_and_sobol_indices_with_bootstrap(roles, run_queued_tasks):
    framework_create(actor=SYSTEM, key="toy-ua", kind="external", name_en="Toy UA", imeta=IMETA,
                     recipe=RECIPE_UA, owner_park=roles["park"])
    client = signed_in(roles["users"]["operator"])
    response = client.post("/api/v1/rankings/runs", {"framework": "toy-ua", "idata": IDATA5, "background": True},
                           content_type="application/json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["job_status"], body["n_units"], body["status"]) == ("queued", 0, "draft")
    run_queued_tasks()
    status = client.get(f"/api/v1/rankings/runs/{body['id']}").json()
    assert (status["job_status"], status["n_units"], status["job_error"]) == ("succeeded", 5, "")

    run = Run.objects.get(pk=body["id"])
    # The stored analyses are the engine's own, built on the same inputs.
    expected = index_build(input_from_rows(IDATA5, IMETA), load_recipe(RECIPE_UA))
    assert run.uncertainty["rows"] == list(expected.uncertainty.rows())
    assert run.sensitivity["rows"] == list(expected.sensitivity.rows())
    assert {r["factor"] for r in run.sensitivity["rows"]} == {"weights"}
    page = client.get(f"/rankings/runs/{run.pk}/").content.decode()
    assert "Rank interval" in page and 'id="sobol-table"' in page
    for row in run.uncertainty["rows"]:
        assert f'{row["p05_rank"]:.0f}–{row["p95_rank"]:.0f} ({row["median_rank"]:.1f})' in page
    sobol = run.sensitivity["rows"][0]
    assert "<td>Weights</td>" in page
    assert f'{sobol["first_q05"]:.3f} – {sobol["first_q95"]:.3f}' in page
    assert f'{sobol["total_q05"]:.3f} – {sobol["total_q95"]:.3f}' in page


def test_a_run_that_cannot_be_built_fails_with_its_reason_and_stores_nothing(roles, run_queued_tasks):
    framework = make_external(SYSTEM, owner_park=roles["park"])
    client = signed_in(roles["users"]["operator"])
    constant = [dict(r, a1=1) for r in IDATA]  # min-max of a constant indicator: the build fails
    response = client.post("/api/v1/rankings/runs", {"framework": framework.key, "idata": constant,
                                                     "background": True}, content_type="application/json")
    assert response.status_code == 202
    run_queued_tasks()
    run = Run.objects.get()
    assert run_row(run) == ("failed", "build", "draft", 0, [], 0)
    assert run.job_error.startswith("index engine:") and "a1" in run.job_error
    page = client.get(f"/rankings/runs/{run.pk}/").content.decode()
    assert 'data-status="failed"' in page and "The run failed:" in page and "hx-trigger" not in page
    # A run that was not built cannot be published.
    assert client.post(f"/api/v1/rankings/runs/{run.pk}/publish").status_code == 422
    assert run_row(run) == ("failed", "build", "draft", 0, [], 0)


def test_starting_a_run_is_refused_to_non_owners_and_bad_years_are_named(roles, run_queued_tasks):
    framework = make_external(SYSTEM, owner_park=roles["other_park"])
    run_create(actor=SYSTEM, framework=framework, idata=IDATA)
    before = list(Run.objects.values_list("pk", "job_status", "status", "n_units"))
    for role in ("operator", "viewer"):
        response = signed_in(roles["users"][role]).post(f"/rankings/frameworks/{framework.key}/runs/new/", {})
        assert response.status_code == 403
    assert signed_in(roles["users"]["operator"]).get(f"/rankings/frameworks/{framework.key}/").content.decode(
    ).count('id="run-start"') == 0
    assert list(Run.objects.values_list("pk", "job_status", "status", "n_units")) == before
    assert DBTaskResult.objects.count() == 0


def test_a_park_run_needs_a_year_named_in_the_form(roles):
    from biopark.metrics.services import indicator_ensure_catalogue
    from biopark.rankings import defaults

    indicator_ensure_catalogue(actor=SYSTEM)
    framework = framework_create(actor=SYSTEM, key="parks", kind=Framework.Kind.PARK, name_en="Parks",
                                 imeta=defaults.default_imeta(), recipe=defaults.DEFAULT_RECIPE,
                                 owner_park=roles["park"])
    client = signed_in(roles["users"]["operator"])
    for year in ("", "abc", "20240", "1800"):
        response = client.post(f"/rankings/frameworks/{framework.key}/runs/new/", {"year": year})
        assert response.status_code == 422
        assert "year: give the year of the observations (1900–2200)" in response.content.decode()
    assert Run.objects.count() == 0 and DBTaskResult.objects.count() == 0


def test_a_run_whose_worker_died_is_swept_to_failed(roles):
    framework = make_external(SYSTEM, owner_park=roles["park"])
    old = timezone.now() - dt.timedelta(hours=1)
    dead = Run.objects.create(framework=framework, version=framework.versions.get(), job_status="running",
                              heartbeat_at=old, attempts=1)
    alive = Run.objects.create(framework=framework, version=framework.versions.get(), job_status="running",
                               heartbeat_at=timezone.now(), attempts=1)
    assert jobs.expire_stale() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.job_status, dead.job_error) == ("failed", jobs.DIED)
    assert alive.job_status == "running"
    page = signed_in(roles["users"]["operator"]).get(f"/rankings/runs/{dead.pk}/").content.decode()
    assert "The worker building this run stopped before it finished" in page


def test_pages_and_api_of_a_run_not_built_answer_without_a_server_error(roles):
    framework = make_external(SYSTEM, owner_park=roles["park"])
    queued = Run.objects.create(framework=framework, version=framework.versions.get(), job_status="queued")
    client = signed_in(roles["users"]["operator"])
    for path in ("uncertainty/", "units/P1/", "export.xlsx"):
        assert client.get(f"/rankings/runs/{queued.pk}/{path}")["Location"] == f"/rankings/runs/{queued.pk}/"
    answers = {path: client.get(f"/api/v1/rankings/runs/{queued.pk}{path}").status_code
               for path in ("", "/ranking", "/units/P1", "/uncertainty", "/inputs", "/reproduce", "/export.xlsx")}
    assert all(status < 500 for status in answers.values()), answers
    assert answers[""] == 200 and answers["/ranking"] == 404

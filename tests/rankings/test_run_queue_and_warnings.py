"""POST /runs queues in the background worker by default (a build in the request only for small explicit
requests), and a run stores the analysis tables its build could not compute (warnings) and shows them."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from biopark.accounts.policy import SYSTEM
from biopark.rankings.models import Run
from biopark.rankings.services import SYNC_MAX_BUILDS, framework_create, run_create
from tests.rankings.helpers import IDATA, IMETA, RECIPE, make_external

pytestmark = pytest.mark.django_db(transaction=True)

# Goalposts truncate a2 (1, 3, 2 below its lower goalpost 5) to 0 for every unit: pillar A's PCA has a
# column without variance, the ranking itself is fine.
GOALPOSTS = {"steps": [{"normalise": {"method": "goalposts", "goalposts": {
    "a1": [0, 40, 100], "a2": [5, 10, 100], "b1": [0, 10, 100]}}}, {"aggregate": {"method": "amean"}}]}
# 1 + 150 + 20 × (1 factor + 2) = 211 builds: above the limit of a build in the request.
BIG = {**RECIPE, "uncertainty": {"replications": 150, "seed": 1, "vary": {"weights": {"noise": 0.2}}},
       "sensitivity": {"replications": 20}}


def signed_in(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def post_run(client: Client, body: dict):
    return client.post("/api/v1/rankings/runs", body, content_type="application/json")


def test_a_run_posted_without_background_is_queued_for_the_worker(roles, run_queued_tasks):
    make_external(SYSTEM, owner_park=roles["park"])
    client = signed_in(roles["users"]["operator"])
    response = post_run(client, {"framework": "toy", "idata": IDATA})
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["job_status"], body["status"], body["n_units"], body["warnings"]) == ("queued", "draft", 0, [])
    assert [(t.task_path, t.args_kwargs["args"]) for t in DBTaskResult.objects.all()] == [
        ("biopark.rankings.jobs.build_run_task", [body["id"]])]
    run_queued_tasks()
    done = client.get(f"/api/v1/rankings/runs/{body['id']}").json()
    assert (done["job_status"], done["status"], done["n_units"]) == ("succeeded", "published", 3)


def test_a_small_run_is_built_in_the_request_only_when_asked(roles):
    make_external(SYSTEM, owner_park=roles["park"])
    response = post_run(signed_in(roles["users"]["operator"]), {"framework": "toy", "idata": IDATA,
                                                                "background": False})
    assert response.status_code == 201, response.content
    assert (response.json()["job_status"], response.json()["n_units"]) == ("succeeded", 3)
    assert DBTaskResult.objects.count() == 0


def test_a_large_run_is_not_built_in_the_request_and_the_field_is_named(roles):
    framework_create(actor=SYSTEM, key="big", kind="external", name_en="Big", imeta=IMETA, recipe=BIG,
                     owner_park=roles["park"])
    response = post_run(signed_in(roles["users"]["operator"]), {"framework": "big", "idata": IDATA,
                                                                "background": False})
    assert response.status_code == 422
    error = response.json()["error"]
    assert list(error["fields"]) == ["background"]
    assert error["message"] == (
        f"background: only runs of at most {SYNC_MAX_BUILDS} builds (uncertainty and sensitivity runs included) "
        "and 500 units are built in the request; this one makes 211 builds on 3 rows. Leave out \"background\" "
        "to queue it for the worker.")
    assert Run.objects.count() == 0 and DBTaskResult.objects.count() == 0


def test_a_non_owner_asking_for_a_large_build_in_the_request_is_refused_as_such(roles):
    framework_create(actor=SYSTEM, key="big", kind="external", name_en="Big", imeta=IMETA, recipe=BIG,
                     owner_park=roles["other_park"])
    response = post_run(signed_in(roles["users"]["operator"]), {"framework": "big", "idata": IDATA,
                                                                "background": False})
    assert response.status_code == 403 and Run.objects.count() == 0


def test_unavailable_analyses_are_stored_with_the_run_and_shown(roles, run_queued_tasks):
    framework_create(actor=SYSTEM, key="posts", kind="external", name_en="Posts", imeta=IMETA, recipe=GOALPOSTS,
                     owner_park=roles["park"])
    client = signed_in(roles["users"]["operator"])
    response = post_run(client, {"framework": "posts", "idata": IDATA})
    assert response.status_code == 202
    run_queued_tasks()
    run = Run.objects.get()
    assert run.job_status == "succeeded"
    expected = [{"table": "pca_weights", "group": "A", "reason": "zero variance in a2"}]
    assert run.warnings == expected
    # Index = mean(A, B): A = mean(a1/40·100, 0) = 12.5, 25, 37.5; B = (10 − b1)·10 = 60, 80, 100.
    assert {s.unit_code: s.score for s in run.scores.filter(code="Index")} == {"P1": 36.25, "P2": 52.5,
                                                                               "P3": 68.75}
    assert client.get(f"/api/v1/rankings/runs/{run.pk}").json()["warnings"] == expected
    page = client.get(f"/rankings/runs/{run.pk}/").content.decode()
    assert ('<tr><td>PCA weights</td><td>Pillar A</td><td>no variation in A two</td></tr>' in page)
    zh = signed_in(roles["users"]["operator"], "zh-hans").get(f"/rankings/runs/{run.pk}/").content.decode()
    assert "<tr><td>PCA 权重</td><td>Pillar A</td><td>A two 没有差异</td></tr>" in zh


def test_a_run_built_in_the_request_stores_its_warnings_too(roles):
    framework = framework_create(actor=SYSTEM, key="posts", kind="external", name_en="Posts", imeta=IMETA,
                                 recipe=GOALPOSTS)
    run = run_create(actor=SYSTEM, framework=framework, idata=IDATA)
    assert run.warnings == [{"table": "pca_weights", "group": "A", "reason": "zero variance in a2"}]

"""Rankings API and pages: answers, error format, visibility rules, charts and the synthetic label."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from biopark.accounts.policy import SYSTEM
from biopark.rankings.models import Framework, FrameworkVersion, Run
from biopark.rankings.services import run_create
from tests.rankings.helpers import IDATA, IMETA, RECIPE, make_external

pytestmark = pytest.mark.django_db


def _error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    return body["error"]


@pytest.fixture
def toy_run(roles):
    return run_create(actor=SYSTEM, framework=make_external(SYSTEM), idata=IDATA)


def test_ranking_unit_and_inputs_endpoints(client, roles, toy_run):
    client.force_login(roles["users"]["viewer"])
    body = client.get(f"/api/v1/rankings/runs/{toy_run.pk}/ranking").json()
    assert body["code"] == "Index" and body["synthetic"] is False
    assert [(r["rank"], r["unit"], r["score"], r["children"]) for r in body["rows"]] == [
        (1, "P3", 87.5, {"A": 75.0, "B": 100.0}), (2, "P2", 62.5, {"A": 75.0, "B": 50.0}),
        (3, "P1", 0.0, {"A": 0.0, "B": 0.0})]
    pillar = client.get(f"/api/v1/rankings/runs/{toy_run.pk}/ranking?code=B").json()
    assert [r["unit"] for r in pillar["rows"]] == ["P3", "P2", "P1"]
    unit = client.get(f"/api/v1/rankings/runs/{toy_run.pk}/units/P2").json()
    assert [(s["code"], s["score"], s["rank"]) for s in unit["scores"]] == [
        ("Index", 62.5, 2), ("A", 75.0, 1), ("B", 50.0, 2)]
    inputs = client.get(f"/api/v1/rankings/runs/{toy_run.pk}/inputs").json()
    assert inputs == {"run": toy_run.pk, "idata_columns": ["uCode", "uName", "a1", "a2", "b1"], "idata": IDATA,
                      "imeta": IMETA, "recipe": RECIPE}
    assert client.get(f"/api/v1/rankings/runs/{toy_run.pk}/reproduce").json() == {"run": toy_run.pk,
                                                                                    "identical": True}
    frameworks = client.get("/api/v1/rankings/frameworks").json()
    assert [(f["key"], f["current_version"]) for f in frameworks] == [("toy", 1)]
    _error(client.get(f"/api/v1/rankings/runs/{toy_run.pk}/ranking?code=Nope"), 404, "not_found")
    _error(client.get("/api/v1/rankings/runs/999999"), 404, "not_found")


def test_api_create_framework_run_and_new_version(client, roles):
    client.force_login(roles["users"]["operator"])
    resp = client.post("/api/v1/rankings/frameworks", {"key": "toy", "kind": "external", "name_en": "Toy",
                                                       "imeta": IMETA, "recipe": RECIPE},
                       content_type="application/json")
    assert resp.status_code == 201, resp.content
    resp = client.post("/api/v1/rankings/runs", {"framework": "toy", "idata": IDATA, "background": False},
                       content_type="application/json")
    assert resp.status_code == 201 and resp.json()["n_units"] == 3
    resp = client.patch("/api/v1/rankings/frameworks/toy", {"weights": {"B": 3}}, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["current_version"] == 2
    detail = client.get("/api/v1/rankings/frameworks/toy").json()
    assert [v["number"] for v in detail["versions"]] == [1, 2]


def test_api_bad_inputs_are_4xx_naming_the_problem(client, roles):
    client.force_login(roles["users"]["operator"])
    err = _error(client.post("/api/v1/rankings/frameworks",
                             {"key": "toy", "kind": "external", "name_en": "Toy", "imeta": IMETA,
                              "recipe": {"steps": [{"aggregate": {"method": "median"}}]}},
                             content_type="application/json"), 422, "validation_error")
    assert list(err["fields"]) == ["recipe"] and "median" in err["message"]
    err = _error(client.post("/api/v1/rankings/frameworks", {"key": "toy"}, content_type="application/json"),
                 422, "validation_error")
    assert "imeta" in err["fields"]
    make_external(SYSTEM, owner_park=roles["park"])  # the operator's park owns it: it may build runs
    err = _error(client.post("/api/v1/rankings/runs", {"framework": "toy", "idata": [dict(r, a1=1) for r in IDATA],
                                                     "background": False},
                             content_type="application/json"), 422, "validation_error")
    assert err["message"].startswith("index engine:") and "a1" in err["message"]
    err = _error(client.post("/api/v1/rankings/runs", {"framework": "toy", "background": False}, content_type="application/json"),
                 422, "validation_error")
    assert list(err["fields"]) == ["idata"]
    _error(client.post("/api/v1/rankings/runs", {"framework": "nope", "idata": IDATA, "background": False},
                       content_type="application/json"), 404, "not_found")
    assert Run.objects.count() == 0


def test_api_refusals_change_nothing(client, roles):
    framework = make_external(SYSTEM)
    client.force_login(roles["users"]["investor"])
    _error(client.post("/api/v1/rankings/runs", {"framework": "toy", "idata": IDATA, "background": False},
                       content_type="application/json"), 403, "forbidden")
    _error(client.patch("/api/v1/rankings/frameworks/toy", {"weights": {"B": 3}}, content_type="application/json"),
           403, "forbidden")
    assert Run.objects.count() == 0
    assert FrameworkVersion.objects.filter(framework=framework).count() == 1


def test_drafts_are_for_owners_and_anonymous_needs_a_public_park(client, roles):
    framework = make_external(SYSTEM, owner_park=roles["park"])
    draft = run_create(actor=SYSTEM, framework=framework, idata=IDATA, publish=False)
    # A draft one may not see answers like a missing run (no existence oracle).
    _error(client.get(f"/api/v1/rankings/runs/{draft.pk}"), 404, "not_found")  # anonymous, nothing public
    client.force_login(roles["users"]["viewer"])
    _error(client.get(f"/api/v1/rankings/runs/{draft.pk}"), 404, "not_found")
    assert client.get("/api/v1/rankings/runs").json()["count"] == 0
    _error(client.post(f"/api/v1/rankings/runs/{draft.pk}/publish"), 404, "not_found")
    client.force_login(roles["users"]["operator"])
    assert client.get(f"/api/v1/rankings/runs/{draft.pk}").json()["status"] == "draft"
    assert client.post(f"/api/v1/rankings/runs/{draft.pk}/publish").json()["status"] == "published"
    client.logout()
    _error(client.get(f"/api/v1/rankings/runs/{draft.pk}"), 404, "not_found")
    roles["other_park"].public_directory = True
    roles["other_park"].save()
    assert client.get(f"/api/v1/rankings/runs/{draft.pk}").status_code == 200


def test_pages_tables_charts_and_export(client, roles, toy_run):
    client.force_login(roles["users"]["viewer"])
    html = client.get(f"/rankings/runs/{toy_run.pk}/").content.decode()
    assert '<table class="sortable ranking"' in html and '<th data-col="0"' in html
    assert html.index("Park three") < html.index("Park two") < html.index("Park one")
    assert "synthetic" not in html.lower()
    html = client.get(f"/rankings/runs/{toy_run.pk}/units/P2/").content.decode()
    assert "<svg" in html and "62.50" in html and 'id="strengths"' in html
    assert "<script" not in html.split("</head>")[1] and 'style="' not in html
    html = client.get(f"/rankings/frameworks/{toy_run.framework.key}/").content.decode()
    assert 'id="framework-tree"' in html and "<code>a1</code>" in html and "50.0%" in html
    assert client.get(f"/rankings/runs/{toy_run.pk}/uncertainty/").status_code == 200
    resp = client.get(f"/rankings/runs/{toy_run.pk}/export.xlsx")
    wb = load_workbook(io.BytesIO(resp.content))
    rows = list(wb["排名"].iter_rows(values_only=True))
    assert rows[0][:4] == ("单元代码", "名称", "Index 得分", "Index 排名")
    assert rows[2][:4] == ("P3", "Park three", 87.5, 1)
    assert [r[0] for r in wb["iData"].iter_rows(values_only=True)] == ["uCode", "P1", "P2", "P3"]


def test_pages_refuse_anonymous_and_drafts(client, roles, toy_run):
    assert client.get("/rankings/").status_code == 302
    draft = run_create(actor=SYSTEM, framework=toy_run.framework, idata=IDATA, publish=False)
    client.force_login(roles["users"]["viewer"])
    assert client.get(f"/rankings/runs/{draft.pk}/").status_code == 404  # hidden reads as missing
    assert client.get(f"/rankings/runs/{toy_run.pk}/").status_code == 200


def test_synthetic_label_on_every_page_of_the_example(client, roles):
    from biopark.rankings.demo import _synthetic

    _synthetic()
    run = Run.objects.get(framework__key="example-park-competitiveness")
    unit = run.scores.first().unit_code
    client.force_login(roles["users"]["viewer"])
    for url in ["/rankings/", f"/rankings/runs/{run.pk}/", f"/rankings/runs/{run.pk}/?code=talent",
                f"/rankings/runs/{run.pk}/units/{unit}/", f"/rankings/runs/{run.pk}/uncertainty/",
                "/rankings/frameworks/example-park-competitiveness/"]:
        # The label reads in the page's language alone (no English on a Chinese page, no Chinese on an English one).
        html = client.get(url).content.decode()  # in the site's language, Chinese
        assert 'id="synthetic-label"><strong>虚构示例数据</strong>' in html, url
        en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'id="synthetic-label"><strong>synthetic example data</strong>' in en, url
    html = client.get(f"/rankings/runs/{run.pk}/uncertainty/").content.decode()
    assert html.count("<circle") == 60  # median dot and nominal ring for each of 30 parks
    assert client.get(f"/api/v1/rankings/runs/{run.pk}/ranking").json()["synthetic"] is True
    assert Framework.objects.get(key="example-park-competitiveness").synthetic

"""The framework builder on the web: create a framework from the indicator catalogue, change it into a new
version, preview a draft's ranking without saving, errors next to their fields, refusals change nothing."""

from __future__ import annotations

import decimal
from typing import Any

import pytest
from django.test import Client

from biopark.accounts.policy import SYSTEM
from biopark.metrics.models import Indicator, Observation
from biopark.metrics.services import indicator_ensure_catalogue
from biopark.rankings.models import Framework, FrameworkVersion, Run
from biopark.rankings.services import run_create
from tests.factories import ParkFactory

pytestmark = pytest.mark.django_db

YEAR = 2024


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def form(**extra: Any) -> dict[str, Any]:
    """A framework of two catalogue indicators under one index: min-max then arithmetic mean."""
    return {"key": "my-index", "name_zh": "我的指数", "name_en": "My index",
            "n-0-code": "Index", "n-0-type": "Aggregate", "n-0-name": "Total", "n-0-parent": "",
            "n-0-weight": "1", "add": ["ind_enterprises", "env_rent"], "add_parent": "Index",
            "s-0-step": "normalise", "s-0-method": "minmax", "s-0-params": "range=[0, 100]",
            "s-1-step": "aggregate", "s-1-method": "amean", "s-1-params": "", "action": "save", **extra}


def node_form(version: FrameworkVersion, **changes: Any) -> dict[str, Any]:
    """The builder's fields for a stored version (as the page renders them), with some changed."""
    data: dict[str, Any] = {}
    rows = [r for r in version.imeta if r["Type"] in ("Indicator", "Aggregate")]
    for i, r in enumerate(rows):
        data.update({f"n-{i}-code": r["iCode"], f"n-{i}-type": r["Type"], f"n-{i}-name": r["iName"],
                     f"n-{i}-parent": r["Parent"], f"n-{i}-direction": str(r["Direction"]),
                     f"n-{i}-weight": str(r["Weight"])})
    data.update({"s-0-step": "normalise", "s-0-method": "minmax", "s-0-params": "range=[0, 100]",
                 "s-1-step": "aggregate", "s-1-method": "amean", "action": "save"})
    data.update(changes)
    return data


@pytest.fixture
def world(roles):
    indicator_ensure_catalogue(actor=SYSTEM)
    parks = [ParkFactory(name_en=f"Park {c}", name_zh=f"园区{c}", key=f"park-{c.lower()}") for c in "XYZ"]
    values = {"ind_enterprises": (10, 20, 40), "env_rent": (30, 50, 40)}
    for code, row in values.items():
        ind = Indicator.objects.get(key=code)
        for park, value in zip(parks, row, strict=True):
            Observation.objects.create(park=park, indicator=ind, year=YEAR, value=decimal.Decimal(value),
                                       source="test table")
    return {**roles, "parks": parks}


def version_rows(framework: Framework) -> list[tuple]:
    return list(framework.versions.order_by("number").values_list("number", "imeta", "recipe", "note"))


def test_create_a_framework_from_the_catalogue(world):
    client = signed_in(world["users"]["operator"])
    page = client.get("/rankings/new/").content.decode()
    assert "Add indicators from the catalogue" in page and "Biomedical enterprises" in page
    assert "computed from the registry" in page and "observed (imported with a source)" in page
    response = client.post("/rankings/new/", form())
    assert response.status_code == 302 and response["Location"] == "/rankings/frameworks/my-index/"
    framework = Framework.objects.get(key="my-index")
    assert (framework.kind, framework.owner_park, framework.name_zh, framework.name_en) == (
        "park", world["park"], "我的指数", "My index")
    version = framework.versions.get()
    assert version.imeta == [
        {"Level": 1, "iCode": "ind_enterprises", "iName": "Biomedical enterprises", "Direction": 1, "Weight": 1,
         "Unit": "count", "Target": "", "Denominator": "", "Parent": "Index", "Type": "Indicator"},
        {"Level": 1, "iCode": "env_rent", "iName": "Average rent of standard plant space", "Direction": -1,
         "Weight": 1, "Unit": "CNY/m²/month", "Target": "", "Denominator": "", "Parent": "Index",
         "Type": "Indicator"},
        {"Level": 2, "iCode": "Index", "iName": "Total", "Direction": 1, "Weight": 1, "Unit": "", "Target": "",
         "Denominator": "", "Parent": "", "Type": "Aggregate"},
    ]
    # Not the default framework's recipe name and description: they describe the default's own steps.
    assert version.recipe == {
        "steps": [{"normalise": {"method": "minmax", "range": [0, 100]}}, {"aggregate": {"method": "amean"}}],
    }


def test_save_makes_a_new_version_and_old_runs_keep_theirs(world):
    client = signed_in(world["users"]["operator"])
    client.post("/rankings/new/", form())
    framework = Framework.objects.get(key="my-index")
    run = run_create(actor=SYSTEM, framework=framework, year=YEAR)
    v1 = framework.versions.get()
    page = client.get("/rankings/frameworks/my-index/build/").content.decode()
    assert 'name="n-1-weight" value="1"' in page and "Save as a new version" in page
    response = client.post("/rankings/frameworks/my-index/build/",
                           node_form(v1, **{"n-1-weight": "3", "note": "rent counts more",
                                            "s-1-params": "", "s-2-step": ""}))
    assert response.status_code == 302
    v2 = framework.versions.get(number=2)
    assert [r["Weight"] for r in v2.imeta] == [1, 3, 1] and v2.note == "rent counts more"
    assert v1.imeta == FrameworkVersion.objects.get(pk=v1.pk).imeta
    run.refresh_from_db()
    assert run.version_id == v1.pk


def test_preview_shows_the_draft_ranking_beside_the_current_one_and_saves_nothing(world):
    client = signed_in(world["users"]["operator"])
    client.post("/rankings/new/", form())
    framework = Framework.objects.get(key="my-index")
    v1 = framework.versions.get()
    before = version_rows(framework)
    # Current: enterprises 10, 20, 40 -> 0, 33.33, 100; rent (lower better) 30, 50, 40 -> 100, 0, 50.
    # Index: X 50, Y 16.67, Z 75 -> Z 1, X 2, Y 3. Draft: rent weight 0 -> Z 1, Y 2, X 3.
    response = client.post("/rankings/frameworks/my-index/build/",
                           node_form(v1, **{"n-1-weight": "0", "action": "preview", "preview_year": str(YEAR)}))
    assert response.status_code == 200
    result = response.context["result"]
    assert [(r.unit, round(r.score, 2), r.rank, r.current_rank, r.shift) for r in result.rows] == [
        ("park-z", 100.0, 1, 1, 0), ("park-y", 33.33, 2, 3, 1), ("park-x", 0.0, 3, 2, -1)]
    page = response.content.decode()
    assert 'id="preview-table"' in page and "observations of 2024" in page and "+1" in page
    assert version_rows(framework) == before and Run.objects.count() == 0


def test_errors_are_named_next_to_their_fields_and_nothing_is_written(world):
    client = signed_in(world["users"]["operator"])
    cases = [
        ({"n-0-weight": "abc"}, "weight: give a number, 0 or more"),
        ({"s-0-params": "range"}, "parameters: write name=value, separated by &#x27;;&#x27; (range)"),
        ({"s-0-method": "amean"}, "method: choose one of the listed methods"),
        ({"s-0-step": "explode"}, "step: choose one of the listed steps"),
        ({"s-0-params": "range=[0]"}, "normalise"),
        ({"add": [], "n-0-code": "Index"}, "add at least one indicator"),
        ({"agg_code": "9 bad"}, "code: a letter, then letters"),
        ({"n-0-parent": "Index"}, "a node cannot be its own parent"),
        ({"u_replications": "5"}, "give a whole number from 10 to 20,000"),
        ({"u_replications": "100", "u_noise": "2"}, "weight noise: a number between 0 and 1"),
        ({"key": "Bad Key"}, "key: use lower-case letters"),
        ({"n-0-code": "x\x00"}, "code: a letter, then letters"),
    ]
    for changes, message in cases:
        response = client.post("/rankings/new/", form(**changes))
        assert response.status_code == 422, changes
        assert message in response.content.decode(), (changes, message)
    assert Framework.objects.count() == 0


def test_builder_is_refused_to_those_who_do_not_own_the_framework(world):
    signed_in(world["users"]["operator"]).post("/rankings/new/", form())
    framework = Framework.objects.get(key="my-index")
    v1 = framework.versions.get()
    before = version_rows(framework)
    from biopark.accounts.models import Role
    from tests.factories import make_user

    other = make_user(Role.OPERATOR, park=world["other_park"])
    for user in (other, world["users"]["viewer"], world["users"]["investor"]):
        client = signed_in(user)
        assert client.get("/rankings/frameworks/my-index/build/").status_code == 403
        response = client.post("/rankings/frameworks/my-index/build/", node_form(v1, **{"n-1-weight": "5"}))
        assert response.status_code == 403
    assert signed_in(world["users"]["viewer"]).post("/rankings/new/", form(key="viewer-index")).status_code == 403
    assert version_rows(framework) == before and Framework.objects.count() == 1


def test_builder_and_errors_read_in_chinese(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world["users"]["operator"])
    page = client.get("/rankings/new/").content.decode()
    for text in ("新建框架", "从指标目录添加指标", "由名录计算", "缺失值插补", "算术平均", "创建框架"):
        assert text in page, text
    response = client.post("/rankings/new/", form(**{"n-0-weight": "abc"}))
    assert response.status_code == 422 and "权重：请填写大于或等于 0 的数字" in response.content.decode()


def test_the_default_framework_goes_through_the_builder_unchanged(world):
    """The builder's page holds every field of a stored version: saving it untouched makes no new version."""
    import re
    from html import unescape

    from biopark.rankings.services import framework_ensure_default

    framework = framework_ensure_default(actor=SYSTEM)
    admin = signed_in(world["users"]["admin"])
    page = admin.get(f"/rankings/frameworks/{framework.key}/build/").content.decode()
    data: dict[str, Any] = {}
    # What a browser sends: every text and hidden input, no unchecked checkbox, each select's chosen option.
    for name, value in re.findall(r'<input(?![^>]*type="checkbox")[^>]*name="([^"]+)" value="([^"]*)"', page):
        data[name] = unescape(value)
    for name, value in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(?:(?!</select>).)*?<option value="([^"]*)" '
                                  r'selected', page, re.S):
        data[name] = value
    for name, value in re.findall(r'<input type="checkbox" name="([^"]+)" value="([^"]*)" checked', page):
        data.setdefault(name, []).append(value)
    # The default recipe's normalisation alternatives are shown checked.
    assert data["u_alt_normalise"] == ["minmax", "rank"]
    data.pop("csrfmiddlewaretoken", None)
    response = admin.post(f"/rankings/frameworks/{framework.key}/build/", {**data, "action": "save"})
    assert response.status_code == 302, response.context and response.context["errors"]
    assert framework.versions.count() == 1


HOSTILE = [
    {"s-0-params": "range=[100, 0]"}, {"s-0-params": "range=\"abc\""}, {"s-0-params": "indiv={\"x\": 1}"},
    {"s-0-params": "range=[0, 100]; ties=\"min\"; bogus=1"}, {"s-1-params": "p=-3"},
    {"s-1-method": "genmean", "s-1-params": "p=\"x\""}, {"s-2-step": "treat", "s-2-params": "winmax=\"x\""},
    {"s-2-step": "screen", "s-2-params": "min_availability=7"}, {"s-2-step": "impute", "s-2-params": "group=\"g\""},
    {"s-0-step": "aggregate", "s-1-step": "normalise"}, {"n-1-weight": "1e400"}, {"n-1-weight": "nan"},
    {"n-1-parent": "env_rent"}, {"n-1-type": "Aggregate"}, {"n-1-code": "not_in_catalogue"},
    {"u_replications": "20", "u_noise": "0.2", "sa_replications": "10", "sa_bootstrap": "x"},
    {"u_replications": "20", "u_noise": "0.2", "u_seed": "-1"}, {"preview_year": "99999"},
    {"preview_year": "1999"}, {"n-0-name": "x" * 5000}, {"s-0-params": ";" * 3000},
]


def test_no_input_makes_a_server_error(world):
    client = signed_in(world["users"]["operator"])
    client.post("/rankings/new/", form())
    framework = Framework.objects.get(key="my-index")
    v1 = framework.versions.get()
    for changes in HOSTILE:
        before = version_rows(framework)
        for action in ("preview", "save"):
            data = node_form(v1, **{"preview_year": str(YEAR), "action": action, **changes})
            response = client.post("/rankings/frameworks/my-index/build/", data)
            assert response.status_code in (200, 302, 422), (changes, action, response.status_code)
            if response.status_code == 422:
                assert response.context["errors"], changes
                assert version_rows(framework) == before


def test_a_new_framework_is_previewed_before_it_is_saved(world):
    client = signed_in(world["users"]["operator"])
    response = client.post("/rankings/new/", form(action="preview", preview_year=str(YEAR)))
    assert response.status_code == 200
    # Enterprises 10, 20, 40 -> 0, 33.33, 100; rent 30, 50, 40 (lower better) -> 100, 0, 50.
    assert [(r.unit, round(r.score, 2), r.rank, r.current_rank) for r in response.context["result"].rows] == [
        ("park-z", 75.0, 1, None), ("park-x", 50.0, 2, None), ("park-y", 16.67, 3, None)]
    assert Framework.objects.count() == 0
    response = client.post("/rankings/new/", form(action="preview", preview_year="abc"))
    assert response.status_code == 422 and "year: give the year of the observations" in response.content.decode()


def alternatives_form(**extra: Any) -> dict[str, Any]:
    """A new framework whose uncertainty analysis draws imputation, normalisation and aggregation methods."""
    return form(**{"s-0-step": "impute", "s-0-method": "mean", "s-0-params": "",
                   "s-1-step": "normalise", "s-1-method": "minmax", "s-1-params": "range=[0, 100]",
                   "s-2-step": "aggregate", "s-2-method": "amean", "s-2-params": "",
                   "u_replications": "50", "u_seed": "7", "u_noise": "",
                   "u_alt_impute": ["mean", "median"], "u_alt_normalise": ["minmax", "zscore", "rank"],
                   "u_alt_aggregate": ["amean", "gmean"], "sa_replications": "10", "sa_bootstrap": "100",
                   **extra})


def test_uncertainty_alternatives_are_set_on_the_web(world):
    client = signed_in(world["users"]["operator"])
    response = client.post("/rankings/new/", alternatives_form())
    assert response.status_code == 302, response.context and response.context["errors"]
    version = Framework.objects.get(key="my-index").versions.get()
    assert {k: v for k, v in version.recipe.items() if k != "steps"} == {
        "uncertainty": {"replications": 50, "seed": 7, "vary": {
            "impute.method": ["mean", "median"],
            "normalise": [{"method": "minmax", "range": [0, 100]}, {"method": "zscore"}, {"method": "rank"}],
            "aggregate.method": ["amean", "gmean"]}},
        "sensitivity": {"replications": 10, "bootstrap": 100}}
    page = client.get("/rankings/frameworks/my-index/build/").content.decode()
    for step, method in (("impute", "median"), ("normalise", "zscore"), ("aggregate", "gmean")):
        assert f'name="u_alt_{step}" value="{method}" checked' in page
    assert 'name="u_alt_aggregate" value="hmean">' in page
    # Unticking the aggregation methods and giving weight noise instead: a new version, the rest kept.
    data = node_form(version, **{"s-0-step": "impute", "s-0-method": "mean", "s-0-params": "",
                                 "s-1-step": "normalise", "s-1-method": "minmax", "s-1-params": "range=[0, 100]",
                                 "s-2-step": "aggregate", "s-2-method": "amean", "u_replications": "50",
                                 "u_seed": "7", "u_noise": "0.1", "u_alt_impute": ["mean", "median"],
                                 "u_alt_normalise": ["minmax", "zscore", "rank"], "sa_replications": "10",
                                 "sa_bootstrap": "100"})
    assert client.post("/rankings/frameworks/my-index/build/", data).status_code == 302
    v2 = Framework.objects.get(key="my-index").versions.get(number=2)
    assert v2.recipe["uncertainty"]["vary"] == {
        "weights": {"levels": [1, 2], "noise": 0.1}, "impute.method": ["mean", "median"],
        "normalise": [{"method": "minmax", "range": [0, 100]}, {"method": "zscore"}, {"method": "rank"}]}


ALTERNATIVE_ERRORS = [
    ({"u_alt_normalise": ["zscore"]}, "u_alt_normalise", "alternative methods: choose at least two to compare, or none"),
    ({"s-0-step": "", "s-0-method": ""}, "u_alt_impute",
     "alternative methods: the recipe needs exactly one Imputation of missing values step to vary"),
    ({"u_replications": "", "sa_replications": ""}, "u_alt_impute",
     "alternative methods are drawn by the uncertainty analysis: give its replications"),
    ({"u_alt_normalise": ["minmax", "goalposts"]}, "u_alt_normalise", "vary.normalise"),
    ({"u_alt_impute": [], "u_alt_normalise": [], "u_alt_aggregate": []}, "u_noise",
     "an uncertainty analysis varies something: give the weight noise or alternative methods"),
]


@pytest.mark.parametrize(("changes", "field", "message"), ALTERNATIVE_ERRORS)
def test_bad_alternatives_are_named_at_their_field_and_nothing_is_written(world, changes, field, message):
    response = signed_in(world["users"]["operator"]).post("/rankings/new/", alternatives_form(**changes))
    assert response.status_code == 422
    assert message in response.context["errors"][field]
    assert Framework.objects.count() == 0 and FrameworkVersion.objects.count() == 0

"""Frameworks have owners (issue 9, item 13): a park's operators or the platform's analysts (administrators).
Only owners change a framework and build and publish its runs; others copy it and work on their copy.
Refused writes leave every row as it was (compared field by field)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from biopark.accounts import policy
from biopark.accounts.models import Role
from biopark.accounts.policy import SYSTEM
from biopark.core.errors import Conflict, PermissionRefused, ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.rankings import rules
from biopark.rankings.models import Framework, FrameworkVersion, Run, RunScore
from biopark.rankings.services import (
    framework_copy,
    framework_create,
    framework_update,
    run_create,
    run_publish,
)
from tests.factories import make_user
from tests.rankings.helpers import IDATA, IMETA, RECIPE, make_external

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """Refusals are read in English here; a request's language must not leak into the next test."""
    with translation.override("en"):
        yield
    translation.deactivate()


@pytest.fixture
def world(roles):
    """The national framework (the platform's), one owned by another park, a draft run of each, and operators
    of park A (roles' park), of its zone and of park B."""
    national = make_external(SYSTEM, key="national")
    b_index = make_external(SYSTEM, key="b-index", owner_park=roles["other_park"])
    return {
        **roles,
        "national": national,
        "b_index": b_index,
        "national_draft": run_create(actor=SYSTEM, framework=national, idata=IDATA, publish=False),
        "b_draft": run_create(actor=SYSTEM, framework=b_index, idata=IDATA, publish=False),
        "operator_a": roles["users"]["operator"],
        "operator_zone": make_user(Role.OPERATOR, park=roles["zone"]),
        "operator_b": make_user(Role.OPERATOR, park=roles["other_park"]),
    }


def snapshot(framework: Framework) -> tuple[Any, ...]:
    """Every stored value of a framework, its versions and its runs."""
    return (
        Framework.objects.filter(pk=framework.pk).values().get(),
        list(FrameworkVersion.objects.filter(framework=framework).order_by("number").values()),
        list(Run.objects.filter(framework=framework).order_by("pk").values()),
        list(RunScore.objects.filter(run__framework=framework).order_by("pk").values()),
    )


def test_existing_and_demo_frameworks_belong_to_the_platform(roles):
    from biopark.rankings.demo import _synthetic

    _synthetic()
    framework = Framework.objects.get(key="example-park-competitiveness")
    assert framework.owner_park_id is None
    assert not policy.decide(roles["users"]["operator"], policy.CHANGE, framework)
    assert policy.decide(roles["users"]["admin"], policy.CHANGE, framework)


@pytest.mark.parametrize("target", ["national", "b_index"])
def test_operator_of_another_park_cannot_change_build_or_publish(world, target):
    framework, draft = world[target], world["national_draft" if target == "national" else "b_draft"]
    before = snapshot(framework)
    for user in (world["operator_a"], world["operator_zone"]):
        with pytest.raises(PermissionRefused, match="copy it"):
            framework_update(actor=user, framework=framework, weights={"B": 3}, name_en="Mine now")
        with pytest.raises(PermissionRefused, match="copy it"):
            run_create(actor=user, framework=framework, idata=IDATA)
        with pytest.raises(PermissionRefused, match="copy it"):
            run_publish(actor=user, run=draft)
    assert snapshot(framework) == before


def test_owners_change_build_and_publish(world):
    # Park B's operator owns b-index; the administrators own the national framework.
    version = framework_update(actor=world["operator_b"], framework=world["b_index"], weights={"B": 3})
    assert version.number == 2
    assert run_publish(actor=world["operator_b"], run=world["b_draft"]).status == Run.Status.PUBLISHED
    admin = world["users"]["admin"]
    assert framework_update(actor=admin, framework=world["national"], weights={"B": 2}).number == 2
    assert run_publish(actor=admin, run=world["national_draft"]).status == Run.Status.PUBLISHED
    # An operator of a park owns the frameworks of the zones below it, not the other way round.
    zone_index = make_external(SYSTEM, key="zone-index", owner_park=world["zone"])
    assert framework_update(actor=world["operator_a"], framework=zone_index, name_en="Zone index").number == 1
    park_index = make_external(SYSTEM, key="park-index", owner_park=world["park"])
    before = snapshot(park_index)
    with pytest.raises(PermissionRefused):
        framework_update(actor=world["operator_zone"], framework=park_index, name_en="Taken")
    assert snapshot(park_index) == before


def test_copy_belongs_to_the_copier_and_may_be_changed(world):
    operator = world["operator_a"]
    national_before = snapshot(world["national"])
    copied = framework_copy(actor=operator, framework=world["national"], key="a-index", name_en="A's index")
    assert (copied.owner_park_id, copied.copied_from_id, copied.kind, copied.name_en, copied.name_zh) == (
        world["park"].pk, world["national"].pk, "external", "A's index", world["national"].name_zh)
    first = copied.versions.get()
    assert (first.number, first.imeta, first.recipe, first.note) == (1, IMETA, RECIPE, "copied from national v1")
    record = ChangeRecord.objects.get(object_id=copied.pk, content_type__model="framework")
    assert record.changes["copied_from"] == [None, "national"] and record.changes["owner_park"] == [None,
                                                                                                  world["park"].pk]
    assert framework_update(actor=operator, framework=copied, weights={"B": 3}).number == 2
    draft = run_create(actor=operator, framework=copied, idata=IDATA, publish=False)
    assert run_publish(actor=operator, run=draft).status == Run.Status.PUBLISHED
    assert snapshot(world["national"]) == national_before
    # Park B's operator may read the copy but not change it.
    before = snapshot(copied)
    with pytest.raises(PermissionRefused):
        framework_update(actor=world["operator_b"], framework=copied, name_en="B's now")
    assert snapshot(copied) == before
    # An administrator's copy is the platform's.
    assert framework_copy(actor=world["users"]["admin"], framework=copied, key="platform-copy").owner_park_id is None


def test_copy_and_create_refusals_write_nothing(world):
    operator = world["operator_a"]
    count = Framework.objects.count()
    with pytest.raises(PermissionRefused):  # another park may not be made the owner
        framework_copy(actor=operator, framework=world["national"], key="for-b", owner_park=world["other_park"])
    with pytest.raises(PermissionRefused):
        framework_create(actor=operator, key="for-b", kind="external", name_en="B", imeta=IMETA, recipe=RECIPE,
                         owner_park=world["other_park"])
    with pytest.raises(PermissionRefused):  # nor the platform
        framework_create(actor=operator, key="for-all", kind="external", name_en="All", imeta=IMETA,
                         recipe=RECIPE, owner_park=None)
    with pytest.raises(PermissionRefused):  # read-only roles do not copy
        framework_copy(actor=world["users"]["viewer"], framework=world["national"], key="viewer-copy")
    with pytest.raises(Conflict):
        framework_copy(actor=operator, framework=world["national"], key="b-index")
    with pytest.raises(ValidationFailed):
        framework_copy(actor=operator, framework=world["national"], key="Not A Key")
    assert Framework.objects.count() == count


# --- API ------------------------------------------------------------------------------------------


def test_api_refuses_other_owners_and_copies(client, world):
    client.force_login(world["operator_a"])
    national_before, b_before = snapshot(world["national"]), snapshot(world["b_index"])
    for key in ("national", "b-index"):
        resp = client.patch(f"/api/v1/rankings/frameworks/{key}", {"weights": {"B": 3}, "name_en": "Mine"},
                            content_type="application/json")
        assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"
        resp = client.post("/api/v1/rankings/runs", {"framework": key, "idata": IDATA, "background": False},
                           content_type="application/json")
        assert resp.status_code == 403
    for draft in (world["national_draft"], world["b_draft"]):
        # Another owner's draft is invisible to this operator: it answers like a missing run.
        assert client.post(f"/api/v1/rankings/runs/{draft.pk}/publish").status_code == 404
    # Drafts of others' frameworks are not listed either.
    assert client.get("/api/v1/rankings/runs").json()["count"] == 0
    assert snapshot(world["national"]) == national_before and snapshot(world["b_index"]) == b_before

    resp = client.post("/api/v1/rankings/frameworks/national/copy", {"key": "a-index"},
                       content_type="application/json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["key"], body["owner_park"], body["copied_from"], body["current_version"]) == (
        "a-index", world["park"].pk, "national", 1)
    resp = client.patch("/api/v1/rankings/frameworks/a-index", {"weights": {"B": 3}}, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["current_version"] == 2
    resp = client.post("/api/v1/rankings/runs", {"framework": "a-index", "idata": IDATA, "publish": False,
                                                 "background": False},
                       content_type="application/json")
    assert resp.status_code == 201
    resp = client.post(f"/api/v1/rankings/runs/{resp.json()['id']}/publish")
    assert resp.status_code == 200 and resp.json()["status"] == "published"
    listed = {f["key"]: f["owner_park"] for f in client.get("/api/v1/rankings/frameworks").json()}
    assert listed == {"national": None, "b-index": world["other_park"].pk, "a-index": world["park"].pk}


def test_api_copy_errors(client, world):
    client.force_login(world["operator_a"])
    resp = client.post("/api/v1/rankings/frameworks/national/copy", {"key": "b-index"},
                       content_type="application/json")
    assert resp.status_code == 409 and "key" in resp.json()["error"]["fields"]
    resp = client.post("/api/v1/rankings/frameworks/national/copy", {"key": "x", "owner_park": 999999},
                       content_type="application/json")
    assert resp.status_code == 422 and "owner_park" in resp.json()["error"]["fields"]
    resp = client.post("/api/v1/rankings/frameworks/national/copy",
                       {"key": "for-b", "owner_park": world["other_park"].pk}, content_type="application/json")
    assert resp.status_code == 403
    assert client.post("/api/v1/rankings/frameworks/nope/copy", {"key": "x"},
                       content_type="application/json").status_code == 404
    client.force_login(world["users"]["investor"])
    assert client.post("/api/v1/rankings/frameworks/national/copy", {"key": "inv"},
                       content_type="application/json").status_code == 403
    assert not Framework.objects.filter(key__in=["x", "for-b", "inv"]).exists()


# --- pages ----------------------------------------------------------------------------------------


def test_pages_refuse_other_owners_and_copy(client, world):
    client.force_login(world["operator_a"])
    html = client.get("/rankings/frameworks/national/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="framework-copy"' in html and 'id="framework-edit"' not in html
    national_before = snapshot(world["national"])
    assert client.get("/rankings/frameworks/national/edit/").status_code == 403
    resp = client.post("/rankings/frameworks/national/edit/", {"name_en": "Mine", "name_zh": "", "w-B": "3"})
    assert resp.status_code == 403
    assert client.post(f"/rankings/runs/{world['national_draft'].pk}/publish/").status_code == 404
    assert snapshot(world["national"]) == national_before

    resp = client.post("/rankings/frameworks/national/copy/", {"key": "a-index", "name_zh": "甲园指数",
                                                               "name_en": "A index"})
    assert resp.status_code == 302 and resp["Location"] == "/rankings/frameworks/a-index/"
    copied = Framework.objects.get(key="a-index")
    assert (copied.owner_park_id, copied.name_zh, copied.name_en) == (world["park"].pk, "甲园指数", "A index")
    html = client.get("/rankings/frameworks/a-index/").content.decode()
    assert 'id="framework-edit"' in html
    form = {"name_zh": "甲园指数", "name_en": "A index", "description_zh": "", "description_en": "",
            "note": "B counts triple", **{f"w-{r['iCode']}": r["Weight"] for r in IMETA}}
    resp = client.post("/rankings/frameworks/a-index/edit/", {**form, "w-B": "3"})
    assert resp.status_code == 302
    latest = copied.versions.order_by("-number").first()
    assert (latest.number, latest.note) == (2, "B counts triple")
    assert next(r for r in latest.imeta if r["iCode"] == "B")["Weight"] == 3


def test_pages_copy_and_edit_errors(client, world):
    client.force_login(world["operator_a"])
    resp = client.post("/rankings/frameworks/national/copy/", {"key": "b-index", "name_en": "X"},
                       HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 409 and 'id="copy-error"' in resp.content.decode()
    resp = client.post("/rankings/frameworks/national/copy/", {"key": "Bad Key", "name_en": "X"})
    assert resp.status_code == 422
    copied = framework_copy(actor=world["operator_a"], framework=world["national"], key="a-index")
    before = snapshot(copied)
    form = {"name_zh": "", "name_en": "A", **{f"w-{r['iCode']}": r["Weight"] for r in IMETA}}
    resp = client.post("/rankings/frameworks/a-index/edit/", {**form, "w-B": "lots"}, HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 422 and "weight of B" in resp.content.decode()
    resp = client.post("/rankings/frameworks/a-index/edit/", {**form, "w-B": "-1"})
    assert resp.status_code == 422
    resp = client.post("/rankings/frameworks/a-index/edit/", {**form, "name_en": ""})
    assert resp.status_code == 422
    assert snapshot(copied) == before
    client.force_login(world["users"]["viewer"])
    assert client.post("/rankings/frameworks/national/copy/", {"key": "v"}).status_code == 403
    client.logout()
    assert client.post("/rankings/frameworks/national/copy/", {"key": "v"}).status_code == 302
    assert not Framework.objects.filter(key="v").exists()


def test_pages_and_api_speak_chinese(client, world):
    client.force_login(world["operator_a"])
    html = client.get("/rankings/frameworks/national/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "复制此指标体系" in html and "平台分析人员（管理员）" in html
    resp = client.patch("/api/v1/rankings/frameworks/national", {"name_en": "Mine"}, content_type="application/json",
                        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert resp.status_code == 403 and "复制" in resp.json()["error"]["message"]


# --- the rules' filters agree with their decisions ------------------------------------------------


def test_filters_agree_with_decisions(world):
    copied = framework_copy(actor=world["operator_a"], framework=world["national"], key="a-index")
    run_create(actor=world["operator_a"], framework=copied, idata=IDATA, publish=False)
    run_create(actor=SYSTEM, framework=world["national"], idata=IDATA, publish=True)
    users = [*world["users"].values(), world["operator_zone"], world["operator_b"], None]
    # Each model with the relations its rule reads, fetched with the rows (the rule still decides every row).
    models = [(Framework, rules.framework_filter, ()), (FrameworkVersion, rules.version_filter, ("framework",)),
              (Run, rules.run_filter, ("framework",)), (RunScore, rules.score_filter, ("run__framework",))]
    for public in (False, True):
        world["other_park"].public_directory = public
        world["other_park"].save()
        for user in users:
            actor = policy.actor_for(user)
            for model, make_filter, related in models:
                rows = list(model.objects.select_related(*related))
                for action in (policy.VIEW, policy.EXPORT, policy.CHANGE, policy.DELETE, policy.IMPORT):
                    filtered = set(model.objects.filter(make_filter(actor, action)).values_list("pk", flat=True))
                    decided = {obj.pk for obj in rows if policy.decide(actor, action, obj)}
                    assert filtered == decided, (getattr(user, "username", None), model.__name__, action, public)

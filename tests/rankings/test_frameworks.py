"""Frameworks: hand-computed scores and ranks, versioning, refusals and bad input."""

from __future__ import annotations

import pytest

from biopark.accounts.policy import SYSTEM
from biopark.core.errors import Conflict, PermissionRefused, ValidationFailed
from biopark.core.models import ChangeRecord
from biopark.rankings.models import Framework, FrameworkVersion, Run, RunScore
from biopark.rankings.services import framework_create, framework_update, run_create
from tests.rankings.helpers import IDATA, IMETA, RECIPE, make_external, scores_of

pytestmark = pytest.mark.django_db


def test_hand_computed_scores_and_ranks(roles):
    framework = make_external(roles["users"]["operator"])
    run = run_create(actor=roles["users"]["operator"], framework=framework, idata=IDATA)
    assert run.codes == ["Index", "A", "B"]
    assert scores_of(run, "Index") == {"P1": (0.0, 3), "P2": (62.5, 2), "P3": (87.5, 1)}
    # P2 and P3 tie on pillar A: both get rank 1 (ties share the lowest rank), P1 is third.
    assert scores_of(run, "A") == {"P1": (0.0, 3), "P2": (75.0, 1), "P3": (75.0, 1)}
    assert scores_of(run, "B") == {"P1": (0.0, 3), "P2": (50.0, 2), "P3": (100.0, 1)}
    assert run.n_units == 3 and run.status == Run.Status.PUBLISHED
    assert run.idata == IDATA and run.imeta == IMETA and run.recipe == RECIPE
    # P1 is last on everything; P3 best on a1 and b1.
    assert run.strengths["P3"]["strengths"][:2] == [["a1", 1], ["b1", 1]]
    assert ChangeRecord.objects.filter(object_id=run.pk, action="create").exists()


def test_weight_change_makes_a_new_version_and_keeps_the_old(roles):
    operator = roles["users"]["operator"]
    framework = make_external(operator)
    first = run_create(actor=operator, framework=framework, idata=IDATA)
    version = framework_update(actor=operator, framework=framework, weights={"B": 3}, note="B counts triple")
    assert version.number == 2
    assert [v.number for v in FrameworkVersion.objects.filter(framework=framework)] == [1, 2]
    v1 = FrameworkVersion.objects.get(framework=framework, number=1)
    assert next(r for r in v1.imeta if r["iCode"] == "B")["Weight"] == 1
    second = run_create(actor=operator, framework=framework, idata=IDATA)
    assert second.version == version
    # Index = (A + 3 B) / 4: P1 0, P2 (75 + 150) / 4 = 56.25, P3 (75 + 300) / 4 = 93.75
    assert scores_of(second, "Index") == {"P1": (0.0, 3), "P2": (56.25, 2), "P3": (93.75, 1)}
    first.refresh_from_db()
    assert first.version.number == 1
    assert scores_of(first, "Index")["P2"] == (62.5, 2)
    change = ChangeRecord.objects.filter(object_id=framework.pk, action="update").first()
    assert change is not None and change.changes["version"] == [1, 2]


def test_recipe_change_is_a_version_a_name_change_is_not(roles):
    framework = make_external(SYSTEM)
    same = framework_update(actor=SYSTEM, framework=framework, name_zh="玩具指数")
    assert same.number == 1 and Framework.objects.get(pk=framework.pk).name_zh == "玩具指数"
    changed = framework_update(actor=SYSTEM, framework=framework,
                               recipe={"steps": [{"normalise": {"method": "rank"}}, {"aggregate": {"method": "amean"}}]})
    assert changed.number == 2
    unchanged = framework_update(actor=SYSTEM, framework=framework, recipe=changed.recipe)
    assert unchanged.number == 2


@pytest.mark.parametrize("role", ["viewer", "investor", "enterprise_member", "platform_manager"])
def test_read_only_roles_cannot_create_or_change(roles, role):
    user = roles["users"][role]
    with pytest.raises(PermissionRefused):
        make_external(user, key="nope")
    assert not Framework.objects.filter(key="nope").exists()
    framework = make_external(SYSTEM)
    with pytest.raises(PermissionRefused):
        framework_update(actor=user, framework=framework, weights={"B": 5})
    with pytest.raises(PermissionRefused):
        run_create(actor=user, framework=framework, idata=IDATA)
    assert FrameworkVersion.objects.filter(framework=framework).count() == 1
    assert Run.objects.count() == 0 and RunScore.objects.count() == 0


def test_admin_and_operator_may_create(roles):
    make_external(roles["users"]["admin"], key="by-admin")
    make_external(roles["users"]["operator"], key="by-operator")
    assert set(Framework.objects.values_list("key", flat=True)) == {"by-admin", "by-operator"}


def test_bad_imeta_names_the_problem_and_writes_nothing(roles):
    bad = [dict(r) for r in IMETA]
    bad[0]["Parent"] = "Nowhere"
    with pytest.raises(ValidationFailed) as err:
        framework_create(actor=SYSTEM, key="bad", kind="external", name_en="Bad", imeta=bad, recipe=RECIPE)
    assert err.value.fields == {"imeta": err.value.message}
    assert "Nowhere" in err.value.message
    assert not Framework.objects.exists()


def test_bad_recipe_and_bad_key(roles):
    with pytest.raises(ValidationFailed) as err:
        framework_create(actor=SYSTEM, key="bad", kind="external", name_en="Bad", imeta=IMETA,
                         recipe={"steps": [{"normalise": {"method": "magic"}}]})
    assert list(err.value.fields) == ["recipe"] and "magic" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        framework_create(actor=SYSTEM, key="Bad Key!", kind="external", name_en="Bad", imeta=IMETA, recipe=RECIPE)
    assert list(err.value.fields) == ["key"]
    make_external(SYSTEM)
    with pytest.raises(Conflict):
        make_external(SYSTEM)
    assert Framework.objects.count() == 1


def test_bad_weight_update_changes_nothing(roles):
    framework = make_external(SYSTEM)
    with pytest.raises(ValidationFailed) as err:
        framework_update(actor=SYSTEM, framework=framework, weights={"Zzz": 2})
    assert list(err.value.fields) == ["weights.Zzz"]
    with pytest.raises(ValidationFailed) as err:
        framework_update(actor=SYSTEM, framework=framework, directions={"a1": 0})
    assert list(err.value.fields) == ["imeta"]
    assert FrameworkVersion.objects.filter(framework=framework).count() == 1


def test_engine_error_on_data_is_a_validation_error_and_no_run(roles):
    framework = make_external(SYSTEM)
    constant = [dict(r, a1=5) for r in IDATA]
    with pytest.raises(ValidationFailed) as err:
        run_create(actor=SYSTEM, framework=framework, idata=constant)
    assert err.value.message.startswith("index engine:")
    assert "a1" in err.value.message
    non_numeric = [dict(IDATA[0], a2="lots"), *IDATA[1:]]
    with pytest.raises(ValidationFailed) as err:
        run_create(actor=SYSTEM, framework=framework, idata=non_numeric)
    assert list(err.value.fields) == ["idata"] and "a2" in err.value.message
    assert Run.objects.count() == 0 and RunScore.objects.count() == 0

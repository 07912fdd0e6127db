"""Park runs from observations, and reproducing a stored run from its stored inputs."""

from __future__ import annotations

import pytest

from biopark.accounts.policy import SYSTEM
from biopark.core.errors import ValidationFailed
from biopark.ecosystem.tabular import Table
from biopark.index import build, input_from_rows, load_recipe
from biopark.metrics.services import indicator_create, observations_import
from biopark.rankings import defaults
from biopark.rankings.models import Run
from biopark.rankings.services import framework_create, framework_ensure_default, run_create, run_reproduce
from tests.factories import ParkFactory
from tests.rankings.helpers import IMETA, RECIPE, scores_of

pytestmark = pytest.mark.django_db


def _toy_indicators() -> None:
    for code, direction in (("a1", 1), ("a2", 1), ("b1", -1)):
        indicator_create(actor=SYSTEM, data={"key": code, "name_en": code.upper(), "unit": "count",
                                             "direction": direction})


def _observe(rows: list[tuple[str, str, int, str]]) -> None:
    table = Table(["park_key", "indicator", "year", "value"],
                  [(i + 2, {"park_key": p, "indicator": c, "year": str(y), "value": v})
                   for i, (p, c, y, v) in enumerate(rows)])
    observations_import(actor=SYSTEM, table=table)


def test_park_framework_ranks_top_level_parks_from_observations(roles):
    _toy_indicators()
    third = ParkFactory(key="third", name_en="Third")
    roles["park"].key, roles["other_park"].key = "hitech", "other"
    roles["park"].save()
    roles["other_park"].save()
    values = {"hitech": ("10", "1", "4"), "other": ("20", "3", "2"), "third": ("30", "2", "0")}
    rows = [(p, c, 2024, v) for p, vs in values.items() for c, v in zip(("a1", "a2", "b1"), vs, strict=True)]
    rows.append(("third", "a1", 2023, "99"))  # another year: ignored
    _observe(rows)
    framework = framework_create(actor=SYSTEM, key="toy-parks", name_en="Toy parks", imeta=IMETA, recipe=RECIPE)
    run = run_create(actor=SYSTEM, framework=framework, year=2024)
    assert scores_of(run, "Index") == {"hitech": (0.0, 3), "other": (62.5, 2), "third": (87.5, 1)}
    assert run.unit_parks == {"hitech": roles["park"].pk, "other": roles["other_park"].pk, "third": third.pk}
    assert run.scores.get(code="Index", unit_code="third").park == third
    assert run.idata[2] == {"uCode": "third", "uName": third.name_zh, "a1": 30.0, "a2": 2.0, "b1": 0.0}
    with pytest.raises(ValidationFailed) as err:
        run_create(actor=SYSTEM, framework=framework, year=2020)
    assert list(err.value.fields) == ["year"]
    with pytest.raises(ValidationFailed) as err:
        run_create(actor=SYSTEM, framework=framework)
    assert list(err.value.fields) == ["year"]
    assert Run.objects.count() == 1


def test_park_framework_needs_defined_indicators(roles):
    with pytest.raises(ValidationFailed) as err:
        framework_create(actor=SYSTEM, key="toy-parks", name_en="Toy parks", imeta=IMETA, recipe=RECIPE)
    assert list(err.value.fields) == ["imeta"] and "'a1'" in err.value.message


def test_default_framework_has_five_pillars_and_documented_indicators(roles):
    framework = framework_ensure_default(actor=SYSTEM)
    assert framework_ensure_default(actor=SYSTEM) == framework
    version = framework.versions.get()
    pillars = [r["iCode"] for r in version.imeta if r["Level"] == 2]
    assert pillars == ["environment", "industry", "technology", "talent", "cooperation"]
    indicators = [r for r in version.imeta if r["Type"] == "Indicator"]
    assert len(indicators) == 31
    assert {r["Parent"] for r in indicators} == set(pillars)
    from biopark.metrics.models import Indicator

    assert Indicator.objects.count() == 31
    assert all(i.name_zh and i.name_en and i.unit and i.description_zh and i.description_en
               for i in Indicator.objects.all())
    assert Indicator.objects.get(key="tech_platforms").computation == "platforms"
    assert Indicator.objects.get(key="env_setup_days").direction == -1
    assert version.recipe == defaults.DEFAULT_RECIPE


def test_stored_run_is_rebuilt_identically_from_its_stored_inputs(roles):
    """The reproduction guarantee: a published run rebuilt from the stored iData/iMeta/recipe (as they
    come back from the database) gives the same scores, ranks, uncertainty and strengths."""
    from biopark.rankings.demo import _synthetic

    _synthetic()
    run = Run.objects.get(framework__key="example-park-competitiveness")
    assert run.uncertainty is not None and run.uncertainty["replications"] == 1000
    # Change the live data and the framework after the run: the stored run must not depend on them.
    from biopark.metrics.models import Observation

    Observation.objects.filter(year=2024).update(value=1)
    stored = Run.objects.get(pk=run.pk)  # fresh from the database (JSON round trip)
    result = run_reproduce(run=stored)
    assert result["identical"] is True
    # And independently of the service, straight through the engine:
    rebuilt = build(input_from_rows(stored.idata, stored.imeta), load_recipe(stored.recipe))
    index = rebuilt.results.score("Index")
    ranks = rebuilt.results.rank("Index")
    for s in stored.scores.filter(code="Index"):
        assert s.score == index[s.unit_code]
        assert s.rank == ranks[s.unit_code]
    u = rebuilt.uncertainty
    assert u is not None
    assert [r["median_rank"] for r in stored.uncertainty["rows"]] == [float(v) for v in u.median_rank]
    assert [r["p05_rank"] for r in stored.uncertainty["rows"]] == [float(v) for v in u.p05_rank]


def test_reproduce_detects_a_tampered_run(roles):
    from tests.rankings.helpers import IDATA, make_external

    run = run_create(actor=SYSTEM, framework=make_external(SYSTEM), idata=IDATA)
    assert run_reproduce(run=run)["identical"] is True
    run.scores.filter(unit_code="P2", code="Index").update(score=60.0)
    assert run_reproduce(run=Run.objects.get(pk=run.pk))["identical"] is False

"""Data coverage of a park framework (which indicator has data for which park, from which source) on a
hand-built data set, and the default framework run on the real parks from the data the platform has."""

from __future__ import annotations

import decimal

import pytest
from django.test import Client

from biopark.accounts.policy import SYSTEM
from biopark.ecosystem.models import Organisation
from biopark.metrics.models import Indicator, Observation
from biopark.metrics.services import indicator_ensure_catalogue
from biopark.rankings import coverage, defaults, observed
from biopark.rankings.models import Framework
from biopark.rankings.services import framework_create
from tests.factories import OrganisationFactory, ParkFactory

pytestmark = pytest.mark.django_db

YEAR = 2024
CODES = ("ind_enterprises", "ind_output", "tal_rd_staff")


def observe(park, code: str, value: str, source: str, year: int = YEAR) -> None:
    Observation.objects.create(park=park, indicator=Indicator.objects.get(key=code), year=year,
                               value=decimal.Decimal(value), source=source)


@pytest.fixture
def world(roles):
    indicator_ensure_catalogue(actor=SYSTEM)
    a = ParkFactory(name_en="Park A", name_zh="甲园区", key="park-a")
    b = ParkFactory(name_en="Park B", name_zh="乙园区", key="park-b")
    fictional = ParkFactory(name_en="Fictional", key=coverage.SYNTHETIC_ROOT_KEY)
    observe(a, "ind_enterprises", "12", "registry")
    observe(a, "ind_output", "35.5", "Annual report 2024")
    observe(b, "ind_output", "7", "")
    observe(b, "tal_rd_staff", "900", "Survey 2023", year=2023)  # another year: not counted
    observe(fictional, "ind_output", "1", "synthetic")
    imeta = [r for r in defaults.default_imeta() if r["iCode"] in CODES
             or r["iCode"] in ("industry", "talent", defaults.INDEX_CODE)]
    framework = framework_create(actor=SYSTEM, key="small", kind="park", name_en="Small", imeta=imeta,
                                 recipe=defaults.DEFAULT_RECIPE)
    return {**roles, "a": a, "b": b, "framework": framework}


def test_coverage_table_exact_values(world):
    framework = world["framework"]
    table = coverage.coverage(framework=framework, version=framework.versions.get(), year=YEAR)
    assert [(c.code, c.pillar, c.computed, c.parks_with_data) for c in table.indicators] == [
        ("ind_enterprises", "industry", True, 1), ("ind_output", "industry", False, 2),
        ("tal_rd_staff", "talent", False, 0)]
    parks = {row.park.key: row for row in table.parks}
    # The roles fixture's two top-level parks are ranked too (without data); the fictional group is not.
    assert set(parks) == {"park-a", "park-b", world["park"].key, world["other_park"].key}
    assert [(c.value, c.source, c.computed) if c else None for c in parks["park-a"].cells] == [
        (12.0, "registry", True), (35.5, "Annual report 2024", False), None]
    assert [(c.value, c.source) if c else None for c in parks["park-b"].cells] == [None, (7.0, ""), None]
    assert (parks["park-a"].available, parks["park-b"].available, table.total) == (2, 1, 3)


def test_coverage_page(world, client):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world["users"]["viewer"])
    page = client.get(f"/rankings/frameworks/small/coverage/?year={YEAR}").content.decode()
    assert "Park A" in page and "Fictional" not in page
    assert "<td>Park A</td><td class=\"num\">2 / 3</td>" in page
    assert "<td>Park B</td><td class=\"num\">1 / 3</td>" in page
    assert "Annual report 2024" in page and "no source given" in page and "no data" in page
    assert "computed from the registry" in page
    assert client.get("/rankings/frameworks/small/coverage/?year=abc").status_code == 400
    assert client.get("/rankings/frameworks/small/").content.decode().count("/coverage/") == 1


def test_default_framework_runs_on_real_parks_with_the_data_there_is(world):
    # Registry: park A's zone has one enterprise (roles), add one more to park A; B and other park have none.
    OrganisationFactory(park=world["park"], kind=Organisation.Kind.ENTERPRISE)
    run = observed.build_observed(actor=SYSTEM, year=YEAR + 1)
    framework = Framework.objects.get(key=observed.OBSERVED_KEY)
    assert not framework.synthetic
    # Only the indicator whose values differ between the real parks is kept, under its pillar.
    assert [(r["iCode"], r["Type"]) for r in framework.versions.get().imeta] == [
        ("ind_enterprises", "Indicator"), ("industry", "Aggregate"), ("Index", "Aggregate")]
    assert run is not None and run.codes == ["Index", "industry"]
    counts = {s.unit_code: s.park_id for s in run.scores.filter(code="Index")}
    assert coverage.SYNTHETIC_ROOT_KEY not in counts
    assert Observation.objects.get(park=world["park"], indicator__key="ind_enterprises", year=YEAR + 1).value == 2
    # Built again for the same year: nothing new.
    assert observed.build_observed(actor=SYSTEM, year=YEAR + 1).pk == run.pk

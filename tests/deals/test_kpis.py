"""The IP-rights KPI counts the parks' IP assets (biopark.deals.kpis.ip_rights), exact values per period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from biopark.accounts.policy import park_subtree
from biopark.core import kpis
from biopark.deals.models import IPAsset
from tests.factories import OrganisationFactory, ParkFactory

pytestmark = pytest.mark.django_db


def _asset(number: str, *, status: str, park=None, owners=(), filed=None, granted=None) -> IPAsset:
    asset = IPAsset.objects.create(number=number, kind=IPAsset.Kind.PATENT, status=status, park=park,
                                   filed_on=filed, granted_on=granted)
    asset.owners.set(owners)
    return asset


def _scope(park, year: int) -> kpis.Scope:
    return kpis.Scope(park_ids=park_subtree(park.pk), start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))


@pytest.fixture
def parks():
    park = ParkFactory(name_en="Hi-tech Zone")
    zone = ParkFactory(name_en="Bio-City", parent=park)
    other = ParkFactory(name_en="Elsewhere")
    bare = ParkFactory(name_en="No patents recorded")
    settled = OrganisationFactory(park=zone)
    outsider = OrganisationFactory(park=other)
    g = IPAsset.Status.GRANTED
    _asset("CN-1", status=g, park=park, filed=dt.date(2021, 3, 1), granted=dt.date(2023, 5, 1))
    _asset("CN-2", status=g, owners=[settled], filed=dt.date(2022, 1, 1), granted=dt.date(2024, 6, 30))
    _asset("CN-3", status=g, park=zone, filed=dt.date(2022, 9, 1))  # no grant date: counted from its filing
    _asset("CN-4", status=IPAsset.Status.LAPSED, park=park, filed=dt.date(2019, 1, 1), granted=dt.date(2020, 1, 1))
    _asset("CN-5", status=IPAsset.Status.FILED, park=park, filed=dt.date(2024, 2, 1))  # an application
    _asset("CN-6", status=g, owners=[outsider], filed=dt.date(2020, 1, 1), granted=dt.date(2021, 1, 1))
    _asset("CN-7", status=g, park=other, owners=[settled], filed=dt.date(2020, 1, 1), granted=dt.date(2022, 2, 2))
    return {"park": park, "zone": zone, "other": other, "bare": bare}


def test_granted_patents_in_force_at_the_end_of_each_period(parks):
    assert kpis.compute("ip_rights", _scope(parks["park"], 2022)) == Decimal(2)  # CN-3, CN-7
    assert kpis.compute("ip_rights", _scope(parks["park"], 2023)) == Decimal(3)  # + CN-1
    assert kpis.compute("ip_rights", _scope(parks["park"], 2024)) == Decimal(4)  # + CN-2
    assert kpis.compute("ip_rights", _scope(parks["zone"], 2024)) == Decimal(3)  # CN-2, CN-3, CN-7
    assert kpis.compute("ip_rights", _scope(parks["other"], 2024)) == Decimal(2)  # CN-6, CN-7


def test_a_park_holding_only_applications_counts_zero_and_one_without_assets_falls_back(parks):
    lone = ParkFactory(name_en="Applicants")
    _asset("CN-8", status=IPAsset.Status.FILED, park=lone, filed=dt.date(2024, 1, 1))
    assert kpis.compute("ip_rights", _scope(lone, 2024)) == Decimal(0)
    assert kpis.compute("ip_rights", _scope(parks["bare"], 2024)) is None


def test_the_definition_names_what_counts():
    with translation.override("en"):
        definition = str(kpis.kpi("ip_rights").definition)
    assert "Granted patents in force at the end of the period" in definition
    assert "observations" in definition

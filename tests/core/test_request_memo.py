"""The park tree is read once per request (biopark.core.policy.request_memo, opened by the RequestMemo
middleware), sees a park written during the request, and is never kept from one request to the next."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from biopark.core import policy
from tests.factories import OrganisationFactory, ParkFactory

pytestmark = pytest.mark.django_db


def _park_table_reads(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries
            if 'FROM "ecosystem_park"' in q["sql"] and '"ecosystem_park"."parent_id"' in q["sql"]]


def test_an_anonymous_page_reads_the_park_tree_once():
    park = ParkFactory(public_directory=True)
    ParkFactory(parent=park)
    OrganisationFactory(park=park, name_zh="开放生物", name_en="Open Bio")
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/organisations/")
    assert response.status_code == 200
    assert "开放生物" in response.content.decode()
    assert len(_park_table_reads(queries)) == 1


def test_a_park_written_during_the_request_is_seen_by_the_rest_of_it():
    park = ParkFactory(public_directory=True)
    with policy.request_memo():
        assert policy.public_park_ids() == {park.pk}
        zone = ParkFactory(parent=park)
        assert policy.public_park_ids() == {park.pk, zone.pk}
        assert policy.park_subtree(park.pk) == {park.pk, zone.pk}
        zone.delete()
        assert policy.public_park_ids() == {park.pk}


def test_nothing_is_remembered_outside_a_request():
    park = ParkFactory(public_directory=True)
    with policy.request_memo():
        assert policy.public_park_ids() == {park.pk}
    # A bulk write sends no signal: only the end of the request may make the memo safe again.
    other = ParkFactory(public_directory=False)
    type(other).objects.filter(pk=other.pk).update(public_directory=True)
    assert policy.public_park_ids() == {park.pk, other.pk}


def test_public_parks_include_every_zone_below_an_open_park_and_nothing_else():
    open_park = ParkFactory(public_directory=True)
    zone = ParkFactory(parent=open_park)
    zone_of_zone = ParkFactory(parent=zone)
    closed = ParkFactory(public_directory=False)
    ParkFactory(parent=closed)
    assert policy.public_park_ids() == {open_park.pk, zone.pk, zone_of_zone.pk}

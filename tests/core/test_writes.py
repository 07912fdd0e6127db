"""Every write is checked on the record as it is and as it would be (scope), writes only what it names, and
refuses a stale version (lost updates). Refused changes leave the row identical, column by column."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from biopark.accounts.auth import token_create
from biopark.core.errors import PermissionRefused, PreconditionFailed
from biopark.ecosystem import services
from biopark.ecosystem.models import Organisation, Platform, Position
from biopark.pipeline import services as pipeline_services
from tests.factories import OrganisationFactory, ParkFactory, PersonFactory, make_user

pytestmark = pytest.mark.django_db


def row(obj) -> dict:
    """Every column of the stored row (what "byte-identical" is checked by)."""
    return type(obj).objects.filter(pk=obj.pk).values().get()


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}")


# --- scope: as it is and as it would be ----------------------------------------------------------


SCOPE_CASES = [
    # (model, field, value maker, roles that must be refused)
    ("organisation", "park", "other_park", ["operator", "enterprise_member", "platform_manager", "viewer", "investor"]),
    ("park", "parent", "other_park", ["operator", "enterprise_member", "platform_manager", "viewer", "investor"]),
    ("platform", "park", "other_park", ["operator", "enterprise_member", "platform_manager", "viewer", "investor"]),
    ("platform", "operator", "other_enterprise",
     ["operator", "enterprise_member", "platform_manager", "viewer", "investor"]),
]


@pytest.fixture
def world(roles):
    park, zone = roles["park"], roles["zone"]
    platform = Platform.objects.create(name_en="Own platform", park=zone, operator=roles["enterprise"])
    return {**roles, "platform": platform, "records": {
        "organisation": roles["enterprise"], "park": park, "platform": platform,
    }}


@pytest.mark.parametrize(("type_name", "field", "target", "refused_roles"), SCOPE_CASES)
def test_moving_a_record_out_of_scope_is_refused_and_changes_nothing(world, type_name, field, target, refused_roles):
    record = world["records"][type_name]
    value = world[target]
    for role in refused_roles:
        before = row(record)
        with pytest.raises(PermissionRefused):
            services.record_update(actor=world["users"][role], instance=type(record).objects.get(pk=record.pk),
                                   data={field: value.pk})
        assert row(record) == before, role


def test_an_administrator_may_move_records_between_parks(world):
    org = world["enterprise"]
    services.record_update(actor=world["users"]["admin"], instance=org, data={"park": world["other_park"].pk})
    assert Organisation.objects.get(pk=org.pk).park_id == world["other_park"].pk


def test_an_operator_may_move_a_record_within_its_park_tree(world):
    org = OrganisationFactory(park=world["park"])
    services.record_update(actor=world["users"]["operator"], instance=org, data={"park": world["zone"].pk})
    assert Organisation.objects.get(pk=org.pk).park_id == world["zone"].pk


def test_operator_patch_moving_an_organisation_to_another_park_is_403_and_row_identical(world):
    org = world["enterprise"]
    before = row(org)
    response = api(world["users"]["operator"]).patch(
        f"/api/v1/organisations/{org.pk}", {"park": world["other_park"].pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert row(org) == before


def test_create_in_own_park_then_move_into_another_is_refused(world):
    client = api(world["users"]["operator"])
    created = client.post("/api/v1/organisations", {"name_en": "Newco", "park": world["zone"].pk},
                          content_type="application/json")
    assert created.status_code == 201
    org = Organisation.objects.get(pk=created.json()["id"])
    before = row(org)
    moved = client.patch(f"/api/v1/organisations/{org.pk}", {"park": world["other_park"].pk},
                         content_type="application/json")
    assert moved.status_code == 403
    assert row(org) == before


def test_operator_cannot_reparent_its_park_under_another_parks_tree(world):
    park = world["park"]
    before = row(park)
    response = api(world["users"]["operator"]).patch(
        f"/api/v1/parks/{park.pk}", {"parent": world["other_park"].pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert row(park) == before
    zone_before = row(world["zone"])
    response = api(world["users"]["operator"]).patch(
        f"/api/v1/parks/{world['zone'].pk}", {"parent": world["other_park"].pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert row(world["zone"]) == zone_before


def test_operator_cannot_add_a_position_at_another_parks_organisation(world):
    person = PersonFactory()
    response = api(world["users"]["operator"]).post(
        f"/api/v1/people/{person.pk}/positions",
        {"title_en": "CEO", "organisation": world["other_enterprise"].pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert list(Position.objects.filter(person=person)) == []
    own = api(world["users"]["operator"]).post(
        f"/api/v1/people/{person.pk}/positions",
        {"title_en": "CEO", "organisation": world["enterprise"].pk},
        content_type="application/json",
    )
    assert own.status_code == 201


def test_enterprise_member_cannot_move_its_organisation_to_another_park(world):
    org = world["enterprise"]
    before = row(org)
    response = api(world["users"]["enterprise_member"]).patch(
        f"/api/v1/organisations/{org.pk}", {"park": world["other_park"].pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert row(org) == before
    # ...while its profile stays its own to edit.
    response = api(world["users"]["enterprise_member"]).patch(
        f"/api/v1/organisations/{org.pk}", {"website": "https://example.org"}, content_type="application/json"
    )
    assert response.status_code == 200


def test_project_owner_may_change_visibility_but_another_member_may_not(world):
    project = pipeline_services.project_create(
        actor=world["users"]["enterprise_member"], organisation=world["enterprise"],
        data={"name_en": "P1", "modality": "small_molecule"},
    )
    outsider = make_user("enterprise_member", organisation=world["other_enterprise"])
    before = row(project)
    with pytest.raises(PermissionRefused):
        pipeline_services.project_update(actor=outsider, project=project, data={"visibility": "public"})
    assert row(project) == before
    pipeline_services.project_update(actor=world["users"]["enterprise_member"], project=project,
                                     data={"visibility": "public"})
    project.refresh_from_db()
    assert project.visibility == "public"


# --- lost updates --------------------------------------------------------------------------------


def test_a_patch_writes_only_the_fields_it_names_even_from_a_stale_instance(world):
    org = world["enterprise"]
    first = Organisation.objects.get(pk=org.pk)
    second = Organisation.objects.get(pk=org.pk)  # read before the first change, as a concurrent request would
    services.record_update(actor=world["users"]["admin"], instance=first, data={"name_en": "Renamed"})
    services.record_update(actor=world["users"]["admin"], instance=second, data={"city_en": "Chengdu"})
    stored = Organisation.objects.get(pk=org.pk)
    assert (stored.name_en, stored.city_en, stored.version) == ("Renamed", "Chengdu", org.version + 2)


def test_get_returns_an_etag_and_a_stale_if_match_is_412_with_nothing_written(world):
    org = world["enterprise"]
    client = api(world["users"]["admin"])
    got = client.get(f"/api/v1/organisations/{org.pk}")
    etag = got["ETag"]
    assert etag == f'"ecosystem.organisation.{org.pk}.v{org.version}"'
    assert got.json()["version"] == org.version
    ok = client.patch(f"/api/v1/organisations/{org.pk}", {"name_en": "One"}, content_type="application/json",
                      HTTP_IF_MATCH=etag)
    assert ok.status_code == 200
    assert ok["ETag"] == f'"ecosystem.organisation.{org.pk}.v{org.version + 1}"'
    before = row(org)
    stale = client.patch(f"/api/v1/organisations/{org.pk}", {"city_en": "Two"}, content_type="application/json",
                         HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "precondition_failed"
    assert stale["ETag"] == ok["ETag"]
    assert row(org) == before
    other_record = client.patch(f"/api/v1/organisations/{org.pk}", {"city_en": "Two"},
                                content_type="application/json", HTTP_IF_MATCH='"ecosystem.park.1.v1"')
    assert other_record.status_code == 412


def test_if_match_on_projects_and_resources(world):
    from tests.facilities.factories import ResourceFactory

    project = pipeline_services.project_create(
        actor=world["users"]["enterprise_member"], organisation=world["enterprise"],
        data={"name_en": "P1", "modality": "small_molecule"},
    )
    client = api(world["users"]["enterprise_member"])
    etag = client.get(f"/api/v1/pipeline/projects/{project.pk}")["ETag"]
    assert client.patch(f"/api/v1/pipeline/projects/{project.pk}", {"name_en": "P2"},
                        content_type="application/json", HTTP_IF_MATCH=etag).status_code == 200
    assert client.patch(f"/api/v1/pipeline/projects/{project.pk}", {"name_en": "P3"},
                        content_type="application/json", HTTP_IF_MATCH=etag).status_code == 412
    project.refresh_from_db()
    assert project.name_en == "P2"

    resource = ResourceFactory()
    admin = api(world["users"]["admin"])
    etag = admin.get(f"/api/v1/facilities/resources/{resource.pk}")["ETag"]
    assert admin.patch(f"/api/v1/facilities/resources/{resource.pk}", {"name_en": "R2"},
                       content_type="application/json", HTTP_IF_MATCH=etag).status_code == 200
    assert admin.patch(f"/api/v1/facilities/resources/{resource.pk}", {"name_en": "R3"},
                       content_type="application/json", HTTP_IF_MATCH=etag).status_code == 412


def test_two_people_editing_one_form_the_later_sees_both_values_and_loses_nothing(world):
    org = world["enterprise"]
    admin = Client()
    admin.force_login(world["users"]["admin"])
    member = Client()
    member.force_login(world["users"]["enterprise_member"])
    form = {"name_zh": org.name_zh, "name_en": org.name_en, "kind": org.kind, "park": org.park_id,
            "country": org.country, "version": org.version}
    assert admin.post(f"/organisations/{org.pk}/edit/", {**form, "website": "https://first.example"}).status_code == 302
    late = member.post(f"/organisations/{org.pk}/edit/", {**form, "city_en": "Typed by the second"})
    assert late.status_code == 409
    page = late.content.decode()
    assert "https://first.example" in page  # what is saved now, shown under its field
    assert 'value="Typed by the second"' in page  # what the second person typed, kept in the form
    assert f'name="version" value="{org.version + 1}"' in page
    stored = Organisation.objects.get(pk=org.pk)
    assert (stored.website, stored.city_en) == ("https://first.example", "")
    # Saving the form as shown now keeps both.
    again = member.post(f"/organisations/{org.pk}/edit/", {**form, "website": "https://first.example",
                                                            "city_en": "Typed by the second",
                                                            "version": org.version + 1})
    assert again.status_code == 302
    stored.refresh_from_db()
    assert (stored.website, stored.city_en) == ("https://first.example", "Typed by the second")
    history = [c.changes for c in policy_history(stored)]
    assert len(history) == 2
    assert not any("website" in c and c["website"][1] == "" for c in history)  # nobody "reverted" the website


def policy_history(obj):
    from django.contrib.contenttypes.models import ContentType

    from biopark.core.models import ChangeRecord

    return ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


@pytest.mark.django_db(transaction=True)
def test_concurrent_patches_of_different_fields_both_survive():
    """Two operators PATCH different fields of one organisation at the same moment, 10 rounds: both changes
    survive every round (the old whole-row save lost one in 18 of 20 rounds)."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("an in-memory SQLite database is not shared between threads")
    park = ParkFactory()
    admin = make_user("admin")
    org = OrganisationFactory(park=park)
    for round_no in range(10):
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def edit(field: str, value: str, barrier: threading.Barrier = barrier, errors: list = errors) -> None:
            try:
                stale = Organisation.objects.get(pk=org.pk)
                barrier.wait(timeout=10)
                services.record_update(actor=admin, instance=stale, data={field: value})
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                close_old_connections()

        threads = [threading.Thread(target=edit, args=("name_en", f"N{round_no}")),
                   threading.Thread(target=edit, args=("city_en", f"C{round_no}"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        stored = Organisation.objects.get(pk=org.pk)
        assert (stored.name_en, stored.city_en) == (f"N{round_no}", f"C{round_no}")


def test_a_stale_expected_version_raises_and_names_the_current_one(world):
    org = world["enterprise"]
    services.record_update(actor=world["users"]["admin"], instance=org, data={"name_en": "A"})
    with pytest.raises(PreconditionFailed) as caught:
        services.record_update(actor=world["users"]["admin"], instance=org, data={"name_en": "B"},
                               expected_version=org.version - 1)
    assert caught.value.current_version == org.version
    assert caught.value.current["name_en"] == "A"

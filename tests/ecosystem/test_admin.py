"""The admin asks the same policy and writes through the same services as pages and API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from biopark.core.models import ChangeRecord
from biopark.ecosystem.models import Figure, Organisation, Park, Person, Platform, Position, Relation
from tests.admin_forms import admin_url, form_post
from tests.factories import PersonFactory, PlatformFactory, PositionFactory

pytestmark = pytest.mark.django_db


def staff_client(user) -> Client:
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_operator_edits_own_park_records_in_admin_with_history(roles):
    client = staff_client(roles["users"]["operator"])
    org = roles["enterprise"]
    assert client.get("/admin/ecosystem/organisation/").status_code == 200
    page = client.get(f"/admin/ecosystem/organisation/{org.pk}/change/")
    assert page.status_code == 200
    response = client.post(f"/admin/ecosystem/organisation/{org.pk}/change/", {
        "key": "", "name_zh": org.name_zh, "name_en": "Admin Edited", "aliases": "[]", "kind": "enterprise",
        "park": org.park_id, "city_zh": "", "city_en": "", "country": "CN", "website": "", "credit_code": "",
        "description_zh": "", "description_en": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    org.refresh_from_db()
    assert org.name_en == "Admin Edited"
    record = ChangeRecord.objects.get(object_id=org.pk, action="update")
    assert record.note == "admin" and record.actor_label == roles["users"]["operator"].username


def test_admin_refuses_what_the_policy_refuses(roles):
    client = staff_client(roles["users"]["operator"])
    other = roles["other_enterprise"]
    before = Organisation.objects.values().get(pk=other.pk)
    response = client.post(f"/admin/ecosystem/organisation/{other.pk}/change/", {
        "name_zh": "改名", "kind": "enterprise", "aliases": "[]", "country": "CN"})
    assert response.status_code in (302, 403)
    assert Organisation.objects.values().get(pk=other.pk) == before
    viewer = staff_client(roles["users"]["viewer"])
    read_only = viewer.get(f"/admin/ecosystem/organisation/{other.pk}/change/")
    assert read_only.status_code == 200 and 'name="_save"' not in read_only.content.decode()
    assert viewer.post(f"/admin/ecosystem/organisation/{other.pk}/change/", {"name_zh": "x"}).status_code == 403
    assert viewer.post("/admin/ecosystem/organisation/add/", {"name_zh": "新"}).status_code == 403
    assert not Organisation.objects.filter(name_zh="新").exists()


# --- every registry admin writes through the services (issue 9, item 3) ----------------------------

def history(obj):
    return list(
        ChangeRecord.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
        .order_by("id")
        .values_list("action", "actor_label", "changes")
    )


@pytest.mark.parametrize("role", ["admin", "operator"])
def test_a_position_added_in_the_admin_goes_through_position_add(roles, role):
    user = roles["users"][role]
    person = PersonFactory()
    data = form_post(Position, user, person=person, organisation=roles["enterprise"], title_en="Chief Scientist",
                     title_zh="首席科学家")
    response = staff_client(user).post(admin_url(Position, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    position = Position.objects.get(person=person)
    assert (position.organisation, position.title_en, position.is_current) == (roles["enterprise"], "Chief Scientist",
                                                                              True)
    assert history(person) == [
        ("update", user.username, {"positions": [None, f"+ Chief Scientist @ {roles['enterprise']}"]})
    ]


def test_a_position_refused_by_its_service_is_a_form_error(roles):
    user = roles["users"]["admin"]
    person = PersonFactory()
    data = form_post(Position, user, person=person, organisation=roles["enterprise"], title_en="Late",
                     start_on=dt.date(2024, 5, 1), end_on=dt.date(2020, 1, 1))
    response = staff_client(user).post(admin_url(Position, "add"), data)
    assert response.status_code == 200
    assert "职位的结束时间不能早于开始时间。" in response.content.decode()
    assert not Position.objects.filter(person=person).exists()
    assert history(person) == []


def test_an_existing_position_is_read_only_and_not_deleted(roles):
    position = PositionFactory(organisation=roles["enterprise"])
    before = Position.objects.values().get(pk=position.pk)
    user = roles["users"]["admin"]
    client = staff_client(user)
    data = form_post(Position, user, position, title_en="Changed")
    assert client.post(admin_url(Position, "change", position.pk), data).status_code == 403
    assert client.post(admin_url(Position, "delete", position.pk), {"post": "yes"}).status_code == 403
    client.post(admin_url(Position), {"action": "delete_selected", "_selected_action": [position.pk], "post": "yes"})
    assert Position.objects.values().get(pk=position.pk) == before


def test_relations_are_added_and_removed_through_their_services(roles):
    user = roles["users"]["admin"]
    client = staff_client(user)
    subject, target = roles["enterprise"], roles["other_enterprise"]
    data = form_post(Relation, user, subject_type="organisation", subject_id=subject.pk, predicate="partner_of",
                     object_type="organisation", object_id=target.pk, note="MoU 2024")
    response = client.post(admin_url(Relation, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    relation = Relation.objects.get()
    assert (relation.subject_id, relation.predicate, relation.object_id, relation.note) == (
        subject.pk, "partner_of", target.pk, "MoU 2024"
    )
    added = f"partner_of organisation:{target.pk} ({target})"
    assert history(subject) == [("update", user.username, {"relations": [None, added]})]
    # Not edited in place...
    before = Relation.objects.values().get(pk=relation.pk)
    data = form_post(Relation, user, relation, predicate="invests_in")
    assert client.post(admin_url(Relation, "change", relation.pk), data).status_code == 403
    assert Relation.objects.values().get(pk=relation.pk) == before
    # ...but removed through relation_delete, which keeps the history.
    assert client.post(admin_url(Relation, "delete", relation.pk), {"post": "yes"}).status_code == 302
    assert not Relation.objects.exists()
    assert history(subject)[-1] == (
        "update", user.username, {"relations": [f"partner_of organisation:{target.pk}", None]}
    )


def test_a_relation_to_a_missing_record_is_a_form_error(roles):
    user = roles["users"]["admin"]
    data = form_post(Relation, user, subject_type="organisation", subject_id=roles["enterprise"].pk,
                     predicate="partner_of", object_type="person", object_id=987654)
    response = staff_client(user).post(admin_url(Relation, "add"), data)
    assert response.status_code == 200
    assert "没有编号为 987654 的 person" in response.content.decode()  # the admin speaks the default language
    assert not Relation.objects.exists()


def test_a_relation_the_policy_refuses_is_not_written(roles):
    operator = roles["users"]["operator"]
    other = roles["other_enterprise"]
    data = form_post(Relation, operator, subject_type="organisation", subject_id=other.pk, predicate="partner_of",
                     object_type="organisation", object_id=PlatformFactory().operator_id)
    response = staff_client(operator).post(admin_url(Relation, "add"), data)
    assert response.status_code in (200, 403)
    assert not Relation.objects.exists()


def test_figures_are_read_only(roles):
    figure = Figure.objects.create(subject_type="park", subject_id=roles["park"].pk, kind="investment",
                                   amount=Decimal("10.0000"), currency="CNY")
    before = Figure.objects.values().get(pk=figure.pk)
    user = roles["users"]["admin"]
    client = staff_client(user)
    assert client.get(admin_url(Figure, "change", figure.pk)).status_code == 200
    assert client.post(admin_url(Figure, "change", figure.pk), {"amount": "99", "kind": "investment",
                                                                "subject_type": "park",
                                                                "subject_id": roles["park"].pk}).status_code == 403
    assert client.post(admin_url(Figure, "add"), {"amount": "1", "kind": "count", "subject_type": "park",
                                                  "subject_id": roles["park"].pk}).status_code == 403
    assert client.post(admin_url(Figure, "delete", figure.pk), {"post": "yes"}).status_code == 403
    assert Figure.objects.values().get(pk=figure.pk) == before and Figure.objects.count() == 1


def test_a_park_nested_in_itself_is_a_form_error_not_a_server_error(roles):
    user = roles["users"]["admin"]
    park, zone = roles["park"], roles["zone"]
    before = Park.objects.values().get(pk=park.pk)
    data = form_post(Park, user, park, parent=zone)
    response = staff_client(user).post(admin_url(Park, "change", park.pk), data)
    assert response.status_code == 200
    assert "园区不能嵌套在自身之内。" in response.content.decode()
    assert Park.objects.values().get(pk=park.pk) == before


@pytest.mark.parametrize("model", [Park, Organisation, Person, Platform])
def test_registry_records_are_not_deleted_in_the_admin(roles, model):
    record = {Park: roles["other_park"], Organisation: roles["other_enterprise"], Person: PersonFactory(),
              Platform: PlatformFactory()}[model]
    client = staff_client(roles["users"]["admin"])
    assert client.post(admin_url(model, "delete", record.pk), {"post": "yes"}).status_code == 403
    client.post(admin_url(model), {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"})
    assert model.objects.filter(pk=record.pk).exists()


def test_a_platform_manager_edits_its_platform_in_the_admin_with_history(roles):
    manager = roles["users"]["platform_manager"]
    platform = PlatformFactory(operator=roles["enterprise"], park=roles["zone"])
    other = PlatformFactory(operator=roles["other_enterprise"])
    before = Platform.objects.values().get(pk=other.pk)
    client = staff_client(manager)
    data = form_post(Platform, manager, platform, description_en="Open 24/7")
    assert client.post(admin_url(Platform, "change", platform.pk), data).status_code == 302
    assert history(platform) == [("update", manager.username, {"description_en": ["", "Open 24/7"]})]
    data = form_post(Platform, manager, other, description_en="Hijacked")
    assert client.post(admin_url(Platform, "change", other.pk), data).status_code == 403
    assert Platform.objects.values().get(pk=other.pk) == before


def test_a_stale_admin_form_is_refused_shows_the_stored_values_and_loses_nothing(roles):
    """Two people open the same organisation; the later save must not revert the earlier one's field."""
    first, second = roles["users"]["admin"], roles["users"]["operator"]
    org = roles["enterprise"]
    first_form = form_post(Organisation, first, org, name_en="Renamed by the first")
    second_form = form_post(Organisation, second, org, website="https://example.org")
    assert first_form["seen_version"] == second_form["seen_version"] == "1"
    assert staff_client(first).post(admin_url(Organisation, "change", org.pk), first_form).status_code == 302
    client = staff_client(second)
    response = client.post(admin_url(Organisation, "change", org.pk), second_form)
    assert response.status_code == 200
    page = response.content.decode()
    # The admin speaks the default language (Simplified Chinese).
    assert "在您打开后，其他人修改了该记录；请核对对方的值后重新保存 当前保存的值：" in page
    assert "name_en = &#x27;Renamed by the first&#x27;" in page
    assert 'value="https://example.org"' in page  # what the second person typed is still in the form
    assert 'name="seen_version" value="2"' in page
    org.refresh_from_db()
    assert (org.name_en, org.website, org.version) == ("Renamed by the first", "", 2)
    # Saving the form again as shown (it now carries the version the message showed) applies only the field the
    # second person edited: the first person's name is not reverted, though the form still holds the old one.
    second_form.update(seen_version="2")
    assert client.post(admin_url(Organisation, "change", org.pk), second_form).status_code == 302
    org.refresh_from_db()
    assert (org.name_en, org.website, org.version) == ("Renamed by the first", "https://example.org", 3)
